/** PutObjectTagging, GetObjectTagging, DeleteObjectTagging. */
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import { validateTags } from './metadata-headers.js';
import { checkVersionId, noSuchKey, requireBucket, requireKey } from './object-names.js';
import { readTagSet } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

export async function putObjectTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const tags = await readTagSet(req.body);
  validateTags(tags);
  if (!(await ctx.meta.putObjectTags(bucket.name, key, tags))) throw noSuchKey(req);
  return { status: 200 };
}

export async function getObjectTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const object = await ctx.meta.getObject(bucket.name, key);
  if (!object) throw noSuchKey(req);
  const body = toXml('Tagging', { TagSet: { Tag: object.tags.map(([Key, Value]) => ({ Key, Value })) } });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

export async function deleteObjectTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  if (!(await ctx.meta.putObjectTags(bucket.name, key, []))) throw noSuchKey(req);
  return { status: 204 };
}
