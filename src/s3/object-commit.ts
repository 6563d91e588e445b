/** The last step of every object write (PUT, POST, copy): seal the layout, switch the row (a new version on a versioned bucket), release what it replaced. */
import type { ObjectRecord, Precondition, RemovalGuard } from '../stores/meta-store.js';
import { bucketGoneAsNoSuchBucket } from './missing-bucket.js';
import type { AuditRider, S3Context, S3Response } from './s3-request.js';
import { versionIdHeader, writeVersionId, type VersioningState } from './versioning.js';

/** The answer a write gives once committed, from its version header; with a rider, the write's record rides in the commit. */
export interface CommitAnswer {
  readonly rider: AuditRider | undefined;
  answer(version: Record<string, string>): S3Response;
}

/**
 * Makes `object` the key's current version (a fresh version id while the bucket's `versioning` is enabled,
 * else the null version, replacing it) with its layout manifest, in one transaction that also checks the
 * bucket still exists. On failure the new blobs are deleted and the error (NoSuchBucket for a bucket
 * deleted meanwhile) rethrown. After the commit, the replaced blobs are released best effort: the write
 * has happened and is answered as such (a failed delete is logged and left to the orphan sweeper), and a
 * blob a read still holds is deleted when that read ends. Returns the x-amz-version-id header to answer with.
 * With `audit`, the answer is known before the commit, so the write's audit record is journalled in the same
 * transaction (no second commit to wait for).
 */
export async function commitObject(ctx: S3Context, object: ObjectRecord, versioning: VersioningState, precondition?: Precondition, guard?: RemovalGuard, audit?: CommitAnswer): Promise<Record<string, string>> {
  const versionId = writeVersionId(versioning, object.lastModified);
  // The version id is not in the manifest's binding: the write id it binds is already unique to this version (docs/FORMAT.md).
  const manifest = ctx.envelope.sealLayout(object);
  const version = versionIdHeader(versioning, versionId);
  // Nothing awaited between the unit and the commit it joins: the trail's segment it names is still open then.
  const alongside = audit?.rider === undefined ? undefined : audit.rider.unitFor(audit.answer(version));
  let released;
  try {
    released = await ctx.meta.putObject({ ...object, manifest, ...(versionId ? { versionId } : {}) }, precondition, guard, alongside);
    if (audit?.rider !== undefined) audit.rider.committed = true;
  } catch (err) {
    await ctx.blobs.delete(object.parts.map((p) => p.blobId));
    throw bucketGoneAsNoSuchBucket(err);
  }
  await ctx.blobs.delete(released.blobIds);
  return version;
}
