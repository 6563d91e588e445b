/** PutPublicAccessBlock, GetPublicAccessBlock, DeletePublicAccessBlock: the bucket's four Block Public Access settings. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
import { s3Error } from '../common/api-error.js';
import { PUBLIC_ACCESS_BLOCK_CONFIG, PUBLIC_ACCESS_SETTINGS, parsePublicAccessBlock, type PublicAccessBlock } from '../common/bucket-access.js';
import { xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import { requireBucket } from './object-names.js';
import { readXmlBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

export async function putPublicAccessBlock(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const doc = await readXmlBody(req.body, 'PublicAccessBlockConfiguration');
  const settings: Record<string, boolean> = {};
  for (const name of PUBLIC_ACCESS_SETTINGS) {
    // An element left out is false, as S3 stores it.
    const raw = xmlText(doc, name);
    if (raw !== undefined && raw !== 'true' && raw !== 'false') throw s3Error('MalformedXML');
    settings[name] = raw === 'true';
  }
  await ctx.meta.putBucketConfig(bucket.name, PUBLIC_ACCESS_BLOCK_CONFIG, JSON.stringify(settings as unknown as PublicAccessBlock));
  return { status: 200 };
}

export async function getPublicAccessBlock(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const stored = await ctx.meta.getBucketConfig(bucket.name, PUBLIC_ACCESS_BLOCK_CONFIG);
  if (stored === undefined) throw s3Error('NoSuchPublicAccessBlockConfiguration', { details: { BucketName: bucket.name } });
  const block = parsePublicAccessBlock(stored);
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: toXml('PublicAccessBlockConfiguration', { ...block }) };
}

export async function deletePublicAccessBlock(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  await ctx.meta.putBucketConfig(bucket.name, PUBLIC_ACCESS_BLOCK_CONFIG, undefined);
  return { status: 204 };
}
