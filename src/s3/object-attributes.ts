/** GetObjectAttributes: what x-amz-object-attributes names (ETag, Checksum, ObjectParts, StorageClass, ObjectSize) of a version, with HeadObject's checks and ListParts' paging, and no data read. */
import { s3Error } from '../common/api-error.js';
import { toXml, type XmlNode } from '../common/xml-writer.js';
import type { ObjectRecord } from '../stores/meta-store.js';
import { CHECKSUM_ALGORITHMS } from './checksums.js';
import { checkConditions } from './conditional-headers.js';
import { readKey } from './customer-keys.js';
import { header } from './metadata-headers.js';
import { checkVersionId, requireBucket, requireKey } from './object-names.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { parseSseRequest, transportOf } from './sse-headers.js';
import { readableVersion, readVersionHeader } from './versioning.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** S3 lists at most 1,000 parts per answer, as ListParts. */
const MAX_PARTS = 1000;

export async function getObjectAttributes(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const wanted = requestedAttributes(header(req.headers, 'x-amz-object-attributes'));
  const sse = parseSseRequest(req.headers, 'customer-only', transportOf(req, ctx));
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const object = await readableVersion(req, ctx, bucket.name, key, versionId);
  // As HeadObject: an SSE-C object is not described without its key (400), nor with a wrong one (403).
  readKey(object.encryption, sse.kind === 'sse-c' ? sse : undefined, ctx.envelope);
  checkConditions(req.headers, object);
  const body = toXml('GetObjectAttributesResponse', {
    ETag: wanted.has('ETag') ? object.etag : undefined,
    Checksum: wanted.has('Checksum') ? checksumElement(object) : undefined,
    ObjectParts: wanted.has('ObjectParts') ? partsElement(req, object) : undefined,
    StorageClass: wanted.has('StorageClass') ? object.storageClass : undefined,
    ObjectSize: wanted.has('ObjectSize') ? object.size : undefined,
  });
  const headers = {
    'content-type': 'application/xml',
    'last-modified': object.lastModified.toUTCString(),
    ...readVersionHeader(object, versionId, bucket),
  };
  return { status: 200, headers, body };
}

/**
 * The comma-separated attribute names (empty items ignored): none → 400 InvalidRequest, an unknown one →
 * 400 InvalidArgument naming it, as S3 answers (recorded in versity/versitygw#915 and #1000).
 */
function requestedAttributes(raw: string | undefined): ReadonlySet<Attribute> {
  const names = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) {
    throw s3Error('InvalidRequest', { message: 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty' });
  }
  const unknown = names.find((n) => !(ATTRIBUTES as readonly string[]).includes(n));
  if (unknown !== undefined) {
    throw s3Error('InvalidArgument', { message: 'Invalid attribute name specified.', details: { ArgumentName: 'x-amz-object-attributes', ArgumentValue: unknown } });
  }
  return new Set(names as Attribute[]);
}

/** The object's additional checksum; a multipart one without its "-N" suffix, which S3 leaves off in this answer. */
function checksumElement(object: ObjectRecord): XmlNode | undefined {
  const entries = CHECKSUM_ALGORITHMS.filter((a) => object.checksums[a] !== undefined)
    .map((a) => [`Checksum${a}`, object.checksums[a]!.replace(/-\d+$/, '')] as const);
  if (entries.length === 0) return undefined;
  return { ...Object.fromEntries(entries), ChecksumType: object.checksumType };
}

/**
 * A multipart object's parts (none for a single PUT or copy). S3 lists the Part elements only when the object
 * has an additional checksum (the API reference, GetObjectAttributesParts), each with its own checksum; without
 * one the answer is the parts count alone. x-amz-max-parts and x-amz-part-number-marker page the list; values
 * that are not non-negative integers are ignored, as S3 ignores them (versity/versitygw#1806).
 */
function partsElement(req: S3Request, object: ObjectRecord): XmlNode | undefined {
  if (object.partsCount === undefined) return undefined;
  const algorithms = CHECKSUM_ALGORITHMS.filter((a) => object.checksums[a] !== undefined);
  if (algorithms.length === 0) return { PartsCount: object.partsCount };
  const maxParts = Math.min(count(header(req.headers, 'x-amz-max-parts')) ?? MAX_PARTS, MAX_PARTS);
  const marker = count(header(req.headers, 'x-amz-part-number-marker')) ?? 0;
  const after = object.parts.filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  return {
    PartsCount: object.partsCount,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length > 0 ? page[page.length - 1]!.partNumber : undefined,
    MaxParts: maxParts,
    IsTruncated: after.length > page.length,
    Part: page.map((p) => ({
      PartNumber: p.partNumber, Size: p.size,
      ...Object.fromEntries(algorithms.filter((a) => p.checksums[a] !== undefined).map((a) => [`Checksum${a}`, p.checksums[a]])),
    })),
  };
}

/** A non-negative integer header value, else undefined. */
function count(raw: string | undefined): number | undefined {
  const v = raw?.trim();
  return v !== undefined && /^\d{1,10}$/.test(v) ? Number(v) : undefined;
}
