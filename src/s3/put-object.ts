/** PutObject: one new encrypted blob, then an atomic switch of the object row (conditional writes checked inside it). */
import type { ObjectRecord } from '../stores/meta-store.js';
import { writePrecondition } from './write-preconditions.js';
import { contextRequested, loadBucketEncryption, resolveEncryption, sseApplied, withKmsKeyArn } from './encryption-resolution.js';
import { writeTarget } from './sse-kms-requests.js';
import { header, parseTaggingHeader, storageClass, storedHeaders, userMetadata } from './metadata-headers.js';
import { newWriteId, quoted, requireBucket, requireKey } from './object-names.js';
import { payloadChecks, writeObjectData } from './object-writer.js';
import { commitObject } from './object-commit.js';
import { requireContentLength } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { customerKeyMd5, parseSseRequest, sseResponseHeaders, transportOf } from './sse-headers.js';
import { assertSseCAllowed, requestsSseC } from './sse-c-block.js';
import { checksumHeader } from './checksums.js';
import { newObjectAcl } from './acl-state.js';
import { lockGuard, requestedLock } from './object-lock.js';
import { versioningOf } from './versioning.js';

export async function putObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  requireContentLength(req);
  const bucket = await requireBucket(req, ctx);
  if (requestsSseC(req.headers)) await assertSseCAllowed(ctx.meta, bucket.name);
  const sse = parseSseRequest(req.headers, 'all', transportOf(req, ctx));
  const encryption = resolveEncryption(sse, await loadBucketEncryption(ctx.meta, bucket.name), ctx.envelope, writeTarget(req, bucket.name, key));
  const checks = payloadChecks(req.headers);
  const meta = userMetadata(req.headers);
  const tags = parseTaggingHeader(header(req.headers, 'x-amz-tagging'));
  const headers = storedHeaders(req.headers);
  const objectStorageClass = storageClass(header(req.headers, 'x-amz-storage-class'));
  const precondition = writePrecondition(header(req.headers, 'if-match'), header(req.headers, 'if-none-match'));
  // Every header is valid by here: no body byte is stored for a request that a header already dooms.
  // An If-None-Match: * PUT on an existing key fails before the body is stored (S3 checks again at commit).
  if (precondition) precondition(await ctx.meta.getObject(bucket.name, key));
  const acl = await newObjectAcl(ctx, req, bucket);
  const lock = requestedLock(req, ctx, bucket, true);
  const guard = await lockGuard(req, ctx, bucket.name, key);

  const writeId = newWriteId();
  const blob = await writeObjectData(ctx, {
    body: req.body, expectedLength: req.contentLength, trailers: req.trailers, checks,
    plan: encryption.plan, binding: { bucket: bucket.name, key, writeId, partNumber: 1 }, caller: { principal: req.principal, requestId: req.requestId },
  });
  const now = ctx.clock.now();
  const info = withKmsKeyArn(encryption.info, blob.kmsKeyArn);
  const object: ObjectRecord = {
    bucket: bucket.name, key, writeId, size: blob.size, etag: blob.etag, lastModified: now,
    headers, userMetadata: meta, tags, checksums: blob.checksums,
    checksumType: Object.keys(blob.checksums).length > 0 ? 'FULL_OBJECT' : undefined,
    encryption: info, partsCount: undefined, storageClass: objectStorageClass, acl, ...lock,
    parts: [{ partNumber: 1, blobId: blob.blobId, inline: blob.inline, size: blob.size, etag: blob.etag, sealedKey: blob.sealedKey, writeId, checksums: blob.checksums, lastModified: now }],
  };
  const answer = (version: Record<string, string>): S3Response => {
    const out: Record<string, string> = { etag: quoted(blob.etag), ...sseResponseHeaders(info, contextRequested(sse), customerKeyMd5(sse)), ...version };
    for (const [alg, value] of Object.entries(blob.checksums)) {
      out[checksumHeader(alg as never)] = value;
      out['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    return { status: 200, headers: out, audit: { sseApplied: sseApplied(info, encryption.defaultApplied) } };
  };
  return answer(await commitObject(ctx, object, versioningOf(bucket), precondition, guard, { rider: req.auditRider, answer }));
}
