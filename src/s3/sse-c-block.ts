/** BlockedEncryptionTypes: a bucket's effective encryption rule (SSE-C blocked on new buckets unless the server allows it) and the 403 a blocked SSE-C write gets first. */
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import type { MetaStore } from '../stores/meta-store.js';
import { IMPLICIT_DEFAULT, loadBucketEncryption, type BucketEncryptionConfig } from './encryption-resolution.js';

/**
 * Bucket config row written at CreateBucket under `--sse-c-default allowed`: the bucket was made allowing
 * SSE-C, so with no rule of its own (never configured, or DeleteBucketEncryption) it keeps allowing it.
 */
export const SSE_C_CREATION_DEFAULT = 'sse-c-default';

/** The unconfigured rule of a bucket made under `--sse-c-default allowed` (S3's default before April 2026). */
const IMPLICIT_ALLOWING_SSE_C: BucketEncryptionConfig = { ...IMPLICIT_DEFAULT, blockedEncryptionTypes: [] };

/** The bucket's rule as GetBucketEncryption shows it and writes obey it: its own, or the default it was made with. */
export async function effectiveBucketEncryption(meta: MetaStore, bucket: string): Promise<BucketEncryptionConfig> {
  const own = await loadBucketEncryption(meta, bucket);
  if (own !== undefined) return own;
  return (await meta.getBucketConfig(bucket, SSE_C_CREATION_DEFAULT)) === 'allowed' ? IMPLICIT_ALLOWING_SSE_C : IMPLICIT_DEFAULT;
}

/** Whether a write asks for SSE-C: it names the customer algorithm (header, or POST form field as a header). */
export function requestsSseC(headers: IncomingHttpHeaders | Readonly<Record<string, string | undefined>>): boolean {
  return headers['x-amz-server-side-encryption-customer-algorithm'] !== undefined;
}

/**
 * Refuses an SSE-C write (PUT, COPY target, POST, CreateMultipartUpload) to a bucket that blocks SSE-C with
 * 403 AccessDenied, as S3 does — before the SSE-C headers themselves are looked at.
 */
export async function assertSseCAllowed(meta: MetaStore, bucket: string): Promise<void> {
  if ((await effectiveBucketEncryption(meta, bucket)).blockedEncryptionTypes.includes('SSE-C')) throw s3Error('AccessDenied');
}
