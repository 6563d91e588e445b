/** ListObjectVersions: every version and delete marker, key order then newest first, paged by key-marker and version-id-marker. */
import { s3Error } from '../common/api-error.js';
import { toXml, XmlSequence, type XmlValue } from '../common/xml-writer.js';
import type { VersionSummary } from '../stores/meta-store.js';
import { walkKeys } from './listing-walk.js';
import { listingEncoder, parseMaxKeys } from './listing-params.js';
import { isVersionId, quoted, requireBucket } from './object-names.js';
import { ownerElement } from './owner.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

/** Checks key-marker / version-id-marker in S3's order (after max-keys, before encoding-type). */
function versionIdMarker(keyMarker: string, raw: string | null): string {
  if (raw === null) return '';
  const invalid = (message: string) => s3Error('InvalidArgument', { message, details: { ArgumentName: 'version-id-marker', ArgumentValue: raw } });
  if (keyMarker === '') throw invalid('A version-id marker cannot be specified without a key marker.');
  if (raw === '') throw invalid('A version-id marker cannot be empty.');
  if (!isVersionId(raw)) throw invalid('Invalid version id specified');
  return raw;
}

/** GET /bucket?versions: Version and DeleteMarker entries and CommonPrefixes; max-keys counts all three. */
export async function listObjectVersions(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const q = req.query;
  const maxKeys = parseMaxKeys(q.get('max-keys'));
  const keyMarker = q.get('key-marker') ?? '';
  const vidMarker = versionIdMarker(keyMarker, q.get('version-id-marker'));
  const encode = listingEncoder(q.get('encoding-type'));
  const bucket = await requireBucket(req, ctx);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const result = await walkKeys<VersionSummary>(
    (from, limit) => ctx.meta.listVersions(bucket.name, {
      prefix, limit, startAt: from.startAt,
      // Resuming: after the last version returned; at the start: after the markers (a key marker alone skips the whole key).
      after: from.afterItem ? { key: from.afterItem.key, versionId: from.afterItem.versionId }
        : from.startAfter !== undefined ? { key: from.startAfter, ...(vidMarker !== '' ? { versionId: vidMarker } : {}) } : undefined,
    }),
    { prefix, delimiter, startAfter: keyMarker, maxKeys },
  );
  const owner = ownerElement(bucket.ownerAccountId, req.principal);
  // One sequence in the walk's order (key, then newest first): S3 interleaves markers and versions by recency.
  const entries: Array<[string, XmlValue]> = [];
  const prefixes: Array<{ Prefix: string }> = [];
  for (const e of result.entries) {
    if (e.kind === 'prefix') { prefixes.push({ Prefix: encode(e.key) }); continue; }
    const v = e.item;
    if (v.deleteMarker) {
      entries.push(['DeleteMarker', { Owner: owner, Key: encode(e.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: v.lastModified }]);
      continue;
    }
    entries.push(['Version', {
      Key: encode(e.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: v.lastModified, ETag: quoted(v.etag),
      ChecksumAlgorithm: v.checksumAlgorithms.length > 0 ? [...v.checksumAlgorithms] : undefined,
      ChecksumType: v.checksumType, Size: v.size, Owner: owner, StorageClass: v.storageClass,
    }]);
  }

  const last = result.entries[result.entries.length - 1];
  const body = toXml('ListVersionsResult', {
    Name: bucket.name,
    Prefix: encode(prefix),
    KeyMarker: encode(keyMarker),
    VersionIdMarker: vidMarker,
    // The next page starts after the last version (or common prefix) returned; a prefix has no version.
    NextKeyMarker: result.truncated && last ? encode(last.key) : undefined,
    NextVersionIdMarker: result.truncated && last?.kind === 'object' ? last.item.versionId : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter !== '' ? encode(delimiter) : undefined,
    EncodingType: q.get('encoding-type') ?? undefined,
    IsTruncated: result.truncated,
    Entries: new XmlSequence(entries),
    CommonPrefixes: prefixes,
  });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}
