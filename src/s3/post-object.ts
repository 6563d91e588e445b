/** POST Object: a browser form upload, authorized by its signed policy; the file is encrypted like any PUT. */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { parseXml, xmlChildren, xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import type { ObjectRecord } from '../stores/meta-store.js';
import { checksumHeader } from './checksums.js';
import { loadBucketEncryption, resolveEncryption } from './encryption-resolution.js';
import { formBoundary, parseForm } from './form-data-parser.js';
import { header, storageClass, storedHeaders, userMetadata, validateTags } from './metadata-headers.js';
import { newWriteId, quoted, requireBucket } from './object-names.js';
import { payloadChecks, writeObjectData } from './object-writer.js';
import { commitObject } from './object-commit.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { parseSseRequest, sseResponseHeaders } from './sse-headers.js';

export async function postObject(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const form = await parseForm(req.body, formBoundary(header(req.headers, 'content-type')));
  const rawKey = form.fields.get('key');
  if (rawKey === undefined) {
    throw s3Error('InvalidArgument', { message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", details: { ArgumentName: 'key' } });
  }
  const key = rawKey.replaceAll('${filename}', form.filename);
  form.fields.set('key', key);
  const policy = await ctx.postPolicy(form.fields, bucket.name);

  // The form's fields play the role of a PUT's headers.
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of form.fields) headers[name] = value;
  if (headers['content-type'] === undefined && form.fileContentType) headers['content-type'] = form.fileContentType;
  const encryption = resolveEncryption(parseSseRequest(headers, 'all'), await loadBucketEncryption(ctx.meta, bucket.name), req.secure);
  const writeId = newWriteId();
  const blob = await writeObjectData(ctx, {
    body: form.file, expectedLength: undefined, trailers: () => ({}), checks: payloadChecks(headers),
    plan: encryption.plan, binding: { bucket: bucket.name, key, writeId, partNumber: 1 },
  });
  try {
    const range = policy.contentLengthRange;
    if (range && blob.size > range[1]) throw s3Error('EntityTooLarge', { details: { ProposedSize: blob.size, MaxSizeAllowed: range[1] } });
    if (range && blob.size < range[0]) throw s3Error('EntityTooSmall', { details: { ProposedSize: blob.size, MinSizeAllowed: range[0] } });
    const now = ctx.clock.now();
    const object: ObjectRecord = {
      bucket: bucket.name, key, writeId, size: blob.size, etag: blob.md5Hex, lastModified: now,
      headers: storedHeaders(headers), userMetadata: userMetadata(headers), tags: parseTaggingXml(form.fields.get('tagging')),
      checksums: blob.checksums, checksumType: Object.keys(blob.checksums).length > 0 ? 'FULL_OBJECT' : undefined,
      encryption: encryption.info, partsCount: undefined, storageClass: storageClass(header(headers, 'x-amz-storage-class')),
      parts: [{ partNumber: 1, blobId: blob.blobId, inline: blob.inline, size: blob.size, etag: blob.md5Hex, sealedKey: blob.sealedKey, writeId, checksums: blob.checksums, lastModified: now }],
    };
    await commitObject(ctx, object);
  } catch (err) {
    await ctx.blobs.delete([blob.blobId]);
    throw err;
  }

  const location = `${req.origin}/${bucket.name}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
  const out: Record<string, string> = { etag: quoted(blob.md5Hex), location, ...sseResponseHeaders(encryption.info, true) };
  for (const [alg, value] of Object.entries(blob.checksums)) out[checksumHeader(alg as never)] = value;
  const redirect = form.fields.get('success_action_redirect') ?? form.fields.get('redirect');
  if (redirect) {
    const url = new URL(redirect);
    url.searchParams.set('bucket', bucket.name);
    url.searchParams.set('key', key);
    url.searchParams.set('etag', quoted(blob.md5Hex));
    return { status: 303, headers: { ...out, location: url.toString() } };
  }
  const status = form.fields.get('success_action_status');
  if (status === '201') {
    return {
      status: 201, headers: { ...out, 'content-type': 'application/xml' },
      body: toXml('PostResponse', { Location: location, Bucket: bucket.name, Key: key, ETag: quoted(blob.md5Hex) }, null),
    };
  }
  return { status: status === '200' ? 200 : 204, headers: out };
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
