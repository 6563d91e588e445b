/** ListObjects (v1) and ListObjectsV2: prefix, delimiter, CommonPrefixes, max-keys, markers and continuation tokens, URL encoding. */
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { ObjectSummary } from '../stores/meta-store.js';
import { listingElements, walkKeys, type WalkResult } from './listing-walk.js';
import { listingEncoder, parseMaxKeys } from './listing-params.js';
import { quoted, requireBucket } from './object-names.js';
import { ownerElement } from './owner.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

const XML = { 'content-type': 'application/xml' };

async function walk(req: S3Request, ctx: S3Context, bucket: string, startAfter: string, maxKeys: number): Promise<WalkResult<ObjectSummary>> {
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  return walkKeys<ObjectSummary>((from, limit) => ctx.meta.listObjects(bucket, { prefix, ...from, limit }), { prefix, delimiter, startAfter, maxKeys });
}

function contents(result: WalkResult<ObjectSummary>, encode: (s: string) => string, owner: ReturnType<typeof ownerElement> | undefined) {
  const { items: objects, prefixes } = listingElements(result, encode, (o, key) => ({
    Key: key, LastModified: o.lastModified, ETag: quoted(o.etag),
    ChecksumAlgorithm: o.checksumAlgorithms.length > 0 ? [...o.checksumAlgorithms] : undefined,
    ChecksumType: o.checksumType, Size: o.size, StorageClass: o.storageClass, Owner: owner,
  }));
  return { objects, prefixes };
}

export async function listObjectsV2(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const encode = listingEncoder(req.query.get('encoding-type'));
  const maxKeys = parseMaxKeys(req.query.get('max-keys'));
  const token = req.query.get('continuation-token');
  const startAfterParam = req.query.get('start-after') ?? '';
  const startAfter = token !== null ? decodeToken(token) : startAfterParam;
  const result = await walk(req, ctx, bucket.name, startAfter, maxKeys);
  const owner = req.query.get('fetch-owner') === 'true' ? ownerElement(bucket.ownerAccountId, req.principal) : undefined;
  const { objects, prefixes } = contents(result, encode, owner);
  const delimiter = req.query.get('delimiter');
  const body = toXml('ListBucketResult', {
    Name: bucket.name,
    Prefix: encode(req.query.get('prefix') ?? ''),
    Delimiter: delimiter === null || delimiter === '' ? undefined : encode(delimiter),
    MaxKeys: maxKeys,
    EncodingType: req.query.get('encoding-type') ?? undefined,
    KeyCount: result.entries.length,
    IsTruncated: result.truncated,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: result.truncated && result.last !== undefined ? encodeToken(result.last) : undefined,
    StartAfter: startAfterParam !== '' ? encode(startAfterParam) : undefined,
    Contents: objects,
    CommonPrefixes: prefixes,
  });
  return { status: 200, headers: XML, body };
}

export async function listObjects(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const encode = listingEncoder(req.query.get('encoding-type'));
  const maxKeys = parseMaxKeys(req.query.get('max-keys'));
  const marker = req.query.get('marker') ?? '';
  const delimiter = req.query.get('delimiter');
  const result = await walk(req, ctx, bucket.name, marker, maxKeys);
  const { objects, prefixes } = contents(result, encode, ownerElement(bucket.ownerAccountId, req.principal));
  const body = toXml('ListBucketResult', {
    Name: bucket.name,
    Prefix: encode(req.query.get('prefix') ?? ''),
    Marker: encode(marker),
    // S3 returns NextMarker only when a delimiter was given; otherwise clients use the last Key.
    NextMarker: result.truncated && delimiter !== null && result.last !== undefined ? encode(result.last) : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter === null || delimiter === '' ? undefined : encode(delimiter),
    EncodingType: req.query.get('encoding-type') ?? undefined,
    IsTruncated: result.truncated,
    Contents: objects,
    CommonPrefixes: prefixes,
  });
  return { status: 200, headers: XML, body };
}

/** Continuation tokens are opaque to clients: the last key returned, base64url-encoded with a version tag. */
function encodeToken(lastKey: string): string {
  return Buffer.from(`1\n${lastKey}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('1\n') || Buffer.from(text, 'utf8').toString('base64url') !== token) {
    throw s3Error('InvalidArgument', { message: 'The continuation token provided is incorrect', details: { ArgumentName: 'continuation-token' } });
  }
  return text.slice(2);
}
