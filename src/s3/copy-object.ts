/** CopyObject and UploadPartCopy: the source is decrypted and re-encrypted for the target with a fresh data key; an SSE-C object copied onto itself with a new key is only resealed. */
import { newObjectAcl } from './acl-state.js';
import { lockGuard, requestedLock } from './object-lock.js';
import { s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { KeyCaller } from '../sse/envelope.js';
import type { BucketRecord, ObjectRecord } from '../stores/meta-store.js';
import { bucketGoneAsNoSuchBucket } from './missing-bucket.js';
import { copySourceKey, partPlan } from './customer-keys.js';
import { checksumHeader } from './checksums.js';
import { copySourceVersionHeader, MAX_COPY_SOURCE, parseCopySource, withCopySource } from './copy-source.js';
import { contextRequested, loadBucketEncryption, resolveEncryption, sseApplied, withKmsKeyArn, type ResolvedEncryption } from './encryption-resolution.js';
import { writeTarget } from './sse-kms-requests.js';
import { header, parseTaggingHeader, storageClass, storedHeaders, userMetadata } from './metadata-headers.js';
import { commitPart, partTarget } from './upload-parts.js';
import { partChecks } from './multipart-checksums.js';
import { newWriteId, quoted, requireBucket, requireKey } from './object-names.js';
import { openObjectStream, type ByteRange } from './object-reader.js';
import { writeObjectData } from './object-writer.js';
import { commitObject } from './object-commit.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { customerKeyMd5, parseCopySourceCustomerKey, parseSseRequest, sseResponseHeaders, transportOf } from './sse-headers.js';
import { assertSseCAllowed, requestsSseC } from './sse-c-block.js';
import { versioningOf } from './versioning.js';

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
  const transport = transportOf(req, ctx);
  const sse = parseSseRequest(req.headers, 'all', transport);
  const givenSourceKey = parseCopySourceCustomerKey(req.headers, transport);
  const explicitDefault = await loadBucketEncryption(ctx.meta, bucket.name);
  // The target's encryption comes from this request or the destination's default — never the source.
  const encryption = resolveEncryption(sse, explicitDefault, ctx.envelope, writeTarget(req, bucket.name, key));
  const caller: KeyCaller = { principal: req.principal, requestId: req.requestId };
  return withCopySource(req, ctx, async (source) => {
    if (source.size > MAX_COPY_SOURCE) {
      throw s3Error('InvalidRequest', { message: `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_SOURCE}` });
    }
    // An SSE-C source needs its own key (the copy-source triple), checked even when it equals the target's.
    const sourceKey = copySourceKey(source.encryption, givenSourceKey, ctx.envelope);
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

    const metadata = {
      headers: metadataDirective === 'COPY' ? source.headers : storedHeaders(req.headers),
      userMetadata: metadataDirective === 'COPY' ? source.userMetadata : userMetadata(req.headers),
      tags: taggingDirective === 'COPY' ? source.tags : parseTaggingHeader(header(req.headers, 'x-amz-tagging')),
      storageClass: targetClass === undefined ? source.storageClass : storageClass(targetClass),
    };
    // Refused lock headers (a bucket without Object Lock, half a retention) are refused on every copy path.
    const lock = requestedLock(req, ctx, bucket, false);
    // On a bucket that has never had versioning, an SSE-C key change onto itself, or a copy onto itself that changes
    // only the encryption to SSE-S3 or SSE-KMS, replaces the one version: INVARIANT 8, each data key is resealed and
    // the blobs are neither read nor written, onto the null version only. A versioned bucket gets a new version
    // (which must not share the old one's blobs).
    const resealable = (source.encryption.algorithm === 'SSE-C' && encryption.plan.kind === 'sse-c')
      || (metadataDirective === 'COPY' && taggingDirective === 'COPY' && targetClass === undefined && sse.kind !== 'none' && onlyEncryptionChanges(req, source, encryption));
    if (sameObject && resealable && source.versionId === undefined && versioningOf(bucket) === undefined) {
      const resealed = await resealInPlace(ctx, req, bucket, source, sourceKey, encryption, metadata, caller);
      return {
        status: 200,
        headers: { 'content-type': 'application/xml', ...sseResponseHeaders(resealed.info, contextRequested(sse), customerKeyMd5(sse)), ...copySourceVersionHeader(source) },
        body: toXml('CopyObjectResult', { ETag: quoted(resealed.etag), LastModified: resealed.lastModified }),
        audit: { sseApplied: sseApplied(resealed.info, encryption.defaultApplied) },
      };
    }

    const guard = await lockGuard(req, ctx, bucket.name, key);
    const writeId = newWriteId();
    // INVARIANT 2: every copy is a new write with its own fresh data key.
    const blob = await writeObjectData(ctx, {
      body: await openObjectStream(ctx, source, undefined, undefined, { customerKey: sourceKey, caller }), expectedLength: source.size, trailers: () => ({}), checks: NO_CHECKS,
      plan: encryption.plan, binding: { bucket: bucket.name, key, writeId, partNumber: 1 }, caller,
    });
    const now = ctx.clock.now();
    const info = withKmsKeyArn(encryption.info, blob.kmsKeyArn);
    const object: ObjectRecord = {
      bucket: bucket.name, key, writeId, size: blob.size, etag: blob.etag, lastModified: now,
      ...metadata,
      checksums: {}, checksumType: undefined, encryption: info, partsCount: undefined,
      acl: await newObjectAcl(ctx, req, bucket), ...lock,
      parts: [{ partNumber: 1, blobId: blob.blobId, inline: blob.inline, size: blob.size, etag: blob.etag, sealedKey: blob.sealedKey, writeId, checksums: {}, lastModified: now }],
    };
    const version = await commitObject(ctx, object, versioningOf(bucket), undefined, guard);
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', ...sseResponseHeaders(info, contextRequested(sse), customerKeyMd5(sse)), ...version, ...copySourceVersionHeader(source) },
      body: toXml('CopyObjectResult', { ETag: quoted(blob.etag), LastModified: now }),
      audit: { sseApplied: sseApplied(info, encryption.defaultApplied) },
    };
  });
}

