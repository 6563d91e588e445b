/** CopyObject and UploadPartCopy: the source is decrypted and re-encrypted for the target with a fresh data key. */
import { newObjectAcl } from './acl-state.js';
import { lockGuard, requestedLock } from './object-lock.js';
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { ObjectRecord } from '../stores/meta-store.js';
import { checksumHeader } from './checksums.js';
import { copySourceVersionHeader, MAX_COPY_SOURCE, parseCopySource, withCopySource } from './copy-source.js';
import { contextRequested, loadBucketEncryption, planFor, resolveEncryption, sseApplied, withKmsKeyArn, type ResolvedEncryption } from './encryption-resolution.js';
import { writeTarget } from './sse-kms-requests.js';
import { resealObject } from './object-reseal.js';
import { loadVersioning } from './versioning.js';
import { header, parseTaggingHeader, storageClass, storedHeaders, userMetadata } from './metadata-headers.js';
import { commitPart, partTarget } from './upload-parts.js';
import { partChecks } from './multipart-checksums.js';
import { newWriteId, quoted, requireBucket, requireKey } from './object-names.js';
import { openObjectStream, type ByteRange } from './object-reader.js';
import { writeObjectData } from './object-writer.js';
import { commitObject } from './object-commit.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { parseSseRequest, sseResponseHeaders } from './sse-headers.js';
import { assertSseCAllowed, requestsSseC } from './sse-c-block.js';

const NO_CHECKS = { contentMd5: undefined, checksum: undefined, checksumValue: undefined, checksumInTrailer: false } as const;

function directive(req: S3Request, name: string): 'COPY' | 'REPLACE' {
  const v = header(req.headers, name) ?? 'COPY';
  if (v !== 'COPY' && v !== 'REPLACE') throw s3Error('InvalidArgument', { message: `Unknown ${name}`, details: { ArgumentName: name, ArgumentValue: v } });
  return v;
}

export async function copyObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const bucket = await requireBucket(req, ctx);
  if (requestsSseC(req.headers)) await assertSseCAllowed(ctx.meta, bucket.name);
  const sse = parseSseRequest(req.headers, 'all');
  const explicitDefault = await loadBucketEncryption(ctx.meta, bucket.name);
  // The target's encryption comes from this request or the destination's default — never the source.
  const encryption = resolveEncryption(sse, explicitDefault, req.secure, writeTarget(req, bucket.name, key));
  const caller = { principal: req.principal, requestId: req.requestId };
  return withCopySource(req, ctx, async (source) => {
    if (source.size > MAX_COPY_SOURCE) {
      throw s3Error('InvalidRequest', { message: `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_SOURCE}` });
    }
    const metadataDirective = directive(req, 'x-amz-metadata-directive');
    const taggingDirective = directive(req, 'x-amz-tagging-directive');
    const targetClass = header(req.headers, 'x-amz-storage-class');
    // Copying a named version onto its own key is how a previous version is restored: allowed as S3 allows it.
    const sameObject = source.bucket === bucket.name && source.key === key && parseCopySource(header(req.headers, 'x-amz-copy-source')!).versionId === undefined;
    if (sameObject && metadataDirective === 'COPY' && sse.kind === 'none' && targetClass === undefined && explicitDefault === undefined
      && header(req.headers, 'x-amz-website-redirect-location') === undefined) {
      throw s3Error('InvalidRequest', {
        message: "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      });
    }

    if (sameObject && metadataDirective === 'COPY' && taggingDirective === 'COPY' && targetClass === undefined && sse.kind !== 'none'
      && await onlyEncryptionChanges(req, ctx, source, encryption)) {
      // Only the encryption changes: the data keys are resealed, the data is not rewritten (INVARIANT 8).
      const now = ctx.clock.now();
      const info = await resealObject(ctx, source, encryption.plan, encryption.info, caller, now);
      return {
        status: 200,
        headers: { 'content-type': 'application/xml', ...sseResponseHeaders(info, contextRequested(sse)) },
        body: toXml('CopyObjectResult', { ETag: quoted(source.etag), LastModified: now }),
        audit: { sseApplied: sseApplied(info, encryption.defaultApplied) },
      };
    }

    const lock = await requestedLock(req, ctx, bucket.name);
    const guard = await lockGuard(req, ctx, bucket.name, key);
    const writeId = newWriteId();
    // INVARIANT 2: every copy is a new write with its own fresh data key.
    const blob = await writeObjectData(ctx, {
      body: await openObjectStream(ctx, source, undefined, undefined, { caller }), expectedLength: source.size, trailers: () => ({}), checks: NO_CHECKS,
      plan: encryption.plan, binding: { bucket: bucket.name, key, writeId, partNumber: 1 }, caller,
    });
    const now = ctx.clock.now();
    const info = withKmsKeyArn(encryption.info, blob.kmsKeyArn);
    const object: ObjectRecord = {
      bucket: bucket.name, key, writeId, size: blob.size, etag: blob.etag, lastModified: now,
      headers: metadataDirective === 'COPY' ? source.headers : storedHeaders(req.headers),
      userMetadata: metadataDirective === 'COPY' ? source.userMetadata : userMetadata(req.headers),
      tags: taggingDirective === 'COPY' ? source.tags : parseTaggingHeader(header(req.headers, 'x-amz-tagging')),
      checksums: {}, checksumType: undefined, encryption: info, partsCount: undefined,
      storageClass: targetClass === undefined ? source.storageClass : storageClass(targetClass),
      acl: await newObjectAcl(ctx, req, bucket), ...lock,
      parts: [{ partNumber: 1, blobId: blob.blobId, inline: blob.inline, size: blob.size, etag: blob.etag, sealedKey: blob.sealedKey, writeId, checksums: {}, lastModified: now }],
    };
    const version = await commitObject(ctx, object, undefined, guard);
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', ...sseResponseHeaders(info, contextRequested(sse)), ...version, ...copySourceVersionHeader(source) },
      body: toXml('CopyObjectResult', { ETag: quoted(blob.etag), LastModified: now }),
      audit: { sseApplied: sseApplied(info, encryption.defaultApplied) },
    };
  });
}

