/** CompleteMultipartUpload's result, and a repeated Complete answered with it while the object the upload became still stands. */
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { BucketRecord, ObjectRecord } from '../stores/meta-store.js';
import { checksumHeader, type ChecksumAlgorithm } from './checksums.js';
import { sseApplied } from './encryption-resolution.js';
import { quoted } from './object-names.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { sseResponseHeaders } from './sse-headers.js';
import { readVersionHeader } from './versioning.js';

/** One <Part> of a Complete request: its number and ETag without quotes. */
export interface RequestedPart { readonly partNumber: number; readonly etag: string }

/**
 * The 200 answer for a completed upload: SSE and checksum headers, and the result document. An SSE-C
 * upload's answer carries no SSE header: S3's CompleteMultipartUploadOutput models the SSE type, KMS key id
 * and bucket-key flag but no customer algorithm or key MD5 (botocore's service-2 model, the API reference).
 */
export function completionResponse(req: S3Request, object: ObjectRecord): S3Response {
  const sse = object.encryption.algorithm === 'SSE-C' ? {} : sseResponseHeaders(object.encryption);
  const headers: Record<string, string> = { 'content-type': 'application/xml', ...sse };
  if (object.versionId !== undefined) headers['x-amz-version-id'] = object.versionId;
  const checksumXml: Record<string, string> = {};
  for (const [alg, value] of Object.entries(object.checksums)) {
    headers[checksumHeader(alg as ChecksumAlgorithm)] = value;
    checksumXml[`Checksum${alg}`] = value;
  }
  const body = toXml('CompleteMultipartUploadResult', {
    Location: `${req.origin}/${object.bucket}/${encodeURIComponent(object.key).replace(/%2F/g, '/')}`,
    Bucket: object.bucket, Key: object.key, ETag: quoted(object.etag), ...checksumXml,
    ChecksumType: object.checksumType,
  });
  // The object carries its upload's encryption, with the initiation's choice (multipart-upload.ts).
  return { status: 200, headers, body, audit: { sseApplied: sseApplied(object.encryption, object.encryption.defaultApplied === true) } };
}

/**
 * A Complete for an upload that no longer exists. S3 answers a retry of a Complete that succeeded
 * (its response was lost) with the same 200, so clients that retry do not report a failed upload.
 * The object row keeps the upload id as its write id, so the completed upload is recognised without
 * extra state: the key's current object must be the one this upload made, with exactly the parts
 * asked for now. Once the object is overwritten or deleted, the upload is NoSuchUpload again.
 */
export async function repeatedCompletion(
  req: S3Request, ctx: S3Context, record: BucketRecord, key: string, uploadId: string, readParts: () => Promise<readonly RequestedPart[]>,
): Promise<S3Response> {
  const bucket = record.name;
  const noSuchUpload = () => s3Error('NoSuchUpload', { resource: `/${bucket}/${key}`, details: { UploadId: uploadId } });
  const object = await ctx.meta.getObject(bucket, key);
  // Checked before the body is read, so a missing upload stays NoSuchUpload whatever the body holds.
  if (!object || object.partsCount === undefined || object.writeId !== uploadId) throw noSuchUpload();
  const requested = await readParts();
  const same = object.parts.length === requested.length
    && object.parts.every((p, i) => p.partNumber === requested[i]!.partNumber && p.etag === requested[i]!.etag);
  if (!same) throw noSuchUpload();
  // The version the first completion made: its id, or "null" for a null version on a bucket that has had versioning.
  const response = completionResponse(req, object);
  return { ...response, headers: { ...response.headers, ...readVersionHeader(object, undefined, record) } };
}
