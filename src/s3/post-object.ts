/** POST Object: a browser form upload, authorized by its signed policy; the file is encrypted like any PUT. */
import { newObjectAcl } from './acl-state.js';
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { parseXml, xmlChildren, xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import type { ObjectRecord } from '../stores/meta-store.js';
import { checksumHeader } from './checksums.js';
import { contextRequested, loadBucketEncryption, resolveEncryption, sseApplied, withKmsKeyArn } from './encryption-resolution.js';
import { formBoundary, parseForm, type ParsedForm } from './form-data-parser.js';
import { checkHeaderName, checkHeaderValue, header, storageClass, storedHeaders, userMetadata, validateTags } from './metadata-headers.js';
import { checkKeyLength, newWriteId, quoted, requireBucket } from './object-names.js';
import { payloadChecks, writeObjectData } from './object-writer.js';
import { commitObject } from './object-commit.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { customerKeyMd5, parseSseRequest, sseResponseHeaders, transportOf } from './sse-headers.js';
import { assertSseCAllowed, requestsSseC } from './sse-c-block.js';
import { versioningOf } from './versioning.js';
import { explicitLock, lockGuard, withDefaultRetention } from './object-lock.js';

/** Keys are at most 1,024 bytes of UTF-8: the bound edge/pipeline.ts applies to keys in a request path. */

export async function postObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const form = await parseForm(req.body, formBoundary(header(req.headers, 'content-type')), req.contentLength);
  try {
    return await storeUpload(req, ctx, bucket.name, form);
  } finally {
    // Whatever happened, the request body is handed back to the edge undestroyed, so it can answer.
    form.release();
  }
}

