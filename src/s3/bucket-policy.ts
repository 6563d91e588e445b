/** PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus: the bucket's resource policy, validated by the policy engine. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
import { s3Error } from '../common/api-error.js';
import { parsePublicAccessBlock, PUBLIC_ACCESS_BLOCK_CONFIG } from '../common/bucket-access.js';
import { toXml } from '../common/xml-writer.js';
import { parsePolicy } from '../policy/engine/parse-policy.js';
import { policyIsPublic } from '../policy/engine/policy-is-public.js';
import { isKnownS3ActionPattern } from '../policy/engine/s3-actions.js';
import { compileGlob, globMatch } from '../policy/engine/wildcard.js';
import { requireBucket } from './object-names.js';
import { readBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

/** The bucket config document the authorizer (policy/authorize.ts) reads. */
const POLICY_CONFIG = 'policy';
/** "Bucket policies are limited to 20 KB in size" (S3 User Guide › Bucket policies). */
const MAX_POLICY_BYTES = 20 * 1024;

export async function putBucketPolicy(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const raw = await readBody(req.body);
  if (raw.length > MAX_POLICY_BYTES) throw s3Error('MalformedPolicy', { message: 'Policy exceeds the maximum allowed document size.' });
  const text = raw.toString('utf8');
  const result = parsePolicy(text, {
    kind: 'resource',
    isValidAction: (a) => a === '*' || isKnownS3ActionPattern(a),
    isValidResource: (r) => resourceInBucket(r, bucket.name),
  });
  if (!result.ok) throw s3Error('MalformedPolicy', { message: result.error.message });
  // Block Public Access › BlockPublicPolicy: "Amazon S3 rejects calls to PUT Bucket policy if the specified bucket policy allows public access."
  if (parsePublicAccessBlock(await ctx.meta.getBucketConfig(bucket.name, PUBLIC_ACCESS_BLOCK_CONFIG)).BlockPublicPolicy && policyIsPublic(result.policy)) {
    throw s3Error('AccessDenied');
  }
  // Stored as sent: GetBucketPolicy returns the document the owner put.
  await ctx.meta.putBucketConfig(bucket.name, POLICY_CONFIG, text);
  return { status: 204 };
}

export async function getBucketPolicy(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const text = await ctx.meta.getBucketConfig(bucket.name, POLICY_CONFIG);
  if (text === undefined) throw s3Error('NoSuchBucketPolicy', { details: { BucketName: bucket.name } });
  return { status: 200, headers: { 'content-type': 'application/json' }, body: text };
}

export async function deleteBucketPolicy(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  await ctx.meta.putBucketConfig(bucket.name, POLICY_CONFIG, undefined);
  return { status: 204 };
}

export async function getBucketPolicyStatus(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const text = await ctx.meta.getBucketConfig(bucket.name, POLICY_CONFIG);
  if (text === undefined) throw s3Error('NoSuchBucketPolicy', { details: { BucketName: bucket.name } });
  const result = parsePolicy(text, { kind: 'resource' });
  const isPublic = result.ok && policyIsPublic(result.policy);
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: toXml('PolicyStatus', { IsPublic: isPublic }) };
}

/** A Resource entry must name this bucket or objects in it ("Policy has invalid resource" otherwise); wildcards may cover them. */
function resourceInBucket(resource: string, bucket: string): boolean {
  const pattern = compileGlob(resource);
  return globMatch(pattern, `arn:aws:s3:::${bucket}`) || globMatch(pattern, `arn:aws:s3:::${bucket}/`) || resource.startsWith(`arn:aws:s3:::${bucket}/`);
}
