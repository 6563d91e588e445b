/** BlobStore in a local directory: temp file → (fsync ‖ rename → fsync dir), so a blob the metadata references is whole and durable. */
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BufferPool } from '../../common/buffer-pool.js';
import type { BlobReader, BlobStore } from '../blob-store.js';
import { blobPath, blobShard, isBlobId, newBlobId } from './blob-paths.js';

/** Blob writes are copied into reused slabs this large; a write starts as soon as one is full. */
const SLAB = 256 * 1024;
/** Slabs one write may hold (waiting or being written) before its source is paused: 1 MiB. */
const MAX_SLABS_HELD = 4;
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
 * Blob writes go through reused SLAB-sized buffers: the stream's chunks (crypto output, a fresh buffer per
 * package) are copied in as they arrive and die at once. Holding them until their write finished kept a MiB
 * or two of them alive per PUT — long enough, at 16 concurrent PUTs, for scavenges to promote them to the
 * old generation, where only full GCs free them (docs/PERFORMANCE.md, "Issue 9, sixth pass"). The copy costs
 * ~0.1 ms per MiB. At most 16 spares (4 MiB) stay resident between bursts; more concurrent writes take fresh ones.
 */
const writeSlabs = new BufferPool(SLAB, 16);

/**
 * Writes a stream's chunks from reused slabs, starting as soon as one slab is full: the write (on this VM,
 * ~1.7 ms per MiB of new page cache) overlaps receiving and encrypting the rest of the body instead of
 * following it. Slabs filled while a write is in flight go out together in the next writev. Chunks are taken
 * one by one from 'data' events (an async iterator's read() would Buffer.concat what is buffered first); the
 * source pauses once MAX_SLABS_HELD slabs wait. A chunk is copied whole before that check, so with the encrypt
 * stream's pieces (at most a 64 KiB package each) a write holds at most MAX_SLABS_HELD + 1 slabs (1.25 MiB).
 */
function writeFrom(source: Readable, handle: import('node:fs/promises').FileHandle): Promise<number> {
  return new Promise((resolve, reject) => {
    /** The slab being filled (undefined once given back), and how much of it is filled. */
    let current: Buffer | undefined = writeSlabs.take(SLAB);
    let filled = 0;
    /** Full slabs not yet written, and the slabs of the write in flight. */
    const ready: Buffer[] = [];
    let inFlight: Buffer[] = [];
    let size = 0;
    let ended = false;
    let writing = false;
    let failed = false;
    const syncs: Array<Promise<void>> = [];
    const held = () => ready.length + inFlight.length;
    const giveBack = (slabs: Buffer[]) => { for (const b of slabs) writeSlabs.give(b); };
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      source.off('data', onData);
      source.destroy();
      // A write in flight still reads its slabs: the write loop gives them back when it settles.
      giveBack(ready.splice(0));
      if (current) giveBack([current]);
      current = undefined;
      reject(err);
    };
    const drain = async () => {
      writing = true;
      try {
        while (!failed && (ready.length > 0 || (ended && filled > 0))) {
          inFlight = ready.splice(0);
          const pieces = [...inFlight];
          if (ended && filled > 0) {
            // The body's last, partly filled slab goes out with the full ones (and is given back with them).
            pieces.push(current!.subarray(0, filled));
            inFlight.push(current!);
            current = undefined;
            filled = 0;
          }
          const bytes = pieces.reduce((n, b) => n + b.length, 0);
          await writeAll(handle, pieces);
          size += bytes;
          giveBack(inFlight);
          inFlight = [];
          // Start the disk early: every EARLY_SYNC bytes a datasync runs beside the next writes, so
          // the final fsync only waits for the tail instead of the whole blob (large PUTs at c1).
          if (Math.floor(size / EARLY_SYNC) > Math.floor((size - bytes) / EARLY_SYNC)) {
            const early = handle.datasync();
            early.catch(() => undefined);
            syncs.push(early);
          }
          if (!ended && !failed && source.isPaused()) source.resume();
        }
      } catch (err) {
        giveBack(inFlight);
        inFlight = [];
        writing = false;
        fail(err);
        return;
      }
      writing = false;
      if (failed || !ended) return;
      if (current) giveBack([current]);
      current = undefined;
      Promise.all(syncs).then(() => resolve(size), fail);
    };
    const onData = (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length) {
        current ??= writeSlabs.take(SLAB);
        const n = Math.min(chunk.length - at, SLAB - filled);
        chunk.copy(current, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === SLAB) {
          ready.push(current);
          current = undefined;
          filled = 0;
        }
      }
      if (held() >= MAX_SLABS_HELD) source.pause();
      if (!writing && ready.length > 0) void drain();
    };
    // The source may have failed (a refused body) while the temp file was being opened: it emits
    // nothing more, so waiting for its events would hang the request and keep the temp file.
    if (source.destroyed) {
      giveBack([current!]);
      current = undefined;
      reject(source.errored ?? new Error('blob source closed before its end'));
      return;
    }
    source.on('data', onData);
    source.once('error', fail);
    // A stream destroyed before its end (client gone, a failed digest upstream) must fail the write.
    source.once('close', () => { if (!ended) fail(new Error('blob source closed before its end')); });
    source.once('end', () => {
      ended = true;
      if (!writing) void drain();
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
