/** DeleteObject and DeleteObjects: metadata first (conditional on If-Match / <ETag>), then the released blobs. */
import { createHash } from 'node:crypto';
import { isApiError, s3Error } from '../common/api-error.js';
import { parseXml, xmlChildren, xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import type { Precondition } from '../stores/meta-store.js';
import { createHasher, CHECKSUM_ALGORITHMS, checksumHeader, type ChecksumAlgorithm } from './checksums.js';
import { etagMatches } from './conditional-headers.js';
import { header } from './metadata-headers.js';
import { checkVersionId, noSuchKey, requireBucket, requireKey } from './object-names.js';
import { readBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { parseSseRequest, transportOf } from './sse-headers.js';

const MAX_KEYS = 1000;

export async function deleteObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  parseSseRequest(req.headers, 'none', transportOf(req, ctx));
  checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const { blobIds } = await ctx.meta.deleteObject(bucket.name, key, deletePrecondition(header(req.headers, 'if-match'), () => noSuchKey(req)));
  await ctx.blobs.delete(blobIds);
  // 204 whether or not the key existed, as S3 answers on an unversioned bucket (without If-Match).
  return { status: 204 };
}

export async function deleteObjects(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const raw = await readBody(req.body);
  verifyBodyDigest(req, raw);
  const doc = parseXml(raw.toString('utf8'));
  if (doc.root !== 'Delete') throw s3Error('MalformedXML');
  const objects = xmlChildren(doc.value, 'Object');
  if (objects.length === 0 || objects.length > MAX_KEYS) throw s3Error('MalformedXML');
  const quiet = (xmlText(doc.value, 'Quiet') ?? 'false').toLowerCase() === 'true';
  // S3 supports these per-object conditions on directory buckets only; refused before anything is deleted.
  for (const o of objects) {
    for (const name of ['Size', 'LastModifiedTime']) {
      if (xmlText(o, name) !== undefined) throw s3Error('NotImplemented', { message: `The ${name} condition of DeleteObjects is not implemented.` });
    }
  }
  const deleted: Array<{ Key: string }> = [];
  const errors: Array<{ Key: string; Code: string; Message: string }> = [];
  for (const o of objects) {
    const key = xmlText(o, 'Key');
    if (key === undefined) throw s3Error('MalformedXML');
    const versionId = xmlText(o, 'VersionId');
    if (versionId !== undefined && versionId !== 'null') {
      errors.push({ Key: key, Code: 'NoSuchVersion', Message: 'The specified version does not exist.' });
      continue;
    }
    if (key === '' || Buffer.byteLength(key) > 1024) {
      errors.push({ Key: key, Code: key === '' ? 'InvalidArgument' : 'KeyTooLongError', Message: key === '' ? 'Invalid key' : 'Your key is too long' });
      continue;
    }
    // Each key is its own s3:DeleteObject decision; a refused key is an <Error> entry, the others proceed.
    try {
      await ctx.authorize({ principal: req.principal, service: 's3', operation: 'DeleteObject', bucket: bucket.name, key, facts: req.facts });
    } catch (err) {
      if (!isApiError(err) || err.code !== 'AccessDenied') throw err;
      errors.push({ Key: key, Code: err.code, Message: err.message });
      continue;
    }
    let released;
    try {
      const etag = xmlText(o, 'ETag');
      released = await ctx.meta.deleteObject(bucket.name, key, deletePrecondition(etag, () => s3Error('NoSuchKey')));
    } catch (err) {
      if (!isApiError(err)) throw err;
      errors.push({ Key: key, Code: err.code, Message: err.message });
      continue;
    }
    await ctx.blobs.delete(released.blobIds);
    deleted.push({ Key: key });
  }
  const body = toXml('DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

/**
 * S3 requires Content-MD5 or an x-amz-checksum-* on DeleteObjects, and checks it. A checksum declared
 * by x-amz-trailer counts only once the trailer has arrived (the body is read by now) and matches: a
 * bare x-amz-trailer header must not let the request skip the check.
 */
function verifyBodyDigest(req: S3Request, body: Buffer): void {
  const md5 = header(req.headers, 'content-md5');
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => req.headers[checksumHeader(a)] !== undefined);
  const trailerName = header(req.headers, 'x-amz-trailer')?.trim().toLowerCase();
  const trailerAlgorithm = CHECKSUM_ALGORITHMS.find((a) => checksumHeader(a) === trailerName);
  if (md5 === undefined && algorithm === undefined && trailerAlgorithm === undefined) {
    throw s3Error('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
  }
  if (md5 !== undefined) {
    const given = Buffer.from(md5, 'base64');
    if (given.length !== 16) throw s3Error('InvalidDigest');
    if (!createHash('md5').update(body).digest().equals(given)) throw s3Error('BadDigest');
  }
  if (algorithm !== undefined) checkChecksum(algorithm, body, header(req.headers, checksumHeader(algorithm)));
  if (trailerAlgorithm !== undefined) {
    const value = req.trailers()[checksumHeader(trailerAlgorithm)];
    if (value === undefined) throw s3Error('MalformedTrailerError', { details: { TrailerHeader: checksumHeader(trailerAlgorithm) } });
    checkChecksum(trailerAlgorithm, body, value.trim());
  }
}

/**
 * Conditional delete (If-Match header, or <ETag> in a DeleteObjects entry), checked inside the delete's
 * transaction: a missing object is NoSuchKey, another ETag is PreconditionFailed, `*` matches any object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
 */
function deletePrecondition(ifMatch: string | undefined, missing: () => Error): Precondition | undefined {
  if (ifMatch === undefined) return undefined;
  return (existing) => {
    if (!existing) throw missing();
    if (!etagMatches(ifMatch, existing.etag)) throw s3Error('PreconditionFailed', { details: { Condition: 'If-Match' } });
  };
}


function checkChecksum(algorithm: ChecksumAlgorithm, body: Buffer, given: string | undefined): void {
  const h = createHasher(algorithm);
  h.update(body);
  if (h.digest() !== given) throw s3Error('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
}
