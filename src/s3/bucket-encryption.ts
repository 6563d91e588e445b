/** PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption: the bucket's default encryption rule. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
import { s3Error } from '../common/api-error.js';
import { xmlChildren, xmlText, type XmlElement } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import { ENCRYPTION_CONFIG, type BucketEncryptionConfig } from './encryption-resolution.js';
import { effectiveBucketEncryption } from './sse-c-block.js';
import { requireBucket } from './object-names.js';
import { readXmlBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

const ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
const ENCRYPTION_TYPES = ['NONE', 'SSE-C'];

export async function putBucketEncryption(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const doc = await readXmlBody(req.body, 'ServerSideEncryptionConfiguration');
  const config = parseRule(doc);
  await ctx.meta.putBucketConfig(bucket.name, ENCRYPTION_CONFIG, JSON.stringify(config));
  return { status: 200 };
}

export async function getBucketEncryption(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  // Never 404: every bucket encrypts, so an unconfigured one reports the SSE-S3 default (with SSE-C blocked
  // unless the bucket was made under --sse-c-default allowed).
  const c = await effectiveBucketEncryption(ctx.meta, bucket.name);
  const body = toXml('ServerSideEncryptionConfiguration', {
    Rule: {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: c.algorithm, KMSMasterKeyID: c.kmsMasterKeyId },
      BucketKeyEnabled: c.bucketKeyEnabled,
      BlockedEncryptionTypes: c.blockedEncryptionTypes.length > 0 ? { EncryptionType: [...c.blockedEncryptionTypes] } : undefined,
    },
  });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

export async function deleteBucketEncryption(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  await ctx.meta.putBucketConfig(bucket.name, ENCRYPTION_CONFIG, undefined);
  return { status: 204 };
}

function parseRule(doc: XmlElement): BucketEncryptionConfig {
  const rules = xmlChildren(doc, 'Rule');
  if (rules.length !== 1) throw s3Error('MalformedXML');
  const rule = rules[0]!;
  const byDefault = xmlChildren(rule, 'ApplyServerSideEncryptionByDefault');
  if (byDefault.length > 1) throw s3Error('MalformedXML');
  const apply = byDefault[0];
  const algorithm = apply === undefined ? 'AES256' : xmlText(apply, 'SSEAlgorithm');
  if (algorithm === undefined) throw s3Error('MalformedXML');
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw s3Error('MalformedXML');
  }
  const keyId = apply === undefined ? undefined : xmlText(apply, 'KMSMasterKeyID');
  if (keyId !== undefined && algorithm === 'AES256') {
    throw s3Error('InvalidArgument', { message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', details: { ArgumentName: 'ApplyServerSideEncryptionByDefault' } });
  }
  if (keyId !== undefined && keyId.trim() === '') {
    throw s3Error('InvalidArgument', { message: 'The KMSMasterKeyID is not a valid KMS key id', details: { ArgumentName: 'ApplyServerSideEncryptionByDefault' } });
  }
  const bucketKey = xmlText(rule, 'BucketKeyEnabled');
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false') throw s3Error('MalformedXML');
  const blocked: string[] = [];
  for (const b of xmlChildren(rule, 'BlockedEncryptionTypes')) {
    for (const t of xmlChildren(b, 'EncryptionType')) {
      if (typeof t !== 'string' || !ENCRYPTION_TYPES.includes(t)) throw s3Error('MalformedXML');
      if (t !== 'NONE' && !blocked.includes(t)) blocked.push(t);
    }
  }
  return {
    algorithm: algorithm as BucketEncryptionConfig['algorithm'],
    kmsMasterKeyId: keyId,
    bucketKeyEnabled: bucketKey === 'true',
    blockedEncryptionTypes: blocked,
  };
}
