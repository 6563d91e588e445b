/** Request headers that ask for something Strongroom does not do (ACLs, grants, object lock, ownership, size/time conditions, another bucket owner): refused with S3's answer, never ignored. */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { header } from './metadata-headers.js';
import type { S3Context, S3Request } from './s3-request.js';

/** Canned ACLs that grant nothing beyond what the bucket owner (the only account) already has. */
const OWNER_ONLY_OBJECT_ACLS = new Set(['private', 'bucket-owner-full-control']);

const hasGrant = (headers: IncomingHttpHeaders) => Object.keys(headers).some((h) => h.startsWith('x-amz-grant-'));

/**
 * Every bucket behaves as an S3 bucket created today: Object Ownership "BucketOwnerEnforced" (ACLs
 * disabled) and no Object Lock configuration. S3 answers requests for ACLs there with
 * AccessControlListNotSupported, and object lock headers with InvalidRequest.
 * DEVIATION: `x-amz-acl: private` is accepted on objects (S3 refuses it on such buckets): it asks for
 * exactly what every object here is, and clients such as s3cmd send it by default.
 */
function objectWrite(headers: IncomingHttpHeaders): void {
  const acl = header(headers, 'x-amz-acl');
  if ((acl !== undefined && !OWNER_ONLY_OBJECT_ACLS.has(acl.trim())) || hasGrant(headers)) throw s3Error('AccessControlListNotSupported');
  const legalHold = header(headers, 'x-amz-object-lock-legal-hold');
  if (header(headers, 'x-amz-object-lock-mode') !== undefined || header(headers, 'x-amz-object-lock-retain-until-date') !== undefined
    || (legalHold !== undefined && legalHold.trim().toUpperCase() !== 'OFF')) {
    throw s3Error('InvalidRequest', { message: 'Bucket is missing ObjectLockConfiguration' });
  }
}

/** CreateBucket: no object lock, no ACL but private, no ownership but BucketOwnerEnforced. */
function createBucket(headers: IncomingHttpHeaders): void {
  if (header(headers, 'x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true') {
    throw s3Error('NotImplemented', { message: 'Object Lock is not implemented.' });
  }
  const ownership = header(headers, 'x-amz-object-ownership');
  if (ownership !== undefined && ownership.trim() !== 'BucketOwnerEnforced') {
    throw s3Error('NotImplemented', { message: `Object Ownership ${ownership} (ACLs) is not implemented; only BucketOwnerEnforced.` });
  }
  const acl = header(headers, 'x-amz-acl');
  if ((acl !== undefined && acl.trim() !== 'private') || hasGrant(headers)) throw s3Error('InvalidBucketAclWithObjectOwnership');
}

/** S3 supports these DeleteObject conditions on directory buckets only. */
function deleteObject(headers: IncomingHttpHeaders): void {
  for (const name of ['x-amz-if-match-size', 'x-amz-if-match-last-modified-time']) {
    if (headers[name] !== undefined) throw s3Error('NotImplemented', { message: `The ${name} condition is not implemented.` });
  }
}

const CHECKS: Readonly<Record<string, (headers: IncomingHttpHeaders) => void>> = {
  PutObject: objectWrite,
  CopyObject: objectWrite,
  CreateMultipartUpload: objectWrite,
  CreateBucket: createBucket,
  DeleteObject: deleteObject,
};

/**
 * Refuses what an operation's headers ask for but Strongroom does not do, before the operation runs.
 * x-amz-expected-bucket-owner (and x-amz-source-expected-bucket-owner for copies) must name the bucket's
 * owner, else AccessDenied, as S3 answers. Ignored on purpose: x-amz-request-payer (no bucket is
 * Requester Pays, and S3 accepts the header on such buckets).
 */
export async function refuseUnsupportedHeaders(operation: string, req: S3Request, ctx: S3Context): Promise<void> {
  CHECKS[operation]?.(req.headers);
  await expectOwner(ctx, req.bucket, header(req.headers, 'x-amz-expected-bucket-owner'));
  const source = header(req.headers, 'x-amz-copy-source');
  if (source !== undefined) {
    const bucket = decodeURIComponent(source.replace(/^\//, '').split('/')[0] ?? '');
    await expectOwner(ctx, bucket, header(req.headers, 'x-amz-source-expected-bucket-owner'));
  }
}

/** A missing bucket is left to the operation (NoSuchBucket); an existing one owned by another account is AccessDenied. */
async function expectOwner(ctx: S3Context, bucket: string | undefined, expected: string | undefined): Promise<void> {
  if (expected === undefined || bucket === undefined || bucket === '') return;
  const record = await ctx.meta.getBucket(bucket);
  if (record && record.ownerAccountId !== expected.trim()) throw s3Error('AccessDenied');
}