/**
 * The object row again with every part's data key resealed for the new encryption: same write id, parts,
 * blobs, sizes, ETag and checksums. Committed only if the object is still the version that was resealed
 * (its ETag is unique to that write); the blobs stay, so a failure here deletes nothing.
 */
async function resealInPlace(
  ctx: S3Context, req: S3Request, bucket: BucketRecord, source: ObjectRecord, sourceKey: ReturnType<typeof copySourceKey>,
  encryption: ResolvedEncryption, metadata: Pick<ObjectRecord, 'headers' | 'userMetadata' | 'tags' | 'storageClass'>, caller: KeyCaller,
): Promise<{ etag: string; lastModified: Date; info: ObjectRecord['encryption'] }> {
  const parts = [];
  for (const part of source.parts) {
    const binding = { bucket: source.bucket, key: source.key, writeId: part.writeId, partNumber: part.partNumber };
    parts.push({ ...part, sealedKey: await ctx.envelope.rekey(part.sealedKey, binding, { customerKey: sourceKey, caller }, encryption.plan, caller) });
  }
  // SSE-KMS: the key ARN KMS resolved for the reseal (every part names the same key).
  const info = withKmsKeyArn(encryption.info, parts[0] && ctx.envelope.describeSealedKey(parts[0].sealedKey).kmsKeyArn);
  const object: ObjectRecord = {
    ...source, ...metadata, lastModified: ctx.clock.now(), encryption: info, parts, acl: await newObjectAcl(ctx, req, bucket),
  };
  try {
    await ctx.meta.putObject({ ...object, manifest: ctx.envelope.sealLayout(object) }, (existing) => {
      if (existing?.etag !== source.etag) throw s3Error('ConditionalRequestConflict');
    });
  } catch (err) {
    throw bucketGoneAsNoSuchBucket(err);
  }
  return { etag: object.etag, lastModified: object.lastModified, info };
}

/**
 * A copy onto itself that changes only the encryption may reseal in place: a source whose data key this
 * request can open (not SSE-C, whose key a plain encryption change does not carry), a target another
 * key can be sealed for (SSE-S3 or SSE-KMS, not DSSE-KMS), and no ACL, lock or redirect headers.
 */
function onlyEncryptionChanges(req: S3Request, source: ObjectRecord, target: ResolvedEncryption): boolean {
  if (target.plan.kind !== 'sse-s3' && target.plan.kind !== 'sse-kms') return false;
  if (source.encryption.algorithm === 'SSE-C') return false;
  // A DSSE-KMS blob has two layers under two data keys: no single data key to reseal, so it is rewritten.
  if (source.encryption.algorithm === 'aws:kms:dsse') return false;
  const h = req.headers;
  if (h['x-amz-acl'] !== undefined || Object.keys(h).some((n) => n.startsWith('x-amz-grant-') || n.startsWith('x-amz-object-lock-'))) return false;
  return h['x-amz-website-redirect-location'] === undefined;
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
  const { key, partNumber, bucket, upload, sse } = await partTarget(req, ctx);
  const plan = partPlan(upload.encryption, sse, ctx.envelope);
  const givenSourceKey = parseCopySourceCustomerKey(req.headers, transportOf(req, ctx));
  const caller: KeyCaller = { principal: req.principal, requestId: req.requestId };
  return withCopySource(req, ctx, async (source) => {
    const sourceKey = copySourceKey(source.encryption, givenSourceKey, ctx.envelope);
    const range = copyRange(header(req.headers, 'x-amz-copy-source-range'), source.size);
    const length = range ? range.end - range.start + 1 : source.size;
    if (length > MAX_COPY_SOURCE) {
      throw s3Error('InvalidRequest', { message: `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_SOURCE}` });
    }
    // Encrypted for the TARGET upload with a fresh data key, whatever the source's encryption.
    const blob = await writeObjectData(ctx, {
      body: await openObjectStream(ctx, source, range, undefined, { customerKey: sourceKey, caller }), expectedLength: length, trailers: () => ({}), checks: partChecks(NO_CHECKS, upload),
      plan, binding: { bucket: bucket.name, key, writeId: upload.uploadId, partNumber }, caller,
    });
    const part = await commitPart(ctx, upload, partNumber, blob);
    const headers: Record<string, string> = { 'content-type': 'application/xml', ...sseResponseHeaders(upload.encryption, false, customerKeyMd5(sse)), ...copySourceVersionHeader(source) };
    for (const [alg, value] of Object.entries(part.checksums)) headers[checksumHeader(alg as never)] = value;
    return { status: 200, headers, body: toXml('CopyPartResult', { ETag: quoted(part.etag), LastModified: part.lastModified }), audit: { sseApplied: sseApplied(upload.encryption, upload.encryption.defaultApplied === true) } };
  });
}
