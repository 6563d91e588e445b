/** If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since → 412 or 304, with RFC 7232 precedence as S3 applies it. */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { header } from './metadata-headers.js';

export interface Validators { readonly etag: string; readonly lastModified: Date }

/** Compares an ETag list (`"a", "b"`, `*`, weak or bare) with the object's ETag. */
export function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((raw) => {
    const t = raw.trim().replace(/^W\//, '');
    return t === '*' || t.replace(/^"|"$/g, '') === etag;
  });
}

function parseDate(v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Whole seconds: HTTP dates carry no milliseconds. */
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * For GET/HEAD: If-Match beats If-Unmodified-Since, If-None-Match beats If-Modified-Since.
 * `prefix` is '' for the object itself or 'x-amz-copy-source-' for a copy source (always 412 there).
 */
export function checkConditions(headers: IncomingHttpHeaders, object: Validators, prefix = ''): void {
  const ifMatch = header(headers, `${prefix}if-match`);
  const ifNoneMatch = header(headers, `${prefix}if-none-match`);
  const ifModifiedSince = parseDate(header(headers, `${prefix}if-modified-since`));
  const ifUnmodifiedSince = parseDate(header(headers, `${prefix}if-unmodified-since`));
  if (ifMatch === undefined && ifNoneMatch === undefined && ifModifiedSince === undefined && ifUnmodifiedSince === undefined) return;
  // A 304 still names the representation it stands for (RFC 9110 §15.4.5): ETag and Last-Modified, as S3 sends them.
  // Built only when thrown: an error captures a stack trace, a cost every plain GET would otherwise pay.
  const notModified = () => prefix === ''
    ? s3Error('NotModified', { headers: { etag: `"${object.etag}"`, 'last-modified': object.lastModified.toUTCString() } })
    : s3Error('PreconditionFailed', { details: { Condition: `${prefix}If-None-Match` } });

  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, object.etag)) throw s3Error('PreconditionFailed', { details: { Condition: 'If-Match' } });
  } else if (ifUnmodifiedSince && seconds(object.lastModified) > seconds(ifUnmodifiedSince)) {
    throw s3Error('PreconditionFailed', { details: { Condition: 'If-Unmodified-Since' } });
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, object.etag)) throw notModified();
  } else if (ifModifiedSince && seconds(object.lastModified) <= seconds(ifModifiedSince)) {
    throw notModified();
  }
}
