/** PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus: the bucket's resource policy, validated by the policy engine. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import { parsePolicy } from '../policy/engine/parse-policy.js';
import type { PolicyDocument, Statement } from '../policy/engine/policy-document.js';
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

/**
 * Condition keys whose fixed values make an Allow to "*" non-public (S3 User Guide › Blocking public access ›
 * "The meaning of 'public'": a policy is non-public if it grants access only to fixed values — no wildcard, no
 * policy variable — of aws:SourceIp (a CIDR no wider than S3 tolerates), aws:SourceArn, aws:SourceVpc,
 * aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:userid, aws:PrincipalOrgID, aws:PrincipalAccount,
 * aws:PrincipalArn, s3:DataAccessPointArn, s3:DataAccessPointAccount).
 */
const RESTRICTING_KEYS = new Set([
  'aws:sourceip', 'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceowner', 'aws:sourceaccount', 'aws:userid',
  'aws:principalorgid', 'aws:principalaccount', 'aws:principalarn', 's3:dataaccesspointarn', 's3:dataaccesspointaccount',
]);
/** Operator families that pin a key to the listed values (negated operators and Null leave it open). */
const PINNING = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/;
/** S3 treats an IPv4 range wider than /8 (or IPv6 wider than /32) as public: "0.0.0.0/1" is public. */
function narrowCidr(value: string): boolean {
  const [addr, bits] = value.split('/');
  if (bits === undefined) return true;
  return addr!.includes(':') ? Number(bits) >= 32 : Number(bits) >= 8;
}

function statementIsPublic(s: Statement): boolean {
  if (s.effect !== 'Allow' || s.principal === undefined) return false;
  const spec = s.principal.value;
  // NotPrincipal with Allow covers everyone not listed; Principal "*" or {"AWS": "*"} covers everyone.
  const everyone = s.principal.negated || spec.any || spec.AWS.includes('*');
  if (!everyone) return false;
  const pinned = s.condition.some((c) => {
    if (!RESTRICTING_KEYS.has(c.key.toLowerCase())) return false;
    if (!PINNING.test(c.operator.base) || c.operator.ifExists || c.operator.qualifier === 'ForAllValues') return false;
    if (c.values.some((v) => v.includes('*') || v.includes('?') || v.includes('${'))) return false;
    return c.key.toLowerCase() !== 'aws:sourceip' || c.values.every(narrowCidr);
  });
  return !pinned;
}

/** IsPublic as GetBucketPolicyStatus reports it: some Allow statement grants to everyone without a pinning condition. */
export function policyIsPublic(policy: PolicyDocument): boolean {
  return policy.statements.some(statementIsPublic);
}
