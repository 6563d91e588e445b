/** Deletes blobs that no metadata row references: leftovers of writes interrupted between blob and metadata switch. */
import type { BlobStore } from './blob-store.js';
import type { MetaStore } from './meta-store.js';

const BATCH = 500;

/** Run at start, before serving: a blob written by an in-flight request would look orphaned. */
export async function sweepOrphans(meta: MetaStore, blobs: BlobStore): Promise<{ temporary: number; orphans: number }> {
  const temporary = await blobs.sweepTemporary();
  let orphans = 0;
  let batch: string[] = [];
  const flush = async () => {
    const referenced = await meta.referencedBlobIds(batch);
    const dead = batch.filter((id) => !referenced.has(id));
    await blobs.delete(dead);
    orphans += dead.length;
    batch = [];
  };
  for await (const id of blobs.list()) {
    batch.push(id);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return { temporary, orphans };
}
