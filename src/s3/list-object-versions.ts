/** ListObjectVersions on an unversioned bucket, as S3 answers it: every object is its only version, "null", and the latest. */
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { ObjectSummary } from '../stores/meta-store.js';
import { listingElements, walkKeys } from './listing-walk.js';
import { listingEncoder, parseMaxKeys } from './listing-params.js';
import { quoted, requireBucket } from './object-names.js';
import { ownerElement } from './owner.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

/** The version id S3 gives objects written while versioning was never enabled. */
const NULL_VERSION = 'null';

/**
 * Checks key-marker / version-id-marker in S3's order (after max-keys, before encoding-type). The only
 * version any key has is "null", so a version-id marker must be "null"; versions after "null" of the
 * marker key are none, so paging resumes after the key either way.
 */
function versionIdMarker(keyMarker: string, raw: string | null): string {
  if (raw === null) return '';
  const invalid = (message: string) => s3Error('InvalidArgument', { message, details: { ArgumentName: 'version-id-marker', ArgumentValue: raw } });
  if (keyMarker === '') throw invalid('A version-id marker cannot be specified without a key marker.');
  if (raw === '') throw invalid('A version-id marker cannot be empty.');
  if (raw !== NULL_VERSION) throw invalid('Invalid version id specified');
  return raw;
}

/** GET /bucket?versions: the bucket's objects as their "null" versions, paged by key-marker (there are no delete markers). */
export async function listObjectVersions(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const q = req.query;
  const maxKeys = parseMaxKeys(q.get('max-keys'));
  const keyMarker = q.get('key-marker') ?? '';
  const vidMarker = versionIdMarker(keyMarker, q.get('version-id-marker'));
  const encode = listingEncoder(q.get('encoding-type'));
  const bucket = await requireBucket(req, ctx);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const result = await walkKeys<ObjectSummary>(
    (from, limit) => ctx.meta.listObjects(bucket.name, { prefix, ...from, limit }),
    { prefix, delimiter, startAfter: keyMarker, maxKeys },
  );
  const owner = ownerElement(bucket.ownerAccountId, req.principal);
  const { items: versions, prefixes } = listingElements(result, encode, (o, key) => ({
    Key: key, VersionId: NULL_VERSION, IsLatest: true, LastModified: o.lastModified, ETag: quoted(o.etag),
    ChecksumAlgorithm: o.checksumAlgorithms.length > 0 ? [...o.checksumAlgorithms] : undefined,
    ChecksumType: o.checksumType, Size: o.size, Owner: owner, StorageClass: o.storageClass,
  }));

  const last = result.entries[result.entries.length - 1];
  const body = toXml('ListVersionsResult', {
    Name: bucket.name,
    Prefix: encode(prefix),
    KeyMarker: encode(keyMarker),
    VersionIdMarker: vidMarker,
    // The next page starts after the last key (or common prefix) returned; a prefix has no version.
    NextKeyMarker: result.truncated && last ? encode(last.key) : undefined,
    NextVersionIdMarker: result.truncated && last?.kind === 'object' ? NULL_VERSION : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter !== '' ? encode(delimiter) : undefined,
    EncodingType: q.get('encoding-type') ?? undefined,
    IsTruncated: result.truncated,
    Version: versions,
    CommonPrefixes: prefixes,
  });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}
