/** GetObject and HeadObject: conditionals, Range and partNumber, response-* overrides, checksums, decrypting only what is asked. */
import { s3Error } from '../common/api-error.js';
import type { BucketRecord, ObjectRecord } from '../stores/meta-store.js';
import { checksumHeader } from './checksums.js';
import { checkConditions } from './conditional-headers.js';
import { checkHeaderValue, header, metadataResponseHeaders } from './metadata-headers.js';
import { checkVersionId, quoted, requireBucket, requireKey } from './object-names.js';
import { deleteMarkerNamed, missingCurrent, noSuchVersion, readVersionHeader } from './versioning.js';
import { lockResponseHeaders } from './object-lock.js';
import { openObjectStream, partRange, pinObject, type ByteRange } from './object-reader.js';
import { parseRange } from './range-header.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { readKey } from './customer-keys.js';
import { customerKeyMd5, parseSseRequest, sseResponseHeaders, transportOf, type SseRequest } from './sse-headers.js';
import { requireKmsTransport } from './sse-kms-requests.js';

const OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

export async function getObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  return readObject(req, ctx, false);
}

export async function headObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  return readObject(req, ctx, true);
}

async function readObject(req: S3Request, ctx: S3Context, head: boolean): Promise<S3Response> {
  const key = requireKey(req);
  const sse = parseSseRequest(req.headers, 'customer-only', transportOf(req, ctx));
  const versionId = checkVersionId(req.query.get('versionId'));
  const overrides = responseOverrides(req);
  const bucket = await requireBucket(req, ctx);
  // A GET leases the blobs of the version it read, so an overwrite or delete meanwhile cannot cut it off.
  const pinned = head ? undefined : await pinObject(ctx, bucket.name, key, versionId);
  const object = head
    ? await (versionId === undefined ? ctx.meta.getObject(bucket.name, key) : ctx.meta.getVersion(bucket.name, key, versionId))
    : pinned?.object;
  if (!object) throw versionId === undefined ? await missingCurrent(req, ctx, bucket.name, key) : noSuchVersion(key, versionId);
  try {
    if (object.deleteMarker) throw deleteMarkerNamed(object);
    return await respond(req, ctx, head, object, overrides, versionId, bucket, sse, pinned?.release);
  } catch (err) {
    pinned?.release();
    throw err;
  }
}

async function respond(req: S3Request, ctx: S3Context, head: boolean, object: ObjectRecord, overrides: Record<string, string>, versionId: string | undefined, bucket: BucketRecord, sse: SseRequest, release?: () => void): Promise<S3Response> {
  // An SSE-C object is not even described (HEAD) without its key; a wrong key is AccessDenied.
  const customerKey = readKey(object.encryption, sse.kind === 'sse-c' ? sse : undefined, ctx.envelope);
  checkConditions(req.headers, object);

  const { range, partNumber } = selectRange(req, object);
  const headers: Record<string, string | number> = {
    ...metadataResponseHeaders(object.headers, object.userMetadata),
    'content-type': object.headers['content-type'] ?? 'application/octet-stream',
    'last-modified': object.lastModified.toUTCString(),
    etag: quoted(object.etag),
    'accept-ranges': 'bytes',
    ...sseResponseHeaders(object.encryption, false, customerKeyMd5(sse)),
    ...readVersionHeader(object, versionId, bucket),
    ...lockResponseHeaders(object),
  };
  if (object.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = object.storageClass;
  if (object.tags.length > 0) headers['x-amz-tagging-count'] = object.tags.length;
  if (object.partsCount !== undefined && partNumber !== undefined) headers['x-amz-mp-parts-count'] = object.partsCount;
  if (header(req.headers, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && (range === undefined || partNumber !== undefined)) {
    for (const [alg, value] of Object.entries(object.checksums)) headers[checksumHeader(alg as never)] = value;
    if (object.checksumType) headers['x-amz-checksum-type'] = object.checksumType;
  }
  Object.assign(headers, overrides);

  let status = 200;
  let length = object.size;
  if (range) {
    status = 206;
    length = range.end - range.start + 1;
    headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`;
  }
  headers['content-length'] = length;
  if (head) return { status, headers };
  requireKmsTransport(req, object.encryption.algorithm);
  // The caller is who KMS authorizes to open an SSE-KMS object's data key (kms:Decrypt).
  const body = await openObjectStream(ctx, object, range, release, { customerKey, caller: { principal: req.principal, requestId: req.requestId } });
  return { status, headers, body };
}

function selectRange(req: S3Request, object: ObjectRecord): { range: ByteRange | undefined; partNumber: number | undefined } {
  const rawPart = req.query.get('partNumber');
  const rangeHeader = header(req.headers, 'range');
  if (rawPart === null) return { range: parseRange(rangeHeader, object.size), partNumber: undefined };
  if (rangeHeader !== undefined) throw s3Error('InvalidRequest', { message: 'Cannot specify both Range header and partNumber query parameter' });
  const n = Number(rawPart);
  if (!/^\d+$/.test(rawPart) || n < 1 || n > 10000) {
    throw s3Error('InvalidArgument', { message: 'Part number must be an integer between 1 and 10000, inclusive', details: { ArgumentName: 'partNumber', ArgumentValue: rawPart } });
  }
  const range = partRange(object, n);
  if (!range) throw s3Error('InvalidPartNumber');
  // A whole single-part object asked as part 1 is a 206 of its full range, as S3 answers.
  return { range: object.size === 0 ? undefined : range, partNumber: n };
}

function responseOverrides(req: S3Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, name] of OVERRIDES) {
    const v = req.query.get(param);
    if (v === null) continue;
    // S3 allows response-* overrides only on signed requests, which every request here is.
    // A value that cannot be a header (CR/LF, NUL, beyond Latin-1) is the client's error, not a 500.
    checkHeaderValue(param, v);
    out[name] = v;
  }
  return out;
}
