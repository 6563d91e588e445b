/** ListParts and ListMultipartUploads. */
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { listingEncoder, parseMaxKeys } from './listing-params.js';
import { quoted, requireBucket, requireKey } from './object-names.js';
import { ownerElement } from './owner.js';
import { requireUpload } from './upload-parts.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { parseSseRequest, transportOf } from './sse-headers.js';
import type { UploadRecord } from '../stores/meta-store.js';

const XML = { 'content-type': 'application/xml' };

export async function listParts(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  // The SSE-C triple is accepted (and validated) but not needed: listing reads no data.
  parseSseRequest(req.headers, 'customer-only', transportOf(req, ctx));
  const bucket = await requireBucket(req, ctx);
  const upload = await requireUpload(req, ctx, bucket.name, key);
  const maxParts = parseMaxKeys(req.query.get('max-parts'), 'max-parts');
  const markerRaw = req.query.get('part-number-marker') ?? '0';
  if (!/^\d+$/.test(markerRaw)) throw s3Error('InvalidArgument', { message: 'Provided part-number-marker not an integer or within integer range', details: { ArgumentName: 'part-number-marker', ArgumentValue: markerRaw } });
  const page = await ctx.meta.listUploadParts(bucket.name, upload.uploadId, { afterPartNumber: Number(markerRaw), limit: maxParts });
  const owner = ownerElement(upload.ownerAccountId, req.principal);
  const alg = upload.checksumAlgorithm as ChecksumAlgorithm | undefined;
  const body = toXml('ListPartsResult', {
    Bucket: bucket.name, Key: key, UploadId: upload.uploadId,
    PartNumberMarker: Number(markerRaw),
    NextPartNumberMarker: page.items.length > 0 ? page.items[page.items.length - 1]!.partNumber : undefined,
    MaxParts: maxParts, IsTruncated: page.truncated,
    Part: page.items.map((p) => ({
      PartNumber: p.partNumber, LastModified: p.lastModified, ETag: quoted(p.etag), Size: p.size,
      ...(alg && p.checksums[alg] ? { [`Checksum${alg}`]: p.checksums[alg] } : {}),
    })),
    Initiator: { ID: owner.ID, DisplayName: owner.DisplayName }, Owner: owner,
    StorageClass: upload.storageClass, ChecksumAlgorithm: alg, ChecksumType: upload.checksumType,
  });
  return { status: 200, headers: XML, body };
}

export async function listMultipartUploads(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const encode = listingEncoder(req.query.get('encoding-type'));
  const maxUploads = parseMaxKeys(req.query.get('max-uploads'), 'max-uploads');
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  const keyMarker = req.query.get('key-marker') ?? '';
  const uploadIdMarker = keyMarker === '' ? '' : (req.query.get('upload-id-marker') ?? '');
  // Uploads are ordered by (key, upload id); a key may hold several, so paging keeps both markers.
  const uploads: UploadRecord[] = [];
  const prefixes: string[] = [];
  let marker = { keyMarker, uploadIdMarker };
  let truncated = false;
  let last: { key: string; uploadId?: string } | undefined;
  scan: for (;;) {
    const page = await ctx.meta.listUploads(bucket.name, { prefix, ...marker, limit: 1000 });
    for (const u of page.items) {
      const cut = delimiter === '' ? -1 : u.key.indexOf(delimiter, prefix.length);
      const common = cut < 0 ? undefined : u.key.slice(0, cut + delimiter.length);
      if (common !== undefined && prefixes[prefixes.length - 1] === common) continue;
      if (uploads.length + prefixes.length === maxUploads) { truncated = true; break scan; }
      if (common !== undefined) { prefixes.push(common); last = { key: common }; }
      else { uploads.push(u); last = { key: u.key, uploadId: u.uploadId }; }
    }
    if (!page.truncated || page.items.length === 0) break;
    const tail = page.items[page.items.length - 1]!;
    marker = { keyMarker: tail.key, uploadIdMarker: tail.uploadId };
  }
  const owner = ownerElement(bucket.ownerAccountId, req.principal);
  const body = toXml('ListMultipartUploadsResult', {
    Bucket: bucket.name, KeyMarker: encode(keyMarker), UploadIdMarker: uploadIdMarker,
    NextKeyMarker: truncated && last ? encode(last.key) : undefined,
    NextUploadIdMarker: truncated && last ? last.uploadId : undefined,
    Prefix: encode(prefix), Delimiter: delimiter === '' ? undefined : encode(delimiter),
    MaxUploads: maxUploads, EncodingType: req.query.get('encoding-type') ?? undefined, IsTruncated: truncated,
    Upload: uploads.map((u) => ({
      Key: encode(u.key), UploadId: u.uploadId, Initiator: owner, Owner: owner, StorageClass: u.storageClass,
      Initiated: u.initiated, ChecksumAlgorithm: u.checksumAlgorithm, ChecksumType: u.checksumType,
    })),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })),
  });
  return { status: 200, headers: XML, body };
}
