/** The delimiter roll-up over sorted key pages: keys and CommonPrefixes up to max-keys, skipping whole prefixes in one step. */
import { prefixUpperBound } from '../common/key-order.js';
import type { ListPage } from '../stores/meta-store.js';

export interface WalkEntry<T> { readonly kind: 'object'; readonly key: string; readonly item: T }
export interface WalkPrefix { readonly kind: 'prefix'; readonly key: string }

export interface WalkResult<T> {
  readonly entries: Array<WalkEntry<T> | WalkPrefix>;
  readonly truncated: boolean;
  /** The last key or common prefix returned (the next page starts after it). */
  readonly last: string | undefined;
}

/**
 * Fetches items (sorted by key) starting after `startAfter` or at `startAt`. When a page was cut inside a
 * key, `afterItem` is its last item: a listing with several items per key (versions) resumes after it.
 */
export type PageFetcher<T> = (from: { startAfter?: string; startAt?: string; afterItem?: T & { key: string } }, limit: number) => Promise<ListPage<T & { key: string }>>;

/**
 * Walks keys under `prefix` after `startAfter`, rolling keys that contain `delimiter` past the prefix
 * into common prefixes. After a common prefix P the scan resumes at the least key above every key that
 * starts with P, so a prefix with a million keys costs one query, not a million rows. `maxKeys` counts
 * keys and common prefixes together, as S3 does.
 */
export async function walkKeys<T>(fetch: PageFetcher<T>, o: { prefix: string; delimiter: string; startAfter: string; maxKeys: number }): Promise<WalkResult<T>> {
  const entries: Array<WalkEntry<T> | WalkPrefix> = [];
  let from: Parameters<PageFetcher<T>>[0] = o.startAfter !== '' ? { startAfter: o.startAfter } : {};
  // A start-after inside a common prefix must not repeat that prefix.
  if (o.delimiter !== '' && o.startAfter.startsWith(o.prefix)) {
    const cut = o.startAfter.indexOf(o.delimiter, o.prefix.length);
    if (cut >= 0) {
      const common = o.startAfter.slice(0, cut + o.delimiter.length);
      const above = prefixUpperBound(common);
      if (above === undefined) return { entries, truncated: false, last: undefined };
      from = { startAt: above };
    }
  }
  if (o.maxKeys === 0) return { entries, truncated: false, last: undefined };
  for (;;) {
    const page = await fetch(from, Math.min(1000, o.maxKeys - entries.length + 1));
    let skipped = false;
    for (const item of page.items) {
      const cut = o.delimiter === '' ? -1 : item.key.indexOf(o.delimiter, o.prefix.length);
      const entry: WalkEntry<T> | WalkPrefix = cut < 0
        ? { kind: 'object', key: item.key, item }
        : { kind: 'prefix', key: item.key.slice(0, cut + o.delimiter.length) };
      if (entries.length === o.maxKeys) return { entries, truncated: true, last: entries[entries.length - 1]?.key };
      entries.push(entry);
      if (entry.kind === 'prefix') {
        const above = prefixUpperBound(entry.key);
        if (above === undefined) return { entries, truncated: false, last: entry.key };
        from = { startAt: above };
        skipped = true;
        break;
      }
    }
    if (!skipped) {
      if (!page.truncated) return { entries, truncated: false, last: entries[entries.length - 1]?.key };
      const lastItem = page.items[page.items.length - 1]!;
      from = { startAfter: lastItem.key, afterItem: lastItem };
    }
  }
}

/**
 * The XML elements of a walk: each object through `element`, each common prefix as `{ Prefix }`, both
 * with keys passed through `encode` (encoding-type=url).
 */
export function listingElements<T, E>(result: WalkResult<T>, encode: (s: string) => string, element: (item: T, key: string) => E): { items: E[]; prefixes: Array<{ Prefix: string }> } {
  const items: E[] = [];
  const prefixes: Array<{ Prefix: string }> = [];
  for (const e of result.entries) {
    if (e.kind === 'prefix') prefixes.push({ Prefix: encode(e.key) });
    else items.push(element(e.item, encode(e.key)));
  }
  return { items, prefixes };
}
