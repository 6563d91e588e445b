/** The S3 general purpose bucket naming rules. */
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
import { s3Error } from '../common/api-error.js';

const FORBIDDEN_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const FORBIDDEN_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

export function isValidBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..')) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return false;
  if (FORBIDDEN_PREFIXES.some((p) => name.startsWith(p))) return false;
  if (FORBIDDEN_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return true;
}

export function assertValidBucketName(name: string): void {
  if (!isValidBucketName(name)) throw s3Error('InvalidBucketName', { resource: `/${name}`, details: { BucketName: name } });
}
