/** BlobStore: opaque ciphertext blobs, written once, read by range, deleted after their metadata row lets go of them. */
import type { Readable } from 'node:stream';

export interface BlobStore {
  /**
   * Writes a new blob from `source` and makes it durable before resolving. On a source error the
   * partial blob is removed and the promise rejects with that error. Never overwrites a blob.
   */
  write(source: Readable): Promise<{ id: string; size: number }>;
  /** Opens bytes [start..end] (inclusive) of a blob; rejects when the blob does not exist. */
  read(id: string, range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Opens a blob for positioned reads into the caller's buffers (the serving GET path: one reused buffer
   * per read, no stream). Rejects when the blob does not exist; `close()` releases the file at once.
   */
  openReader(id: string): Promise<BlobReader>;
  /** Deletes blobs; missing ones, and '' (the id of an inline part), are ignored. */
  delete(ids: readonly string[]): Promise<void>;
  /** Every blob id (for the orphan sweeper) and unfinished temporary writes are removed by `sweepTemporary`. */
  list(): AsyncIterable<string>;
  /** Removes leftovers of writes interrupted by a crash. Only safe while no write is in flight (at start). */
  sweepTemporary(): Promise<number>;
  close(): Promise<void>;
}

export interface BlobReader {
  /** Reads up to `length` bytes at `position` into `into` from offset 0; fewer only at the end of the blob. */
  read(into: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A BlobStore whose deletes wait for reads in flight (stores/blob-leases.ts): a read leases the blobs of
 * the version it started on, and a delete of a leased blob happens when the last lease ends. Deletes are
 * best effort: a failure is logged and the blob left to the orphan sweeper, never reported to the caller.
 */
export interface LeasingBlobStore extends BlobStore {
  /** Holds `ids` until the returned function is called (calling it again does nothing). */
  lease(ids: readonly string[]): () => void;
}
