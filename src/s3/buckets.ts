/** CreateBucket, DeleteBucket, HeadBucket, ListBuckets (paged), GetBucketLocation. */
import { s3Error } from '../common/api-error.js';
import { xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import { cannedGrants, type AccessControlList } from '../common/access-control-list.js';
import { ALL_BLOCKED, BUCKET_ACL_CONFIG, isObjectOwnership, NONE_BLOCKED, OWNERSHIP_CONFIG, PUBLIC_ACCESS_BLOCK_CONFIG, type ObjectOwnership } from '../common/bucket-access.js';
import { checkAclWrite, requestedAcl } from './acl-state.js';
import { header } from './metadata-headers.js';
import { assertValidBucketName } from './bucket-names.js';
import { requireBucket } from './object-names.js';
import { VERSIONING_CONFIG } from './versioning.js';
import { OBJECT_LOCK_CONFIG } from './object-lock.js';
import { ownerElement } from './owner.js';
import { readBody } from './request-body.js';
import { parseXml } from '../common/xml-reader.js';
import { SSE_C_CREATION_DEFAULT } from './sse-c-block.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

const XML = { 'content-type': 'application/xml' };

/** S3's page size when a filter or token is given without max-buckets, and the largest max-buckets accepted. */
const MAX_BUCKETS = 10_000;

/**
 * ListBuckets: the caller's buckets in name order, filtered by prefix and bucket-region, paged by max-buckets
 * and an opaque continuation token (the last name returned), as S3 pages since 2024.
 */
export async function listBuckets(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const accountId = req.principal!.accountId;
  const prefix = req.query.get('prefix') ?? '';
  const region = req.query.get('bucket-region');
  const token = req.query.get('continuation-token');
  const maxBuckets = parseMaxBuckets(req.query.get('max-buckets'));
  const after = token === null ? undefined : decodeBucketToken(token);
  const matching = (await ctx.meta.listBuckets())
    .filter((b) => b.ownerAccountId === accountId && b.name.startsWith(prefix) && (region === null || b.region === region))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((b) => after === undefined || b.name > after);
  const page = matching.slice(0, maxBuckets);
  const truncated = matching.length > page.length;
  const body = toXml('ListAllMyBucketsResult', {
    Owner: ownerElement(accountId, req.principal),
    Buckets: { Bucket: page.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region })) },
    // S3 names the token for the NEXT page ContinuationToken in the response.
    ContinuationToken: truncated ? encodeBucketToken(page[page.length - 1]!.name) : undefined,
    Prefix: req.query.has('prefix') ? prefix : undefined,
  });
  return { status: 200, headers: XML, body };
}

function parseMaxBuckets(raw: string | null): number {
  if (raw === null) return MAX_BUCKETS;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_BUCKETS) {
    throw s3Error('InvalidArgument', { message: 'Argument max-buckets must be an integer between 1 and 10000', details: { ArgumentName: 'max-buckets', ArgumentValue: raw } });
  }
  return n;
}

/** Continuation tokens are opaque to clients: the last bucket name returned, base64url-encoded with a version tag. */
function encodeBucketToken(lastName: string): string {
  return Buffer.from(`1\n${lastName}`, 'utf8').toString('base64url');
}

function decodeBucketToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('1\n') || Buffer.from(text, 'utf8').toString('base64url') !== token) {
    throw s3Error('InvalidArgument', { message: 'The continuation token provided is incorrect', details: { ArgumentName: 'continuation-token' } });
  }
  return text.slice(2);
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
  const settings = newBucketSettings(req, ctx);
  const created = { status: 200, headers: { location: `/${name}` } };
  const alreadyOwned = () => {
    // us-east-1 answers a repeated CreateBucket by its owner with 200 and changes nothing (its legacy
    // behaviour, which clients rely on); every other region answers 409 BucketAlreadyOwnedByYou.
    if (ctx.region === 'us-east-1') return created;
    throw s3Error('BucketAlreadyOwnedByYou', { resource: `/${name}`, details: { BucketName: name } });
  };
  const existing = await ctx.meta.getBucket(name);
  if (existing) {
    if (existing.ownerAccountId === principal.accountId) return alreadyOwned();
    throw s3Error('BucketAlreadyExists', { resource: `/${name}`, details: { BucketName: name } });
  }
  const result = await ctx.meta.createBucket({ name, region: ctx.region, createdAt: ctx.clock.now(), ownerAccountId: principal.accountId });
  if (result === 'exists') {
    // Created concurrently: by this account (a repeat) or by another one.
    if ((await ctx.meta.getBucket(name))?.ownerAccountId === principal.accountId) return alreadyOwned();
    throw s3Error('BucketAlreadyExists', { resource: `/${name}`, details: { BucketName: name } });
  }
  // A crash between these writes leaves a bucket with fewer settings: no ownership controls (ObjectWriter)
  // or no block; settings are written ownership first so ACLs are never enabled without the bucket ACL.
  await ctx.meta.putBucketConfig(name, BUCKET_ACL_CONFIG, settings.acl);
  await ctx.meta.putBucketConfig(name, PUBLIC_ACCESS_BLOCK_CONFIG, settings.block);
  await ctx.meta.putBucketConfig(name, OWNERSHIP_CONFIG, settings.ownership);
  // Under --sse-c-default allowed the bucket is made allowing SSE-C writes, as S3 made buckets before April 2026.
  if (ctx.sseCDefault === 'allowed') await ctx.meta.putBucketConfig(name, SSE_C_CREATION_DEFAULT, 'allowed');
  // Object Lock turns versioning on for good (PutBucketVersioning cannot suspend it on such a bucket).
  if (header(req.headers, 'x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true') {
    await ctx.meta.putBucketConfig(name, VERSIONING_CONFIG, 'Enabled');
    await ctx.meta.putBucketConfig(name, OBJECT_LOCK_CONFIG, JSON.stringify({ enabled: true }));
  }
  return created;
}

/**
 * A new bucket's Object Ownership, Block Public Access and ACL: S3's defaults since April 2023
 * (BucketOwnerEnforced, all four blocks on) or, with --legacy-bucket-defaults, the earlier ones (no ownership
 * controls — ObjectWriter — and no block). The ACL headers are checked against them.
 */
function newBucketSettings(req: S3Request, ctx: S3Context): { ownership: string | undefined; block: string | undefined; acl: string } {
  const principal = req.principal!;
  const asked = header(req.headers, 'x-amz-object-ownership')?.trim();
  const ownership: ObjectOwnership | undefined = asked !== undefined && isObjectOwnership(asked) ? asked : ctx.legacyBucketDefaults ? undefined : 'BucketOwnerEnforced';
  const block = ctx.legacyBucketDefaults ? undefined : ALL_BLOCKED;
  const owner = { id: principal.canonicalId, name: principal.displayName };
  const requested = requestedAcl(req.headers, owner, owner);
  checkAclWrite({ ownership: ownership ?? 'ObjectWriter', block: block ?? NONE_BLOCKED, acl: undefined, owner }, requested, 'create-bucket');
  const acl: AccessControlList = { ownerId: owner.id, ownerName: owner.name, grants: requested?.grants ?? cannedGrants('private', owner, owner) };
  return { ownership, block: block === undefined ? undefined : JSON.stringify(block), acl: JSON.stringify(acl) };
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