/** x-amz-copy-source-range: bytes=first-last, inside the source. */
function copyRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m) throw s3Error('InvalidArgument', { message: 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', details: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value } });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) {
    throw s3Error('InvalidRange', { message: 'The requested range is not satisfiable', headers: { 'content-range': `bytes */${size}` }, details: { RangeRequested: value, ActualObjectSize: size } });
  }
  return { start, end };
}

export async function uploadPartCopy(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const { key, partNumber, bucket, upload } = await partTarget(req, ctx);
  return withCopySource(req, ctx, async (source) => {
    const range = copyRange(header(req.headers, 'x-amz-copy-source-range'), source.size);
    const length = range ? range.end - range.start + 1 : source.size;
    if (length > MAX_COPY_SOURCE) {
      throw s3Error('InvalidRequest', { message: `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_SOURCE}` });
    }
    // Encrypted for the TARGET upload with a fresh data key, whatever the source's encryption.
    const blob = await writeObjectData(ctx, {
      body: await openObjectStream(ctx, source, range, undefined, { caller: { principal: req.principal, requestId: req.requestId } }), expectedLength: length, trailers: () => ({}), checks: partChecks(NO_CHECKS, upload),
      plan: planFor(upload.encryption), binding: { bucket: bucket.name, key, writeId: upload.uploadId, partNumber }, caller: { principal: req.principal, requestId: req.requestId },
    });
    const part = await commitPart(ctx, upload, partNumber, blob);
    const headers: Record<string, string> = { 'content-type': 'application/xml', ...sseResponseHeaders(upload.encryption), ...copySourceVersionHeader(source) };
    for (const [alg, value] of Object.entries(part.checksums)) headers[checksumHeader(alg as never)] = value;
    return { status: 200, headers, body: toXml('CopyPartResult', { ETag: quoted(part.etag), LastModified: part.lastModified }), audit: { sseApplied: sseApplied(upload.encryption, upload.encryption.defaultApplied === true) } };
  });
}

/**
 * A copy onto itself may reseal in place only when nothing but the encryption changes and no new version
 * is due: an unversioned bucket, no ACL or lock or redirect headers, a source whose data key another plan
 * can take (not SSE-C, whose key this request does not carry) and a target other than DSSE-KMS or SSE-C.
 */
async function onlyEncryptionChanges(req: S3Request, ctx: S3Context, source: ObjectRecord, target: ResolvedEncryption): Promise<boolean> {
  if (target.plan.kind !== 'sse-s3' && target.plan.kind !== 'sse-kms') return false;
  if (source.encryption.algorithm === 'SSE-C' || source.versionId !== undefined && source.versionId !== 'null') return false;
  if (await loadVersioning(ctx.meta, source.bucket) !== undefined) return false;
  const h = req.headers;
  if (h['x-amz-acl'] !== undefined || Object.keys(h).some((n) => n.startsWith('x-amz-grant-') || n.startsWith('x-amz-object-lock-'))) return false;
  return h['x-amz-website-redirect-location'] === undefined;
}
