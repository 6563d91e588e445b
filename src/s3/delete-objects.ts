/** DeleteObject and DeleteObjects: metadata first (conditional on If-Match / <ETag>), then the released blobs. */
import { isApiError, s3Error } from '../common/api-error.js';
import { parseXml, xmlChildren, xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import type { BucketRecord, Precondition } from '../stores/meta-store.js';
import { etagMatches } from './conditional-headers.js';
import { header } from './metadata-headers.js';
import { checkVersionId, isVersionId, noSuchKey, requireBucket, requireKey } from './object-names.js';
import { versioningOf, writeVersionId } from './versioning.js';
import { lockGuard } from './object-lock.js';
import { NULL_VERSION_ID } from '../stores/meta-store.js';
import { readBody, verifyBodyDigest } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { parseSseRequest, transportOf } from './sse-headers.js';

const MAX_KEYS = 1000;

export async function deleteObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  parseSseRequest(req.headers, 'none', transportOf(req, ctx));
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const done = await deleteOne(req, ctx, bucket, key, versionId, header(req.headers, 'if-match'), () => noSuchKey(req));
  // 204 whether or not the key or version existed, as S3 answers (without If-Match).
  const headers: Record<string, string> = {};
  if (done.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  if (done.versionId !== undefined) headers['x-amz-version-id'] = done.versionId;
  return { status: 204, headers };
}

/**
 * One delete as the bucket's versioning makes it: a named version is removed for good (its blobs
 * released; the previous version becomes current); otherwise an enabled bucket gets a delete marker, a
 * suspended one a null delete marker replacing the null version, an unversioned one loses the object.
 * `versionId`/`deleteMarker` describe what was removed or added, for the answer.
 */
async function deleteOne(req: S3Request, ctx: S3Context, record: BucketRecord, key: string, versionId: string | undefined, ifMatch: string | undefined, missing: () => Error): Promise<{ versionId?: string; deleteMarker: boolean }> {
  const bucket = record.name;
  const guard = await lockGuard(req, ctx, bucket, key);
  if (versionId !== undefined) {
    if (ifMatch !== undefined) await checkVersionEtag(ctx, bucket, key, versionId, ifMatch, missing);
    const removed = await ctx.meta.deleteVersion(bucket, key, versionId, guard);
    await ctx.blobs.delete(removed.blobIds);
    return { versionId, deleteMarker: removed.deleteMarker };
  }
  const precondition = deletePrecondition(ifMatch, missing);
  const state = versioningOf(record);
  if (state === undefined) {
    const { blobIds } = await ctx.meta.deleteObject(bucket, key, precondition, guard);
    await ctx.blobs.delete(blobIds);
    return { deleteMarker: false };
  }
  const markerId = writeVersionId(state, ctx.clock.now()) ?? NULL_VERSION_ID;
  const { blobIds } = await ctx.meta.putDeleteMarker(bucket, key, markerId, ctx.clock.now(), precondition, guard);
  await ctx.blobs.delete(blobIds);
  return { versionId: markerId, deleteMarker: true };
}

/** If-Match on a delete of a named version: that version's ETag (a delete marker has none to match). */
async function checkVersionEtag(ctx: S3Context, bucket: string, key: string, versionId: string, ifMatch: string, missing: () => Error): Promise<void> {
  const version = await ctx.meta.getVersion(bucket, key, versionId);
  if (!version || version.deleteMarker) throw missing();
  if (!etagMatches(ifMatch, version.etag)) throw s3Error('PreconditionFailed', { details: { Condition: 'If-Match' } });
}

export async function deleteObjects(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const raw = await readBody(req.body);
  verifyBodyDigest(req, raw);
  const doc = parseXml(raw.toString('utf8'));
  if (doc.root !== 'Delete') throw s3Error('MalformedXML');
  const objects = xmlChildren(doc.value, 'Object');
  if (objects.length === 0 || objects.length > MAX_KEYS) throw s3Error('MalformedXML');
  const quiet = (xmlText(doc.value, 'Quiet') ?? 'false').toLowerCase() === 'true';
  // S3 supports these per-object conditions on directory buckets only; refused before anything is deleted.
  for (const o of objects) {
    for (const name of ['Size', 'LastModifiedTime']) {
      if (xmlText(o, name) !== undefined) throw s3Error('NotImplemented', { message: `The ${name} condition of DeleteObjects is not implemented.` });
    }
  }
  const deleted: Array<{ Key: string; VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string }> = [];
  const errors: Array<{ Key: string; Code: string; Message: string }> = [];
  for (const o of objects) {
    const key = xmlText(o, 'Key');
    if (key === undefined) throw s3Error('MalformedXML');
    const versionId = xmlText(o, 'VersionId');
    if (versionId !== undefined && !isVersionId(versionId)) {
      errors.push({ Key: key, Code: 'NoSuchVersion', Message: 'The specified version does not exist.' });
      continue;
    }
    if (key === '' || Buffer.byteLength(key) > 1024) {
      errors.push({ Key: key, Code: key === '' ? 'InvalidArgument' : 'KeyTooLongError', Message: key === '' ? 'Invalid key' : 'Your key is too long' });
      continue;
    }
    // Each key is its own s3:DeleteObject decision; a refused key is an <Error> entry, the others proceed.
    try {
      // A named version needs s3:DeleteObjectVersion, as DELETE ?versionId does.
      const facts = versionId === undefined ? req.facts : { ...req.facts, query: new URLSearchParams({ versionId }) };
      await ctx.authorize({ principal: req.principal, service: 's3', operation: 'DeleteObject', bucket: bucket.name, key, facts });
    } catch (err) {
      if (!isApiError(err) || err.code !== 'AccessDenied') throw err;
      errors.push({ Key: key, Code: err.code, Message: err.message });
      continue;
    }
    let done;
    try {
      done = await deleteOne(req, ctx, bucket, key, versionId, xmlText(o, 'ETag'), () => s3Error('NoSuchKey'));
    } catch (err) {
      if (!isApiError(err)) throw err;
      errors.push({ Key: key, Code: err.code, Message: err.message });
      continue;
    }
    // S3's shapes: a named version echoes VersionId (and DeleteMarker + its id when it was a marker); a new marker gives DeleteMarkerVersionId.
    deleted.push({
      Key: key, VersionId: versionId,
      ...(done.deleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: done.versionId } : {}),
    });
  }
  const body = toXml('DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

/**
 * Conditional delete (If-Match header, or <ETag> in a DeleteObjects entry), checked inside the delete's
 * transaction: a missing object is NoSuchKey, another ETag is PreconditionFailed, `*` matches any object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
 */
function deletePrecondition(ifMatch: string | undefined, missing: () => Error): Precondition | undefined {
  if (ifMatch === undefined) return undefined;
  return (existing) => {
    if (!existing) throw missing();
    if (!etagMatches(ifMatch, existing.etag)) throw s3Error('PreconditionFailed', { details: { Condition: 'If-Match' } });
  };
}
