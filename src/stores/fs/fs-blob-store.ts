/** BlobStore in a local directory: temp file → (fsync ‖ rename → fsync dir), so a blob the metadata references is whole and durable. */
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BufferPool } from '../../common/buffer-pool.js';
import type { BlobReader, BlobStore } from '../blob-store.js';
import { blobPath, blobShard, isBlobId, newBlobId } from './blob-paths.js';

/** Writes are gathered into batches this large: each fs call costs a thread-pool round trip. */
const WRITE_BATCH = 1 << 20;
/** A blob this large gets a datasync started beside the writes after each such stretch. */
const EARLY_SYNC = 8 << 20;
/** Directories are owner-only; blob files are created 0600 (a umask can only narrow that). */
const PRIVATE_DIR = 0o700;

/** Reads are smaller: many GETs stream at once, and each holds about one chunk in flight. */
const READ_CHUNK = 256 * 1024;

export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;
  /** Set once every shard directory exists and the blob root is synced (#makeAllShards). */
  #shardsMade = false;
  /** The one-time making of every shard, shared by the writes that wait for it. */
  #allShards: Promise<void> | undefined;

  private constructor(root: string) {
    this.#root = root;
    this.#tmp = join(root, '.tmp');
  }

  static async open(root: string): Promise<FsBlobStore> {
    const store = new FsBlobStore(root);
    await mkdir(store.#tmp, { recursive: true, mode: PRIVATE_DIR });
    // Owner-only whatever the umask (mkdir's mode is narrowed by it, and an older version made them 0755).
    await chmodPrivate(root);
    await chmodPrivate(store.#tmp);
    return store;
  }

  async write(source: Readable): Promise<{ id: string; size: number }> {
    const id = newBlobId();
    const tmpPath = join(this.#tmp, id);
    const handle = await open(tmpPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    let size = 0;
    try {
      size = await writeFrom(source, handle);
    } catch (err) {
      // A failed or abandoned write (source error, client gone, ENOSPC) leaves no temp file behind.
      await handle.close().catch(() => undefined);
      await unlink(tmpPath).catch(() => undefined);
      throw err;
    }
    // The data's fsync and the directory entry's (rename into the shard, then the shard's fsync) run at
    // once: a lone 1 MiB PUT waited for one after the other. The caller commits the metadata only after
    // both, so a blob is referenced only once its bytes and its name are durable; a crash in between
    // leaves at most an unreferenced blob, which the start-up sweep deletes (docs/ARCHITECTURE.md,
    // "Atomic replace").
    const shard = blobShard(this.#root, id);
    const finalPath = blobPath(this.#root, id);
    let renamed = false;
    const entry = async () => {
      await this.#ensureShards();
      await rename(tmpPath, finalPath);
      renamed = true;
      await fsyncDir(shard);
    };
    const [data, named] = await Promise.allSettled([handle.sync(), entry()]);
    const closed = await handle.close().then(() => undefined, (err: unknown) => err);
    const failure = data.status === 'rejected' ? data.reason : named.status === 'rejected' ? named.reason : closed;
    if (failure !== undefined) {
      await unlink(renamed ? finalPath : tmpPath).catch(() => undefined);
      throw failure;
    }
    return { id, size };
  }

  async read(id: string, range?: { start: number; end: number }): Promise<Readable> {
    // Open first so a missing blob rejects here, before any response header is sent.
    const handle = await open(blobPath(this.#root, id), 'r');
    return handle.createReadStream({ start: range?.start, end: range?.end, highWaterMark: READ_CHUNK });
  }

  async openReader(id: string): Promise<BlobReader> {
    const handle = await open(blobPath(this.#root, id), 'r');
    return {
      async read(into, length, position) {
        // A regular file returns fewer bytes than asked only at its end; loop anyway (signals, NFS).
        let got = 0;
        while (got < length) {
          const { bytesRead } = await handle.read(into, got, length - got, position + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got;
      },
      close: () => handle.close(),
    };
  }

  async delete(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.filter((id) => id !== '').map((id) => unlink(blobPath(this.#root, id)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    })));
  }

  async *list(): AsyncIterable<string> {
    for (const shard of await readdir(this.#root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.#root, shard))) if (isBlobId(name)) yield name;
    }
  }

  async sweepTemporary(): Promise<number> {
    const names = await readdir(this.#tmp);
    await Promise.all(names.map((n) => rm(join(this.#tmp, n), { force: true })));
    return names.length;
  }

  async close(): Promise<void> {}

  async #ensureShards(): Promise<void> {
    if (this.#shardsMade) return;
    this.#allShards ??= this.#makeAllShards().catch((err: unknown) => { this.#allShards = undefined; throw err; });
    await this.#allShards;
  }

  /**
   * On the process's first blob write: every shard directory made (where missing) and made durable by one fsync
   * of the blob root. A fresh process otherwise paid a root fsync for each shard it touched first (up to 256,
   * on the path of those PUTs); the fsync also covers shards an earlier process made and may not have synced.
   */
  async #makeAllShards(): Promise<void> {
    const shards = Array.from({ length: 256 }, (_, i) => join(this.#root, i.toString(16).padStart(2, '0')));
    await Promise.all(shards.map(async (dir) => {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
      await chmodPrivate(dir);
    }));
    await fsyncDir(this.#root);
    this.#shardsMade = true;
  }
}

/**
 * Blob writes go through one reused 1 MiB buffer per write in progress: the
 * stream's chunks (crypto output, a fresh buffer per package) are copied in as they arrive and die at
 * once. Holding them until their writev finished kept a MiB or two of them alive per PUT — long enough,
 * at 16 concurrent PUTs, for scavenges to promote them to the old generation, where only full GCs free
 * them (docs/PERFORMANCE.md, "Issue 9, sixth pass"). The copy costs ~0.1 ms per MiB. At most 4 spares
 * (4 MiB) stay resident between bursts; more concurrent writes take fresh ones.
 */
const writeBuffers = new BufferPool(WRITE_BATCH, 4);

/**
 * Writes a stream's chunks in WRITE_BATCH writes from a reused buffer. Chunks are taken one by one from
 * 'data' events (an async iterator's read() would Buffer.concat what is buffered first); the source is
 * paused while a write is in flight, and a chunk that arrives meanwhile waits for the buffer.
 */
function writeFrom(source: Readable, handle: import('node:fs/promises').FileHandle): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer: Buffer | undefined = writeBuffers.take(WRITE_BATCH);
    let filled = 0;
    /** Chunks (or a chunk's rest) not yet copied: only while a write is in flight or the buffer is full. */
    const waiting: Buffer[] = [];
    let size = 0;
    let ended = false;
    let writing = false;
    let failed = false;
    const syncs: Array<Promise<void>> = [];
    const giveBack = () => {
      if (buffer) writeBuffers.give(buffer);
      buffer = undefined;
    };
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      source.off('data', onData);
      source.destroy();
      // A write in flight still reads the buffer: flush() gives it back when that write settles.
      if (!writing) giveBack();
      reject(err);
    };
    /** Copies waiting chunks into the buffer; true when it is full. */
    const absorb = (): boolean => {
      const into = buffer!;
      while (waiting.length > 0 && filled < into.length) {
        const chunk = waiting[0]!;
        const n = Math.min(chunk.length, into.length - filled);
        chunk.copy(into, filled, 0, n);
        filled += n;
        if (n === chunk.length) waiting.shift();
        else waiting[0] = chunk.subarray(n);
      }
      return filled === into.length;
    };
    const flush = async () => {
      writing = true;
      source.pause();
      try {
        while (!failed && (filled === buffer!.length || (ended && filled > 0))) {
          const bytes = filled;
          await writeAll(handle, [buffer!.subarray(0, bytes)]);
          filled = 0;
          size += bytes;
          // Start the disk early: every EARLY_SYNC bytes a datasync runs beside the next writes, so
          // the final fsync only waits for the tail instead of the whole blob (large PUTs at c1).
          if (Math.floor(size / EARLY_SYNC) > Math.floor((size - bytes) / EARLY_SYNC)) {
            const early = handle.datasync();
            early.catch(() => undefined);
            syncs.push(early);
          }
          absorb();
        }
      } catch (err) {
        writing = false;
        fail(err);
      } finally {
        writing = false;
      }
      if (failed) {
        giveBack();
        return;
      }
      if (ended) {
        giveBack();
        Promise.all(syncs).then(() => resolve(size), fail);
      } else {
        source.resume();
      }
    };
    const onData = (chunk: Buffer) => {
      waiting.push(chunk);
      if (!writing && absorb()) void flush();
    };
    // The source may have failed (a refused body) while the temp file was being opened: it emits
    // nothing more, so waiting for its events would hang the request and keep the temp file.
    if (source.destroyed) {
      giveBack();
      reject(source.errored ?? new Error('blob source closed before its end'));
      return;
    }
    source.on('data', onData);
    source.once('error', fail);
    // A stream destroyed before its end (client gone, a failed digest upstream) must fail the write.
    source.once('close', () => { if (!ended) fail(new Error('blob source closed before its end')); });
    source.once('end', () => {
      ended = true;
      if (!writing) void flush();
    });
  });
}

async function writeAll(handle: import('node:fs/promises').FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending);
    pending = dropWritten(pending, bytesWritten);
  }
}

function dropWritten(buffers: Buffer[], written: number): Buffer[] {
  const rest: Buffer[] = [];
  for (const b of buffers) {
    if (written >= b.length) { written -= b.length; continue; }
    rest.push(written > 0 ? b.subarray(written) : b);
    written = 0;
  }
  return rest;
}

/** Sets a directory to 0700 unless it is already (so an unchanged directory is not touched). */
async function chmodPrivate(dir: string): Promise<void> {
  if (((await stat(dir)).mode & 0o777) !== PRIVATE_DIR) await chmod(dir, PRIVATE_DIR);
}

/** Makes a rename or a new entry in `dir` durable. */
async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try { await h.sync(); } finally { await h.close(); }
}
