/** PutBucketOwnershipControls, GetBucketOwnershipControls, DeleteBucketOwnershipControls: who owns objects written into the bucket, and whether ACLs count. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
import { s3Error } from '../common/api-error.js';
import { isObjectOwnership, OWNERSHIP_CONFIG } from '../common/bucket-access.js';
import { xmlChildren, xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import { bucketAclGrantsOthers } from './acl-state.js';
import { requireBucket } from './object-names.js';
import { readXmlBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

export async function putBucketOwnershipControls(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const doc = await readXmlBody(req.body, 'OwnershipControls');
  const rules = xmlChildren(doc, 'Rule');
  if (rules.length !== 1) throw s3Error('MalformedXML');
  const ownership = xmlText(rules[0], 'ObjectOwnership');
  if (ownership === undefined || !isObjectOwnership(ownership)) throw s3Error('MalformedXML');
  // "If your bucket ACL grants access to anyone outside your account, you must migrate … before you apply
  // BucketOwnerEnforced" (S3 User Guide › Prerequisites for disabling ACLs).
  if (ownership === 'BucketOwnerEnforced' && await bucketAclGrantsOthers(ctx, bucket)) throw s3Error('InvalidBucketAclWithObjectOwnership');
  await ctx.meta.putBucketConfig(bucket.name, OWNERSHIP_CONFIG, ownership);
  return { status: 200 };
}

export async function getBucketOwnershipControls(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const ownership = await ctx.meta.getBucketConfig(bucket.name, OWNERSHIP_CONFIG);
  if (ownership === undefined) throw s3Error('OwnershipControlsNotFoundError', { details: { BucketName: bucket.name } });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: toXml('OwnershipControls', { Rule: { ObjectOwnership: ownership } }) };
}

export async function deleteBucketOwnershipControls(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  await ctx.meta.putBucketConfig(bucket.name, OWNERSHIP_CONFIG, undefined);
  return { status: 204 };
}
