/** Blob release that waits for readers and never fails a committed write: per-blob lease counts, deferred and best-effort deletes. */
import type { Readable } from 'node:stream';
import type { BlobReader, BlobStore, LeasingBlobStore } from './blob-store.js';

type Log = (message: string, fields?: Record<string, unknown>) => void;

/**
 * Wraps a BlobStore for the serving process. In-process only: with several nodes sharing one blob store,
 * a node cannot see another node's readers, so such a deployment needs a deferred-release grace period
 * instead (docs/ARCHITECTURE.md, "Reads that survive overwrites").
 */
export class LeasedBlobStore implements LeasingBlobStore {
  /** Blob id → number of reads holding it. */
  readonly #held = new Map<string, number>();
  /** Held blobs whose delete was asked for: deleted when their count drops to zero. */
  readonly #doomed = new Set<string>();

  constructor(private readonly inner: BlobStore, private readonly log: Log) {}

  write(source: Readable): Promise<{ id: string; size: number }> {
    return this.inner.write(source);
  }

  read(id: string, range?: { start: number; end: number }): Promise<Readable> {
    return this.inner.read(id, range);
  }

  openReader(id: string): Promise<BlobReader> {
    return this.inner.openReader(id);
  }

  lease(ids: readonly string[]): () => void {
    const held = ids.filter((id) => id !== '');
    for (const id of held) this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const free: string[] = [];
      for (const id of held) {
        const n = (this.#held.get(id) ?? 1) - 1;
        if (n > 0) { this.#held.set(id, n); continue; }
        this.#held.delete(id);
        if (this.#doomed.delete(id)) free.push(id);
      }
      if (free.length > 0) void this.#deleteNow(free);
    };
  }

  /** Deletes now what no read holds, later what one does; resolves without error either way. */
  async delete(ids: readonly string[]): Promise<void> {
    const now: string[] = [];
    for (const id of ids) {
      if (id === '') continue;
      if (this.#held.has(id)) this.#doomed.add(id);
      else now.push(id);
    }
    await this.#deleteNow(now);
  }

  list(): AsyncIterable<string> {
    return this.inner.list();
  }

  sweepTemporary(): Promise<number> {
    return this.inner.sweepTemporary();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async #deleteNow(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.inner.delete(ids);
    } catch (err) {
      // The metadata no longer references these blobs: the write that released them has committed and
      // must be answered as such. The orphan sweeper removes what is left at the next start.
      this.log('blob release failed; left to the orphan sweeper', { blobIds: ids, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
