/** PutBucketTagging, GetBucketTagging, DeleteBucketTagging: the bucket's own tag set (not its objects'). */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import { validateTagPairs } from './metadata-headers.js';
import { requireBucket } from './object-names.js';
import { readTagSet } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

/** The bucket config name the tags are stored under (JSON of [key, value] pairs). */
const TAGGING_CONFIG = 'tagging';
/** S3's limit on a bucket's tags (an object has at most 10). */
const MAX_BUCKET_TAGS = 50;

export async function putBucketTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const tags = await readTagSet(req.body);
  if (tags.length > MAX_BUCKET_TAGS) throw s3Error('InvalidTag', { message: `Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}` });
  validateTagPairs(tags);
  // The aws: prefix is reserved for tags AWS itself sets.
  if (tags.some(([k]) => k.toLowerCase().startsWith('aws:'))) throw s3Error('InvalidTag', { message: 'System tags cannot be added/updated by requester' });
  // An empty TagSet leaves the bucket without tags, as DeleteBucketTagging does.
  await ctx.meta.putBucketConfig(bucket.name, TAGGING_CONFIG, tags.length === 0 ? undefined : JSON.stringify(tags));
  return { status: 204 };
}

export async function getBucketTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const raw = await ctx.meta.getBucketConfig(bucket.name, TAGGING_CONFIG);
  if (raw === undefined) throw s3Error('NoSuchTagSet', { resource: `/${bucket.name}`, details: { BucketName: bucket.name } });
  const tags = JSON.parse(raw) as Array<[string, string]>;
  const body = toXml('Tagging', { TagSet: { Tag: tags.map(([Key, Value]) => ({ Key, Value })) } });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

export async function deleteBucketTagging(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  await ctx.meta.putBucketConfig(bucket.name, TAGGING_CONFIG, undefined);
  return { status: 204 };
}
