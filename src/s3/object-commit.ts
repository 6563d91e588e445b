/** The last step of every object write (PUT, POST, copy): seal the layout, switch the row, release what it replaced. */
import type { ObjectRecord, Precondition } from '../stores/meta-store.js';
import { bucketGoneAsNoSuchBucket } from './missing-bucket.js';
import type { S3Context } from './s3-request.js';

/**
 * Switches the object row to `object` (with its layout manifest) in one transaction that also checks the
 * bucket still exists. On failure the new blobs are deleted and the error (NoSuchBucket for a bucket
 * deleted meanwhile) rethrown. After the commit, the replaced blobs are released best effort: the write
 * has happened and is answered as such (a failed delete is logged and left to the orphan sweeper), and a
 * blob a read still holds is deleted when that read ends.
 */
export async function commitObject(ctx: S3Context, object: ObjectRecord, precondition?: Precondition): Promise<void> {
  const manifest = ctx.envelope.sealLayout(object);
  let released;
  try {
    released = await ctx.meta.putObject({ ...object, manifest }, precondition);
  } catch (err) {
    await ctx.blobs.delete(object.parts.map((p) => p.blobId));
    throw bucketGoneAsNoSuchBucket(err);
  }
  await ctx.blobs.delete(released.blobIds);
}
