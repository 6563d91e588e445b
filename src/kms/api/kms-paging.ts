/** Limit/Marker/Truncated/NextMarker paging of the KMS List* operations, as KMS pages them: an opaque marker that only this operation accepts. */
import { kmsError } from '../../common/api-error.js';
import { optionalInteger, optionalString, type KmsInput } from './kms-shapes.js';

export interface PageRule {
  /** The operation's name, bound into its markers so one operation's marker is refused by another. */
  readonly operation: string;
  /** The documented default and largest page (the Limit shape itself allows 1–1000; above the operation's largest page KMS returns fewer). */
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

export interface Page<T> { readonly items: T[]; readonly Truncated: boolean; readonly NextMarker?: string }

const encodeMarker = (operation: string, after: string) => Buffer.from(JSON.stringify({ o: operation, a: after })).toString('base64url');

/** The sort key after which the page starts, or a thrown InvalidMarkerException for a marker this operation did not give out. */
function decodeMarker(operation: string, marker: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { o?: unknown; a?: unknown };
    if (/^[A-Za-z0-9_-]+$/.test(marker) && parsed.o === operation && typeof parsed.a === 'string') return parsed.a;
  } catch { /* not our marker: answered below */ }
  throw kmsError('InvalidMarkerException', { message: 'Invalid marker' });
}

/**
 * One page of `all`, in the order of `sortKey` (a unique, stable string per item); the marker names the last
 * item given, so a page resumes correctly even when items were added or removed in between.
 */
export function pageOf<T>(input: KmsInput, all: readonly T[], sortKey: (item: T, index: number) => string, rule: PageRule): Page<T> {
  const limit = Math.min(optionalInteger(input, 'Limit', 1, 1000) ?? rule.defaultLimit, rule.maxLimit);
  const marker = optionalString(input, 'Marker', 1024);
  if (marker !== undefined && marker.length < 1) {
    throw kmsError('ValidationException', { message: "1 validation error detected: Value '' at 'marker' failed to satisfy constraint: Member must have length greater than or equal to 1" });
  }
  const keyed = all.map((item, i) => ({ item, key: sortKey(item, i) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const after = marker === undefined ? undefined : decodeMarker(rule.operation, marker);
  const rest = after === undefined ? keyed : keyed.filter((k) => k.key > after);
  const page = rest.slice(0, limit);
  if (rest.length <= limit) return { items: page.map((k) => k.item), Truncated: false };
  return { items: page.map((k) => k.item), Truncated: true, NextMarker: encodeMarker(rule.operation, page[page.length - 1]!.key) };
}
