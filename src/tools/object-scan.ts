/** Iterates every object (with its parts) of the store or of one bucket, page by page, for the offline commands. */
import type { MetaStore, ObjectRecord } from '../stores/meta-store.js';

export async function* scanObjects(meta: MetaStore, bucket?: string, pageSize = 200): AsyncGenerator<ObjectRecord> {
  let after: string | undefined;
  for (;;) {
    const page = await meta.scanObjectParts({ bucket, after, limit: pageSize });
    for (const item of page.items) yield item.object;
    if (!page.truncated || page.items.length === 0) return;
    after = page.items[page.items.length - 1]!.cursor;
  }
}

/** How many objects a scan will visit (for the progress bar). */
export async function countObjects(meta: MetaStore, bucket?: string): Promise<number> {
  let n = 0;
  for await (const _ of scanObjects(meta, bucket, 1000)) n++;
  return n;
}