async function storeUpload(req: S3Request, ctx: S3Context, bucket: string, form: ParsedForm): Promise<S3Response> {
  const key = formKey(form);
  const policy = await ctx.postPolicy(form.fields, bucket);
  const headers = formHeaders(form);
  // The form's signer is known only now: the edge let the POST through to here, this authorizes it. The form's
  // fields are its headers for condition keys (x-amz-server-side-encryption, acl as x-amz-acl).
  await ctx.authorize({
    principal: policy.principal, service: 's3', operation: 'PutObject', bucket, key,
    facts: {
      ...req.facts, headers: { ...headers, 'x-amz-acl': form.fields.get('acl'), 'x-amz-content-sha256': undefined },
      authType: 'POST', signatureVersion: form.fields.has('x-amz-algorithm') ? 'AWS4-HMAC-SHA256' : 'AWS',
    },
  });

  // Everything the form asks for is checked before a byte of the file is stored.
  if (requestsSseC(headers)) await assertSseCAllowed(ctx.meta, bucket);
  const sse = parseSseRequest(headers, 'all', transportOf(req, ctx));
  // The form's own signature is what SSE-KMS's SigV4 requirement reads.
  const signedV4OrTls = req.secure || form.fields.has('x-amz-algorithm');
  const encryption = resolveEncryption(sse, await loadBucketEncryption(ctx.meta, bucket), ctx.envelope, { bucket, key, signedV4OrTls });
  const checks = payloadChecks(headers);
  const stored = storedHeaders(headers);
  for (const [name, value] of Object.entries(stored)) checkHeaderValue(name, value);
  const meta = userMetadata(headers);
  for (const [name, value] of Object.entries(meta)) {
    checkHeaderName(`x-amz-meta-${name}`);
    checkHeaderValue(`x-amz-meta-${name}`, value);
  }
  const tags = parseTaggingXml(form.fields.get('tagging'));
  const storage = storageClass(header(headers, 'x-amz-storage-class'));
  const redirect = successRedirect(form.fields);
  const aclField = form.fields.get('acl');
  const bucketRecord = await ctx.meta.getBucket(bucket);
  const acl = bucketRecord === undefined ? undefined : await newObjectAcl(ctx, { headers: aclField === undefined ? {} : { 'x-amz-acl': aclField }, principal: policy.principal }, bucketRecord);
  // The x-amz-object-lock-* fields are held to the rules of the headers of the same names (Content-MD5 or a checksum field too).
  const lockTime = ctx.clock.now();
  const lock = bucketRecord === undefined ? {} : withDefaultRetention(explicitLock(headers, bucketRecord, lockTime, true), bucketRecord, lockTime);
  const guard = await lockGuard(req, ctx, bucket, key);

  const writeId = newWriteId();
  // content-length-range is enforced by the file stream itself: an oversized file fails at its first
  // chunk past the maximum, so at most the maximum plus one chunk ever reaches the blob store (then deleted).
  const blob = await writeObjectData(ctx, {
    body: form.file(policy.contentLengthRange), expectedLength: undefined, trailers: () => ({}), checks,
    plan: encryption.plan, binding: { bucket, key, writeId, partNumber: 1 }, caller: { principal: policy.principal, requestId: req.requestId },
  });
  let version: Record<string, string> = {};
  const info = withKmsKeyArn(encryption.info, blob.kmsKeyArn);
  try {
    const now = ctx.clock.now();
    const object: ObjectRecord = {
      bucket, key, writeId, size: blob.size, etag: blob.etag, lastModified: now,
      headers: stored, userMetadata: meta, tags,
      checksums: blob.checksums, checksumType: Object.keys(blob.checksums).length > 0 ? 'FULL_OBJECT' : undefined,
      encryption: info, partsCount: undefined, storageClass: storage, acl, ...lock,
      parts: [{ partNumber: 1, blobId: blob.blobId, inline: blob.inline, size: blob.size, etag: blob.etag, sealedKey: blob.sealedKey, writeId, checksums: blob.checksums, lastModified: now }],
    };
    version = await commitObject(ctx, object, versioningOf(bucketRecord ?? {}), undefined, guard);
  } catch (err) {
    await ctx.blobs.delete([blob.blobId]);
    throw err;
  }

  const location = `${req.origin}/${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
  const out: Record<string, string> = { etag: quoted(blob.etag), location, ...sseResponseHeaders(info, contextRequested(sse), customerKeyMd5(sse)), ...version };
  for (const [alg, value] of Object.entries(blob.checksums)) out[checksumHeader(alg as never)] = value;
  const audit = { sseApplied: sseApplied(info, encryption.defaultApplied) };
  if (redirect) {
    redirect.searchParams.set('bucket', bucket);
    redirect.searchParams.set('key', key);
    redirect.searchParams.set('etag', quoted(blob.etag));
    return { status: 303, headers: { ...out, location: redirect.toString() }, audit };
  }
  const status = form.fields.get('success_action_status');
  if (status === '201') {
    return {
      status: 201, headers: { ...out, 'content-type': 'application/xml' }, audit,
      body: toXml('PostResponse', { Location: location, Bucket: bucket, Key: key, ETag: quoted(blob.etag) }, null),
    };
  }
  return { status: status === '200' ? 200 : 204, headers: out, audit };
}

/**
 * The object key: the `key` field with ${filename} expanded to the client's file name (only what follows
 * its last slash or backslash, AWS "HTML form fields"), then held to PUT's rules. The expanded key replaces
 * the field, since policy conditions match expanded values.
 */
function formKey(form: ParsedForm): string {
  const raw = form.fields.get('key');
  if (raw === undefined) {
    throw s3Error('InvalidArgument', { message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", details: { ArgumentName: 'key' } });
  }
  const filename = form.filename.slice(Math.max(form.filename.lastIndexOf('/'), form.filename.lastIndexOf('\\')) + 1);
  const key = raw.replaceAll('${filename}', filename);
  if (key === '') throw s3Error('InvalidArgument', { message: 'User key must have a length greater than 0.', details: { ArgumentName: 'key', ArgumentValue: '' } });
  checkKeyLength(key);
  form.fields.set('key', key);
  return key;
}

/** The form's fields play the role of a PUT's headers; the file part's Content-Type is the default type. */
function formHeaders(form: ParsedForm): IncomingHttpHeaders {
  // No prototype: a field named __proto__ is then just a field.
  const headers = Object.create(null) as IncomingHttpHeaders;
  for (const [name, value] of form.fields) headers[name] = value;
  if (headers['content-type'] === undefined && form.fileContentType) headers['content-type'] = form.fileContentType;
  return headers;
}

/**
 * The success_action_redirect (or deprecated redirect) target, decided before the write: an absolute
 * http(s) URL without whitespace or control characters. "If Amazon S3 cannot interpret the URL, it
 * ignores the success_action_redirect field" (AWS, HTML form fields): undefined then, as when absent.
 */
function successRedirect(fields: ReadonlyMap<string, string>): URL | undefined {
  const raw = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (!raw || !/^[^\x00-\x20\x7f]+$/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/** The `tagging` form field is a Tagging XML document. */
function parseTaggingXml(text: string | undefined): Array<[string, string]> {
  if (text === undefined || text === '') return [];
  const doc = parseXml(text);
  if (doc.root !== 'Tagging') throw s3Error('MalformedXML');
  const tags = xmlChildren(xmlChildren(doc.value, 'TagSet')[0], 'Tag').map((t): [string, string] => [xmlText(t, 'Key') ?? '', xmlText(t, 'Value') ?? '']);
  validateTags(tags);
  return tags;
}
