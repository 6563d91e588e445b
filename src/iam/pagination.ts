/** IAM list paging: `MaxItems` (1–1000, default 100) and an opaque `Marker` (the last name returned), with `IsTruncated`. */
import { iamError } from '../common/api-error.js';
import type { IamRequest } from './iam-request.js';

export interface Page<T> { readonly items: T[]; readonly isTruncated: boolean; readonly marker: string | undefined }

/** Pages `all` (already in name order) by the request's MaxItems and Marker; `nameOf` gives each item's name. */
export function paginate<T>(req: IamRequest, all: readonly T[], nameOf: (item: T) => string): Page<T> {
  const rawMax = req.params.get('MaxItems');
  const max = rawMax === null ? 100 : Number(rawMax);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw iamError('ValidationError', { message: `1 validation error detected: Value '${rawMax}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000` });
  }
  const marker = req.params.get('Marker');
  let start = 0;
  if (marker !== null) {
    const after = Buffer.from(marker, 'base64url').toString('utf8');
    if (!after.startsWith('1\n') || Buffer.from(after, 'utf8').toString('base64url') !== marker) throw iamError('ValidationError', { message: 'Invalid Marker.' });
    const last = after.slice(2).toLowerCase();
    start = all.findIndex((item) => nameOf(item).toLowerCase() > last);
    if (start < 0) start = all.length;
  }
  const items = all.slice(start, start + max);
  const isTruncated = start + max < all.length;
  return { items, isTruncated, marker: isTruncated ? Buffer.from(`1\n${nameOf(items[items.length - 1]!)}`, 'utf8').toString('base64url') : undefined };
}
