/** PutObjectTagging, GetObjectTagging, DeleteObjectTagging: of the current version, or of the one `versionId` names. */
import { toXml } from '../common/xml-writer.js';
import type { BucketRecord } from '../stores/meta-store.js';
import { validateTags } from './metadata-headers.js';
import { checkVersionId, requireBucket, requireKey } from './object-names.js';
import { readTagSet } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { readableVersion, readVersionHeader } from './versioning.js';

export async function putObjectTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const tags = await readTagSet(req.body);
  validateTags(tags);
  return replaceTags(req, ctx, bucket, key, versionId, tags, 200);
}

export async function getObjectTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const object = await readableVersion(req, ctx, bucket.name, key, versionId);
  const body = toXml('Tagging', { TagSet: { Tag: object.tags.map(([Key, Value]) => ({ Key, Value })) } });
  return { status: 200, headers: { 'content-type': 'application/xml', ...readVersionHeader(object, versionId, bucket) }, body };
}

export async function deleteObjectTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  return replaceTags(req, ctx, bucket, key, versionId, [], 204);
}

/**
 * The version is resolved first (NoSuchKey / NoSuchVersion / a delete marker's 405 with its headers), then
 * its tags replaced by its id; a version removed in between is NoSuchVersion.
 */
async function replaceTags(req: S3Request, ctx: S3Context, record: BucketRecord, key: string, versionId: string | undefined, tags: Array<[string, string]>, status: number): Promise<S3Response> {
  const bucket = record.name;
  const object = await readableVersion(req, ctx, bucket, key, versionId);
  const id = object.versionId ?? 'null';
  if (!(await ctx.meta.putObjectTags(bucket, key, tags, id))) await readableVersion(req, ctx, bucket, key, id);
  return { status, headers: readVersionHeader(object, versionId, record) };
}
