/** Shared steps of the part-writing operations (UploadPart, UploadPartCopy) and completion: part numbers, the upload, committing a part. */
import { s3Error } from '../common/api-error.js';
import type { BucketRecord, PartRecord, UploadRecord } from '../stores/meta-store.js';
import { requireBucket, requireKey } from './object-names.js';
import { parseSseRequest, transportOf, type SseRequest } from './sse-headers.js';
import type { WrittenBlob } from './object-writer.js';
import type { S3Context, S3Request } from './s3-request.js';

export const MAX_PARTS = 10_000;

/** partNumber must be an integer 1..10000. */
export function parsePartNumber(raw: string | null): number {
  const n = Number(raw);
  if (raw === null || !/^\d+$/.test(raw) || n < 1 || n > MAX_PARTS) {
    throw s3Error('InvalidArgument', { message: 'Part number must be an integer between 1 and 10000, inclusive', details: { ArgumentName: 'partNumber', ArgumentValue: raw ?? '' } });
  }
  return n;
}

/** The upload named by ?uploadId for this bucket and key, or NoSuchUpload. */
export async function requireUpload(req: S3Request, ctx: S3Context, bucket: string, key: string): Promise<UploadRecord> {
  const uploadId = req.query.get('uploadId') ?? '';
  const upload = await ctx.meta.getUpload(bucket, uploadId);
  if (!upload || upload.key !== key) throw s3Error('NoSuchUpload', { resource: `/${bucket}/${key}`, details: { UploadId: uploadId } });
  return upload;
}

/** Stores a written part; releases the blob of a part it replaces, or its own blob when the upload vanished meanwhile. */
export async function commitPart(ctx: S3Context, upload: UploadRecord, partNumber: number, blob: WrittenBlob): Promise<PartRecord> {
  const unsealed: PartRecord = {
    partNumber, blobId: blob.blobId, inline: blob.inline, size: blob.size, etag: blob.etag, sealedKey: blob.sealedKey,
    writeId: upload.uploadId, checksums: blob.checksums, lastModified: ctx.clock.now(),
  };
  // INVARIANT 9: the part's size and ETag are authenticated from now on; Complete checks this tag.
  const part: PartRecord = { ...unsealed, layoutTag: ctx.envelope.sealPartLayout(upload.bucket, upload.key, unsealed) };
  const result = await ctx.meta.putUploadPart(upload.bucket, upload.uploadId, part);
  if (result.result === 'missing') {
    await ctx.blobs.delete([blob.blobId]);
    throw s3Error('NoSuchUpload', { details: { UploadId: upload.uploadId } });
  }
  await ctx.blobs.delete(result.blobIds);
  return part;
}

/**
 * What UploadPart and UploadPartCopy both start with: the key, a valid part number, no SSE header other
 * than SSE-C, the bucket and the upload.
 */
export async function partTarget(req: S3Request, ctx: S3Context): Promise<{ key: string; partNumber: number; bucket: BucketRecord; upload: UploadRecord; sse: SseRequest }> {
  const key = requireKey(req);
  const partNumber = parsePartNumber(req.query.get('partNumber'));
  const sse = parseSseRequest(req.headers, 'customer-only', transportOf(req, ctx));
  const bucket = await requireBucket(req, ctx);
  const upload = await requireUpload(req, ctx, bucket.name, key);
  return { key, partNumber, bucket, upload, sse };
}
