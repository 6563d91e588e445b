/** Small shared request facts every object operation needs: the bucket (must exist), the key, new write ids. */
import { s3Error } from '../common/api-error.js';
import { systemRandom } from '../common/random.js';
import type { BucketRecord } from '../stores/meta-store.js';
import type { S3Context, S3Request } from './s3-request.js';

/** Router reads of a request's bucket already used by requireBucket. */
const usedRows = new WeakSet<object>();

/**
 * Loads the request's bucket or throws NoSuchBucket. The first call of a request takes the row the router
 * read just before authorization; a later call is a re-check (after a body that took a while) and reads again.
 */
export async function requireBucket(req: S3Request, ctx: S3Context): Promise<BucketRecord> {
  const name = req.bucket!;
  const read = req.facts.bucketRow;
  const fresh = read !== undefined && read.name === name && !usedRows.has(read);
  if (fresh) usedRows.add(read);
  const bucket = fresh ? read.record : await ctx.meta.getBucket(name);
  if (!bucket) throw s3Error('NoSuchBucket', { resource: `/${name}`, details: { BucketName: name } });
  return bucket;
}

/** S3's limit on a key's UTF-8 length. */
const MAX_KEY_BYTES = 1024;

/** KeyTooLongError for a key past 1,024 UTF-8 bytes (every path that names a key: the URL, a POST form's field). */
export function checkKeyLength(key: string): void {
  const size = Buffer.byteLength(key);
  if (size > MAX_KEY_BYTES) throw s3Error('KeyTooLongError', { details: { Size: size, MaxSizeAllowed: MAX_KEY_BYTES } });
}

export function requireKey(req: S3Request): string {
  if (req.key === undefined) throw s3Error('InvalidRequest', { message: 'A key must be specified' });
  return req.key;
}

/** A fresh id for a write or an upload; also the AAD binding of its sealed keys. */
export function newWriteId(): string {
  return systemRandom.bytes(16).toString('base64url');
}

export const quoted = (etag: string) => `"${etag}"`;

export function noSuchKey(req: S3Request) {
  return s3Error('NoSuchKey', { resource: `/${req.bucket}/${req.key}`, details: { Key: req.key ?? '' } });
}

/**
 * Version ids: 12 hex digits of the creation time in milliseconds (strictly increasing within the
 * process, so ids of one key sort by creation), then 20 base64url characters of randomness: opaque,
 * URL-safe, 32 characters.
 */
const VERSION_ID = /^[0-9a-f]{12}[A-Za-z0-9_-]{20}$/;
let lastVersionTime = 0;

export function newVersionId(now: Date): string {
  lastVersionTime = Math.max(now.getTime(), lastVersionTime + 1);
  return lastVersionTime.toString(16).padStart(12, '0') + systemRandom.bytes(15).toString('base64url');
}

export const isVersionId = (raw: string) => raw === 'null' || VERSION_ID.test(raw);

/** A versionId argument: absent, "null", or one of ours; anything else is 400 InvalidArgument, as S3 answers. */
export function checkVersionId(versionId: string | null, argument = 'versionId'): string | undefined {
  if (versionId === null) return undefined;
  if (!isVersionId(versionId)) {
    throw s3Error('InvalidArgument', { message: 'Invalid version id specified', details: { ArgumentName: argument, ArgumentValue: versionId } });
  }
  return versionId;
}
