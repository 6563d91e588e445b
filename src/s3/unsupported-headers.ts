/** Request headers that ask for something Strongroom does not do (size/time conditions, another bucket owner) or that the bucket's settings refuse (ACLs under Object Ownership and Block Public Access): refused with S3's answer, never ignored. */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { isObjectOwnership } from '../common/bucket-access.js';
import { checkAclWrite, loadBucketAccess, requestedAcl } from './acl-state.js';
import { header } from './metadata-headers.js';
import type { S3Context, S3Request } from './s3-request.js';

const hasAclHeader = (headers: IncomingHttpHeaders) => headers['x-amz-acl'] !== undefined || Object.keys(headers).some((h) => h.startsWith('x-amz-grant-'));

/** CreateBucket: an ownership that exists (its ACL is checked by the operation, which knows the defaults). */
function createBucket(headers: IncomingHttpHeaders): void {
  const ownership = header(headers, 'x-amz-object-ownership');
  if (ownership !== undefined && !isObjectOwnership(ownership.trim())) {
    throw s3Error('InvalidArgument', { message: 'Invalid x-amz-object-ownership header', details: { ArgumentName: 'x-amz-object-ownership', ArgumentValue: ownership } });
  }
}

/**
 * ACL headers on an object write: BucketOwnerEnforced accepts only bucket-owner-full-control (AccessControlListNotSupported
 * otherwise), BlockPublicAcls refuses a public ACL (AccessDenied).
 * DEVIATION: `x-amz-acl: private` is also accepted under BucketOwnerEnforced (S3 refuses it): it asks for
 * exactly what every object there is, and clients such as s3cmd send it by default.
 */
async function objectAcl(req: S3Request, ctx: S3Context): Promise<void> {
  if (!hasAclHeader(req.headers) || req.bucket === undefined) return;
  const bucket = await ctx.meta.getBucket(req.bucket);
  if (bucket === undefined) return;
  const access = await loadBucketAccess(ctx.meta, bucket);
  const owner = req.principal ? { id: req.principal.canonicalId, name: req.principal.displayName } : access.owner;
  checkAclWrite(access, requestedAcl(req.headers, owner, access.owner), 'object-write');
}

const ACL_CHECKED = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload']);

/** S3 supports these DeleteObject conditions on directory buckets only. */
function deleteObject(headers: IncomingHttpHeaders): void {
  for (const name of ['x-amz-if-match-size', 'x-amz-if-match-last-modified-time']) {
    if (headers[name] !== undefined) throw s3Error('NotImplemented', { message: `The ${name} condition is not implemented.` });
  }
}

const CHECKS: Readonly<Record<string, (headers: IncomingHttpHeaders) => void>> = {
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
  if (ACL_CHECKED.has(operation)) await objectAcl(req, ctx);
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
