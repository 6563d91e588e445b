/** CreateBucket, DeleteBucket, HeadBucket, ListBuckets, GetBucketLocation, GetBucketVersioning. */
import { s3Error } from '../common/api-error.js';
import { xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import { assertValidBucketName } from './bucket-names.js';
import { requireBucket } from './object-names.js';
import { ownerElement } from './owner.js';
import { readBody } from './request-body.js';
import { parseXml } from '../common/xml-reader.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

const XML = { 'content-type': 'application/xml' };

export async function listBuckets(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const accountId = req.principal!.accountId;
  const buckets = (await ctx.meta.listBuckets()).filter((b) => b.ownerAccountId === accountId);
  const body = toXml('ListAllMyBucketsResult', {
    Owner: ownerElement(accountId, req.principal),
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region })) },
  });
  return { status: 200, headers: XML, body };
}

export async function createBucket(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const name = req.bucket!;
  assertValidBucketName(name);
  const text = (await readBody(req.body)).toString('utf8');
  if (text.trim() !== '') {
    const doc = parseXml(text);
    if (doc.root !== 'CreateBucketConfiguration') throw s3Error('MalformedXML');
    const constraint = xmlText(doc.value, 'LocationConstraint');
    if (constraint !== undefined && constraint !== '' && constraint !== ctx.region) {
      throw s3Error('IllegalLocationConstraintException', {
        message: `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      });
    }
  }
  const principal = req.principal!;
  const existing = await ctx.meta.getBucket(name);
  if (existing) {
    throw existing.ownerAccountId === principal.accountId
      ? s3Error('BucketAlreadyOwnedByYou', { resource: `/${name}`, details: { BucketName: name } })
      : s3Error('BucketAlreadyExists', { resource: `/${name}`, details: { BucketName: name } });
  }
  const result = await ctx.meta.createBucket({ name, region: ctx.region, createdAt: ctx.clock.now(), ownerAccountId: principal.accountId });
  if (result === 'exists') throw s3Error('BucketAlreadyOwnedByYou', { resource: `/${name}`, details: { BucketName: name } });
  return { status: 200, headers: { location: `/${name}` } };
}

export async function headBucket(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  return { status: 200, headers: { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false' } };
}

export async function deleteBucket(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const name = req.bucket!;
  const { result, blobIds } = await ctx.meta.deleteBucket(name);
  if (result === 'missing') throw s3Error('NoSuchBucket', { resource: `/${name}`, details: { BucketName: name } });
  if (result === 'not-empty') throw s3Error('BucketNotEmpty', { resource: `/${name}`, details: { BucketName: name } });
  await ctx.blobs.delete(blobIds);
  return { status: 204 };
}

export async function getBucketLocation(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  // us-east-1 is reported as an empty LocationConstraint, as S3 does.
  const region = bucket.region === 'us-east-1' ? '' : bucket.region;
  return { status: 200, headers: XML, body: toXml('LocationConstraint', {}).replace('></LocationConstraint>', `>${region}</LocationConstraint>`) };
}

export async function getBucketVersioning(req: S3Request, ctx: S3Context): Promise<S3Response> {
  await requireBucket(req, ctx);
  // Versioning has never been enabled on any bucket: S3 answers with an empty configuration.
  return { status: 200, headers: XML, body: toXml('VersioningConfiguration', {}) };
}
