/** A bucket's versioning state and what it means for a write or a delete: the version id it gets, the headers S3 answers with. */
import { s3Error } from '../common/api-error.js';
import { NULL_VERSION_ID, type BucketRecord, type ObjectRecord } from '../stores/meta-store.js';
import { newVersionId } from './object-names.js';
import type { S3Context, S3Request } from './s3-request.js';

/** Bucket config holding 'Enabled' or 'Suspended'; absent: versioning was never enabled. */
export { VERSIONING_CONFIG } from '../stores/meta-store.js';

export type VersioningState = 'Enabled' | 'Suspended' | undefined;

/**
 * The versioning state carried by the bucket's row (read with it, no second read). A write uses the state
 * its request found when it arrived, as S3 applies a versioning change to the writes that follow it; Object
 * Lock never depends on it (every destroying write passes the lock guard, lockGuard in object-lock.ts).
 */
export function versioningOf(bucket: Pick<BucketRecord, 'versioning'>): VersioningState {
  const v = bucket.versioning;
  return v === 'Enabled' || v === 'Suspended' ? v : undefined;
}

/** The version id a new write gets: a fresh one while versioning is enabled, else the null version (undefined). */
export function writeVersionId(state: VersioningState, now: Date): string | undefined {
  return state === 'Enabled' ? newVersionId(now) : undefined;
}

/** x-amz-version-id on a write's answer: only on a bucket that has (had) versioning, "null" for the null version. */
export function versionIdHeader(state: VersioningState, versionId: string | undefined): Record<string, string> {
  return state === undefined ? {} : { 'x-amz-version-id': versionId ?? NULL_VERSION_ID };
}

/**
 * x-amz-version-id on a read's answer: the version's id when it has one, when the request named one, or
 * ("null" for the null version) when the bucket has had versioning, as S3 answers; never on a
 * never-versioned bucket's plain read.
 */
export function readVersionHeader(object: ObjectRecord, asked: string | undefined, bucket: Pick<BucketRecord, 'versioning'>): Record<string, string> {
  return object.versionId !== undefined || asked !== undefined || versioningOf(bucket) !== undefined
    ? { 'x-amz-version-id': object.versionId ?? NULL_VERSION_ID } : {};
}

/**
 * Loads the version a read names (or the current one). A delete marker answers as S3 does: named by its
 * id → 405 MethodNotAllowed, as the latest version → 404 NoSuchKey; both with x-amz-delete-marker and
 * its version id. A well-formed id that names nothing → 404 NoSuchVersion.
 */
export async function readableVersion(req: S3Request, ctx: S3Context, bucket: string, key: string, versionId: string | undefined): Promise<ObjectRecord> {
  if (versionId === undefined) {
    const current = await ctx.meta.getObject(bucket, key);
    if (current) return current;
    throw await missingCurrent(req, ctx, bucket, key);
  }
  const version = await ctx.meta.getVersion(bucket, key, versionId);
  if (!version) throw noSuchVersion(key, versionId);
  if (version.deleteMarker) throw deleteMarkerNamed(version);
  return version;
}

/** NoSuchKey, with the delete marker's headers when the key's latest version is one. */
export async function missingCurrent(req: S3Request, ctx: S3Context, bucket: string, key: string): Promise<Error> {
  const marker = await ctx.meta.getLatestDeleteMarker(bucket, key);
  return s3Error('NoSuchKey', {
    resource: `/${req.bucket}/${req.key}`, details: { Key: key },
    ...(marker ? { headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId } } : {}),
  });
}

export function noSuchVersion(key: string, versionId: string): Error {
  return s3Error('NoSuchVersion', { details: { Key: key, VersionId: versionId } });
}

export function deleteMarkerNamed(marker: ObjectRecord): Error {
  return s3Error('MethodNotAllowed', {
    headers: {
      'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId ?? NULL_VERSION_ID,
      'last-modified': marker.lastModified.toUTCString(), allow: 'DELETE',
    },
    details: { Method: 'GET', ResourceType: 'DeleteMarker' },
  });
}
