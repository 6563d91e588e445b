/** CompleteMultipartUpload: validate the part list, then one metadata transaction — the parts stay where they were written. */
import { createHash } from 'node:crypto';
import { s3Error } from '../common/api-error.js';
import { xmlChildren, xmlText } from '../common/xml-reader.js';
import type { ObjectRecord, PartRecord } from '../stores/meta-store.js';
import { completionResponse, repeatedCompletion, type RequestedPart } from './completion-replay.js';
import { header } from './metadata-headers.js';
import { bucketGoneAsNoSuchBucket } from './missing-bucket.js';
import { objectChecksums, verifyCompleteChecksum } from './multipart-checksums.js';
import { requireBucket, requireKey } from './object-names.js';
import { MAX_PARTS } from './upload-parts.js';
import { readXmlBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { parseSseRequest, transportOf } from './sse-headers.js';
import { writePrecondition } from './write-preconditions.js';
import { versioningOf, versionIdHeader, writeVersionId } from './versioning.js';
import { lockGuard, withDefaultRetention } from './object-lock.js';

/** Every part but the last must be at least 5 MiB. */
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_OBJECT_SIZE = 5 * 1024 ** 4;

export async function completeMultipartUpload(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  // The SSE-C triple is accepted (and validated) but not needed: completing moves no data.
  parseSseRequest(req.headers, 'customer-only', transportOf(req, ctx));
  const bucket = await requireBucket(req, ctx);
  const uploadId = req.query.get('uploadId') ?? '';
  const found = await ctx.meta.getUpload(bucket.name, uploadId);
  if (!found || found.key !== key) return repeatedCompletion(req, ctx, bucket, key, uploadId, () => requestedParts(req));
  const upload = found;
  const precondition = writePrecondition(header(req.headers, 'if-match'), header(req.headers, 'if-none-match'));
  const requested = await requestedParts(req);
  // The body may have taken a while: a bucket deleted meanwhile (which aborted this upload) is NoSuchBucket.
  // Its row, read again, carries the versioning and lock settings the completed object gets.
  const settings = await requireBucket(req, ctx);

  const stored = new Map((await ctx.meta.allUploadParts(bucket.name, upload.uploadId)).map((p) => [p.partNumber, p]));
  const chosen: PartRecord[] = [];
  for (const [i, r] of requested.entries()) {
    if (i > 0 && r.partNumber <= requested[i - 1]!.partNumber) throw s3Error('InvalidPartOrder');
    const part = stored.get(r.partNumber);
    if (!part || part.etag !== r.etag) throw s3Error('InvalidPart', { details: { UploadId: upload.uploadId, PartNumber: r.partNumber, ETag: r.etag } });
    chosen.push(part);
  }
  // INVARIANT 9: the sizes the manifest is about to authenticate must be those each part was stored with.
  for (const part of chosen) {
    try {
      await ctx.envelope.checkPartLayout(bucket.name, key, part);
    } catch (err) {
      ctx.log('upload part failed its layout tag; not completing', { bucket: bucket.name, key, uploadId: upload.uploadId, partNumber: part.partNumber, error: err instanceof Error ? err.message : String(err) });
      throw s3Error('InternalError');
    }
  }
  for (const part of chosen.slice(0, -1)) {
    if (part.size < MIN_PART_SIZE) {
      throw s3Error('EntityTooSmall', { details: { ProposedSize: part.size, MinSizeAllowed: MIN_PART_SIZE, PartNumber: part.partNumber, ETag: part.etag } });
    }
  }
  const size = chosen.reduce((n, p) => n + p.size, 0);
  if (size > MAX_OBJECT_SIZE) throw s3Error('EntityTooLarge', { details: { ProposedSize: size, MaxSizeAllowed: MAX_OBJECT_SIZE } });

  const md5s = createHash('md5');
  for (const p of chosen) md5s.update(Buffer.from(p.etag, 'hex'));
  const etag = `${md5s.digest('hex')}-${chosen.length}`;
  const checksums = objectChecksums(upload, chosen);
  verifyCompleteChecksum(req.headers, upload, checksums);
  const object: ObjectRecord = {
    bucket: bucket.name, key, writeId: upload.uploadId, size, etag, lastModified: ctx.clock.now(),
    headers: upload.headers, userMetadata: upload.userMetadata, tags: upload.tags, checksums,
    checksumType: Object.keys(checksums).length > 0 ? upload.checksumType : undefined,
    encryption: upload.encryption, partsCount: chosen.length, storageClass: upload.storageClass, parts: chosen, acl: upload.acl,
  };
  // Metadata only: the object row takes the chosen parts' records and the manifest authenticating
  // their order, sizes and count (INVARIANT 9); unused parts are released.
  const manifest = ctx.envelope.sealLayout(object);
  // The lock CreateMultipartUpload asked for, else the bucket's default retention from now (S3 reads no lock headers on Complete).
  const lock = withDefaultRetention({
    ...(upload.retention ? { retention: upload.retention } : {}), ...(upload.legalHold !== undefined ? { legalHold: upload.legalHold } : {}),
  }, settings, object.lastModified);
  const guard = await lockGuard(req, ctx, bucket.name, key);
  const versioning = versioningOf(settings);
  const versionId = writeVersionId(versioning, object.lastModified);
  let result;
  try {
    result = await ctx.meta.completeUpload(upload.uploadId, { ...object, ...lock, manifest, ...(versionId ? { versionId } : {}) }, precondition, guard);
  } catch (err) {
    throw bucketGoneAsNoSuchBucket(err);
  }
  // Completed concurrently by an identical request: answered as its repeat.
  if (result.result === 'missing') return repeatedCompletion(req, ctx, settings, key, upload.uploadId, async () => requested);
  await ctx.blobs.delete(result.blobIds);
  const response = completionResponse(req, object);
  return { ...response, headers: { ...response.headers, ...versionIdHeader(versioning, versionId) } };
}

/** The body's <Part> list: MalformedXML when empty or incomplete, TooManyParts above 10,000. */
async function requestedParts(req: S3Request): Promise<RequestedPart[]> {
  const doc = await readXmlBody(req.body, 'CompleteMultipartUpload');
  const requested = xmlChildren(doc, 'Part').map((p) => {
    const n = xmlText(p, 'PartNumber');
    const etag = xmlText(p, 'ETag');
    if (n === undefined || etag === undefined || !/^\d+$/.test(n)) throw s3Error('MalformedXML');
    return { partNumber: Number(n), etag: etag.trim().replace(/^"|"$/g, '') };
  });
  if (requested.length === 0) throw s3Error('MalformedXML', { message: 'The XML you provided was not well-formed or did not validate against our published schema' });
  if (requested.length > MAX_PARTS) throw s3Error('TooManyParts');
  return requested;
}
