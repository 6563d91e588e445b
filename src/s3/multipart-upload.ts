/** CreateMultipartUpload, UploadPart, AbortMultipartUpload: each part is its own blob with its own fresh data key. */
import { newObjectAcl } from './acl-state.js';
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { UploadRecord } from '../stores/meta-store.js';
import { commitPart, partTarget, requireUpload } from './upload-parts.js';
import { checksumHeader, parseChecksumAlgorithm } from './checksums.js';
import { partChecks, uploadChecksumType } from './multipart-checksums.js';
import { partPlan } from './customer-keys.js';
import { contextRequested, loadBucketEncryption, resolveEncryption, sseApplied, withKmsKeyArn } from './encryption-resolution.js';
import { writeTarget } from './sse-kms-requests.js';
import { header, parseTaggingHeader, storageClass, storedHeaders, userMetadata } from './metadata-headers.js';
import { bucketGoneAsNoSuchBucket } from './missing-bucket.js';
import { newWriteId, quoted, requireBucket, requireKey } from './object-names.js';
import { payloadChecks, writeObjectData } from './object-writer.js';
import { requireContentLength } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { customerKeyMd5, parseSseRequest, sseResponseHeaders, transportOf } from './sse-headers.js';
import { assertSseCAllowed, requestsSseC } from './sse-c-block.js';
import { checkPartIntegrity, explicitLock } from './object-lock.js';

export async function createMultipartUpload(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const bucket = await requireBucket(req, ctx);
  if (requestsSseC(req.headers)) await assertSseCAllowed(ctx.meta, bucket.name);
  const sse = parseSseRequest(req.headers, 'all', transportOf(req, ctx));
  const encryption = resolveEncryption(sse, await loadBucketEncryption(ctx.meta, bucket.name), ctx.envelope, writeTarget(req, bucket.name, key));
  const algorithm = parseChecksumAlgorithm(header(req.headers, 'x-amz-checksum-algorithm'));
  const checksumType = uploadChecksumType(algorithm, header(req.headers, 'x-amz-checksum-type'));
  const initiated = ctx.clock.now();
  // Kept with the upload and given to the object at completion; the bucket's default retention is applied then.
  const lock = explicitLock(req.headers, bucket, initiated, false);
  // SSE-KMS: the key is resolved (and the caller's use of it checked) now, as S3 asks KMS at initiation;
  // the parts name it by its full ARN.
  const info = withKmsKeyArn(encryption.info, await ctx.envelope.kmsKeyArn(encryption.plan, { principal: req.principal, requestId: req.requestId }));
  const upload: UploadRecord = {
    uploadId: newWriteId(), bucket: bucket.name, key, initiated,
    headers: storedHeaders(req.headers), userMetadata: userMetadata(req.headers),
    tags: parseTaggingHeader(header(req.headers, 'x-amz-tagging')),
    // Kept with the upload: its parts and completion report the SSEApplied of the initiation.
    encryption: encryption.defaultApplied ? { ...info, defaultApplied: true } : info,
    checksumAlgorithm: algorithm,
    checksumType,
    storageClass: storageClass(header(req.headers, 'x-amz-storage-class')),
    ownerAccountId: req.principal!.accountId,
    acl: await newObjectAcl(ctx, req, bucket),
    ...lock,
  };
  try {
    await ctx.meta.createUpload(upload);
  } catch (err) {
    throw bucketGoneAsNoSuchBucket(err);
  }
  const headers: Record<string, string> = { 'content-type': 'application/xml', ...sseResponseHeaders(upload.encryption, contextRequested(sse), customerKeyMd5(sse)) };
  if (algorithm) {
    headers['x-amz-checksum-algorithm'] = algorithm;
    headers['x-amz-checksum-type'] = upload.checksumType!;
  }
  return { status: 200, headers, body: toXml('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: upload.uploadId }), audit: { sseApplied: sseApplied(upload.encryption, encryption.defaultApplied) } };
}

export async function uploadPart(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const { key, partNumber, bucket, upload, sse } = await partTarget(req, ctx);
  requireContentLength(req);
  checkPartIntegrity(req.headers, upload, bucket);
  // Every part repeats the upload's SSE-C key, checked before a byte of the body is read.
  const plan = partPlan(upload.encryption, sse, ctx.envelope);
  // INVARIANT 2: a fresh data key for every part upload, also when a part number is uploaded again.
  const blob = await writeObjectData(ctx, {
    body: req.body, expectedLength: req.contentLength, trailers: req.trailers, checks: partChecks(payloadChecks(req.headers), upload),
    plan, binding: { bucket: bucket.name, key, writeId: upload.uploadId, partNumber }, caller: { principal: req.principal, requestId: req.requestId },
  });
  const part = await commitPart(ctx, upload, partNumber, blob);
  const headers: Record<string, string> = { etag: quoted(part.etag), ...sseResponseHeaders(upload.encryption, false, customerKeyMd5(sse)) };
  for (const [alg, value] of Object.entries(part.checksums)) headers[checksumHeader(alg as never)] = value;
  return { status: 200, headers, audit: { sseApplied: sseApplied(upload.encryption, upload.encryption.defaultApplied === true) } };
}

export async function abortMultipartUpload(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  parseSseRequest(req.headers, 'none', transportOf(req, ctx));
  const bucket = await requireBucket(req, ctx);
  const upload = await requireUpload(req, ctx, bucket.name, key);
  const result = await ctx.meta.abortUpload(bucket.name, upload.uploadId);
  if (result.result === 'missing') throw s3Error('NoSuchUpload', { details: { UploadId: upload.uploadId } });
  await ctx.blobs.delete(result.blobIds);
  return { status: 204 };
}
