/** PutBucketVersioning and GetBucketVersioning: Enabled or Suspended, never back to unversioned; MFA delete is not implemented. */
import { s3Error } from '../common/api-error.js';
import { xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import { requireBucket } from './object-names.js';
import { readXmlBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { VERSIONING_CONFIG, versioningOf } from './versioning.js';
import { lockConfigurationOf } from './object-lock.js';

const XML = { 'content-type': 'application/xml' };

export async function putBucketVersioning(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const doc = await readXmlBody(req.body, 'VersioningConfiguration');
  // MFA delete needs an MFA device per request (x-amz-mfa): refused, never silently accepted.
  if (xmlText(doc, 'MfaDelete') !== undefined || req.headers['x-amz-mfa'] !== undefined) {
    throw s3Error('NotImplemented', { message: 'MFA Delete is not implemented.' });
  }
  const status = xmlText(doc, 'Status');
  if (status !== 'Enabled' && status !== 'Suspended') throw s3Error('MalformedXML');
  if (status === 'Suspended' && lockConfigurationOf(bucket) !== undefined) {
    throw s3Error('InvalidBucketState', { message: 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.' });
  }
  await ctx.meta.putBucketConfig(bucket.name, VERSIONING_CONFIG, status);
  return { status: 200 };
}

export async function getBucketVersioning(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  // A bucket whose versioning was never enabled answers an empty configuration, as S3 does.
  const status = versioningOf(bucket);
  return { status: 200, headers: XML, body: toXml('VersioningConfiguration', { Status: status }) };
}
