/** Request headers stored with an object: x-amz-meta-*, the standard Content-* set, tags; their size limits and the characters a header may carry. */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';

/** Standard headers S3 stores and returns on GET/HEAD. */
export const STORED_HEADERS = ['content-type', 'content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires', 'x-amz-website-redirect-location'] as const;

/** User-defined metadata is limited to 2 KB: names plus values, UTF-8. */
const MAX_USER_METADATA_BYTES = 2048;

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function storedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = header(headers, name);
    if (v !== undefined) out[name] = v;
  }
  // aws-chunked is a transfer framing, not the object's encoding; S3 strips it. Any other value is kept verbatim.
  const encoding = out['content-encoding'];
  if (encoding !== undefined && encoding.split(',').some((s) => s.trim().toLowerCase() === 'aws-chunked')) {
    const rest = encoding.split(',').map((s) => s.trim()).filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
    if (rest.length === 0) delete out['content-encoding'];
    else out['content-encoding'] = rest.join(',');
  }
  return out;
}

export function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const key = name.slice('x-amz-meta-'.length);
    const v = Array.isArray(value) ? value.join(',') : value;
    out[key] = v;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(v);
  }
  if (bytes > MAX_USER_METADATA_BYTES) {
    throw s3Error('MetadataTooLarge', { details: { Size: bytes, MaxSizeAllowed: MAX_USER_METADATA_BYTES } });
  }
  return out;
}

/**
 * What HTTP (RFC 9110 field-value) and Node's `setHeader` accept in a header value: tab, visible ASCII,
 * space and obs-text (0x80–0xFF, sent as single Latin-1 bytes). CR, LF, NUL, other controls, DEL and
 * characters beyond Latin-1 are not: stored, such a value would fail every later GET with a 500.
 * DEVIATION: S3 documents no answer for every such value (its REST metadata must be US-ASCII); we refuse them all.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** An HTTP token (RFC 9110 `tchar`): what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Refuses (400 InvalidArgument, naming the argument) a value that is to become a response header but
 * cannot be one. Headers that arrived as HTTP headers already passed Node's parser; form fields and
 * query parameters did not. The value is not echoed back: it may hold the very bytes that are unsafe.
 */
export function checkHeaderValue(argumentName: string, value: string): void {
  if (!HEADER_VALUE.test(value)) {
    throw s3Error('InvalidArgument', {
      message: `${argumentName} contains characters that are not allowed in an HTTP header (CR, LF, NUL, other control characters, or characters outside ISO-8859-1).`,
      details: { ArgumentName: argumentName },
    });
  }
}

/** Refuses (400 InvalidArgument) a name that is to become a response header name but is not an HTTP token. */
export function checkHeaderName(name: string): void {
  if (!HEADER_NAME.test(name)) {
    // Echoed only when printable: a control character would make the error document itself invalid XML.
    const printable = /^[\x20-\x7e]*$/.test(name);
    throw s3Error('InvalidArgument', { message: 'A metadata name is not a valid HTTP header name.', details: printable ? { ArgumentName: name } : {} });
  }
}

/** Response headers for stored metadata. */
export function metadataResponseHeaders(headers: Readonly<Record<string, string>>, meta: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...headers };
  for (const [k, v] of Object.entries(meta)) out[`x-amz-meta-${k}`] = v;
  return out;
}

const MAX_TAGS = 10;

/** Validates a tag set as S3 does: ≤ 10 tags, key 1–128 chars, value ≤ 256, unique keys. */
export function validateTags(tags: ReadonlyArray<readonly [string, string]>): void {
  if (tags.length > MAX_TAGS) throw s3Error('BadRequest', { message: 'Object tags cannot be greater than 10' });
  validateTagPairs(tags);
}

/** Each key 1–128 characters, each value at most 256, no key twice: the rules object and bucket tags share. */
export function validateTagPairs(tags: ReadonlyArray<readonly [string, string]>): void {
  const seen = new Set<string>();
  for (const [k, v] of tags) {
    if (k.length === 0 || k.length > 128) throw s3Error('InvalidTag', { message: 'The TagKey you have provided is invalid' });
    if (v.length > 256) throw s3Error('InvalidTag', { message: 'The TagValue you have provided is invalid' });
    if (seen.has(k)) throw s3Error('InvalidTag', { message: 'Cannot provide multiple Tags with the same key' });
    seen.add(k);
  }
}

/** The x-amz-tagging header: URL-encoded key=value pairs. */
export function parseTaggingHeader(value: string | undefined): Array<[string, string]> {
  if (value === undefined || value === '') return [];
  const tags = [...new URLSearchParams(value).entries()];
  validateTags(tags);
  return tags;
}

const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR', 'OUTPOSTS', 'SNOW', 'EXPRESS_ONEZONE']);

/** Storage classes are accepted and reported; all data lives in the same place. */
export function storageClass(value: string | undefined): string {
  if (value === undefined) return 'STANDARD';
  if (!STORAGE_CLASSES.has(value)) throw s3Error('InvalidStorageClass', { details: { StorageClassRequested: value } });
  return value;
}
