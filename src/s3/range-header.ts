/** The Range header → an inclusive byte range, or InvalidRange (416) with `Content-Range: bytes * /size`. */
import { s3Error } from '../common/api-error.js';
import type { ByteRange } from './object-reader.js';

/**
 * Parses `bytes=a-b`, `bytes=a-` and `bytes=-n` against an object size. Like S3, a syntactically
 * invalid header or several ranges are ignored (the whole object is returned), while a well-formed
 * range that starts past the end is 416.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const first = m[1] === '' ? undefined : Number(m[1]);
  const last = m[2] === '' ? undefined : Number(m[2]);
  if (first === undefined) {
    // Suffix range: the last n bytes.
    if (last === 0 || size === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - last!), end: size - 1 };
  }
  if (last !== undefined && last < first) return undefined;
  if (first >= size) throw unsatisfiable(size);
  return { start: first, end: Math.min(last ?? size - 1, size - 1) };
}

function unsatisfiable(size: number) {
  return s3Error('InvalidRange', { headers: { 'content-range': `bytes */${size}` }, details: { RangeRequested: '', ActualObjectSize: size } });
}
