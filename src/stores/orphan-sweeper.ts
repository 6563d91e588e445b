/** Deletes blobs that no metadata row references: leftovers of writes interrupted between blob and metadata switch, and releases that failed. */
import type { BlobStore } from './blob-store.js';
import type { MetaStore } from './meta-store.js';

const BATCH = 500;

export interface SweepResult {
  readonly temporary: number;
  readonly orphans: number;
  /** Orphans that could not be deleted (left for the next start); never a reason not to serve. */
  readonly undeletable: readonly string[];
}

/** Run at start, before serving: a blob written by an in-flight request would look orphaned. */
export async function sweepOrphans(meta: MetaStore, blobs: BlobStore): Promise<SweepResult> {
  const temporary = await blobs.sweepTemporary();
  let orphans = 0;
  const undeletable: string[] = [];
  let batch: string[] = [];
  const flush = async () => {
    const referenced = await meta.referencedBlobIds(batch);
    const dead = batch.filter((id) => !referenced.has(id));
    try {
      await blobs.delete(dead);
      orphans += dead.length;
    } catch {
      // One by one, to tell which ones resist (e.g. replaced by a directory, or on a failing disk).
      for (const id of dead) {
        try {
          await blobs.delete([id]);
          orphans++;
        } catch {
          undeletable.push(id);
        }
      }
    }
    batch = [];
  };
  for await (const id of blobs.list()) {
    batch.push(id);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return { temporary, orphans, undeletable };
}
