/** x-amz-copy-source: parse it, load the source object, apply the x-amz-copy-source-if-* conditions. */
import { s3Error } from '../common/api-error.js';
import type { ObjectRecord } from '../stores/meta-store.js';
import { checkConditions } from './conditional-headers.js';
import { header } from './metadata-headers.js';
import { pinObject, type PinnedObject } from './object-reader.js';
import type { S3Context, S3Request } from './s3-request.js';
import { checkVersionId } from './object-names.js';
import { noSuchVersion } from './versioning.js';

/** The largest object CopyObject / UploadPartCopy will read. */
export const MAX_COPY_SOURCE = 5 * 1024 ** 3;

/** `/bucket/key` or `bucket/key`, URL-encoded, optionally `?versionId=…` (a malformed id is 400 InvalidArgument). */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  let v = value;
  let versionId: string | undefined;
  const q = v.indexOf('?');
  if (q >= 0) {
    versionId = checkVersionId(new URLSearchParams(v.slice(q + 1)).get('versionId'), 'x-amz-copy-source');
    v = v.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(v);
  } catch {
    throw s3Error('InvalidArgument', { message: 'Invalid copy source encoding', details: { ArgumentName: 'x-amz-copy-source' } });
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Error('InvalidArgument', { message: 'Invalid copy source object key', details: { ArgumentName: 'x-amz-copy-source', ArgumentValue: value } });
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), ...(versionId !== undefined ? { versionId } : {}) };
}

/**
 * Loads and checks the copy source named by the request, its blobs leased (object-reader.ts pinObject) so
 * an overwrite or delete of the source cannot cut the copy off. The caller must call `release()`.
 */
export async function loadCopySource(req: S3Request, ctx: S3Context): Promise<PinnedObject> {
  const { bucket, key, versionId } = parseCopySource(header(req.headers, 'x-amz-copy-source')!);
  if (!(await ctx.meta.getBucket(bucket))) throw s3Error('NoSuchBucket', { resource: `/${bucket}`, details: { BucketName: bucket } });
  // The source is read: the caller must be allowed to GetObject it (another account's bucket is refused).
  // A named version needs s3:GetObjectVersion, as a GET ?versionId does.
  const facts = versionId === undefined ? req.facts : { ...req.facts, query: new URLSearchParams({ versionId }) };
  await ctx.authorize({ principal: req.principal, service: 's3', operation: 'GetObject', bucket, key, facts });
  const pinned = await pinObject(ctx, bucket, key, versionId);
  if (!pinned) {
    if (versionId !== undefined) throw noSuchVersion(key, versionId);
    throw s3Error('NoSuchKey', { resource: `/${bucket}/${key}`, details: { Key: key } });
  }
  try {
    if (pinned.object.deleteMarker) {
      throw s3Error('InvalidRequest', { message: 'The source of a copy request may not specifically refer to a delete marker by version id.' });
    }
    checkConditions(req.headers, pinned.object, 'x-amz-copy-source-');
  } catch (err) {
    pinned.release();
    throw err;
  }
  return pinned;
}

/** x-amz-copy-source-version-id: the source's version id, when it has one ("null" is not echoed for unversioned sources). */
export function copySourceVersionHeader(source: ObjectRecord): Record<string, string> {
  return source.versionId !== undefined ? { 'x-amz-copy-source-version-id': source.versionId } : {};
}

/** Runs `use` with the pinned copy source and releases its lease afterwards, whatever happens. */
export async function withCopySource<T>(req: S3Request, ctx: S3Context, use: (source: ObjectRecord) => Promise<T>): Promise<T> {
  const pinned = await loadCopySource(req, ctx);
  try {
    return await use(pinned.object);
  } finally {
    pinned.release();
  }
}
