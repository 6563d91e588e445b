/** The sync barrier of the metadata WAL: fdatasync of `meta.sqlite-wal` on the libuv thread pool, one for every commit made meanwhile. */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The group commit writes its WAL frames with synchronous=NORMAL (no fsync inside COMMIT, so the event
 * loop does not block for it) and then asks this barrier before it acknowledges anything.
 *
 * `sync()` resolves once everything written to the WAL before the call is on stable storage. fdatasync
 * applies to the inode, whichever descriptor calls it, so this module's own descriptor covers SQLite's
 * writes. At most one fdatasync runs at a time: a call made while one runs waits for the next, which
 * then covers every commit made in the meantime (one sync for all of them).
 *
 * The first barrier also fsyncs the data directory once, so the WAL file's own directory entry is
 * durable (SQLite fsyncs it when it first syncs a fresh WAL; this does not depend on that).
 *
 * A failed fdatasync poisons the barrier: after an fsync error the kernel may have dropped the dirty
 * pages and a retry can report success for data that never reached the disk, so every later `sync()`
 * fails too and nothing more is acknowledged (the server must be restarted; SQLite's recovery then
 * reads what the WAL really holds).
 */
export class WalSync {
  readonly #walPath: string;
  #handle: Promise<FileHandle> | undefined;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #failed: unknown;

  constructor(walPath: string) { this.#walPath = walPath; }

  sync(): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    // A queued sync has not started yet, so it will cover the caller's commit.
    if (this.#queued !== undefined) return this.#queued;
    if (this.#running === undefined) return this.#start();
    // One is running; it may have started before the caller's commit was written, so wait for the next.
    this.#queued = this.#running.then(() => this.#startQueued(), () => this.#startQueued());
    return this.#queued;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await Promise.allSettled([this.#running, this.#queued]);
    // A WAL that never opened has nothing to close (its error went to the callers of sync()).
    if (handle) await handle.then((h) => h.close(), () => undefined);
  }

  #startQueued(): Promise<void> {
    this.#queued = undefined;
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return this.#start();
  }

  #start(): Promise<void> {
    const run = this.#fdatasync().then(
      () => { if (this.#running === run) this.#running = undefined; },
      (error: unknown) => {
        this.#failed ??= error;
        if (this.#running === run) this.#running = undefined;
        throw error;
      },
    );
    this.#running = run;
    return run;
  }

  async #fdatasync(): Promise<void> {
    this.#handle ??= this.#openOnce();
    await (await this.#handle).datasync();
  }

  /** Opens the WAL (it exists: SQLite has just committed into it) and makes its directory entry durable. */
  async #openOnce(): Promise<FileHandle> {
    const handle = await open(this.#walPath, 'r');
    const dir = await open(dirname(this.#walPath), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return handle;
  }
}
