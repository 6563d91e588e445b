/**
 * MD5 of large PUT bodies on a worker thread, so the second core hashes while the event loop encrypts.
 *
 * MD5 (~1.9 ms per MiB here) is the largest cost of an SSE-S3 PUT and cannot be split within one body.
 * A lane carries one body: the event loop copies its bytes into one of the lane's two 1 MiB shared slabs
 * (a memcpy, ~0.1 ms per MiB) and hands the full slab to the thread, which hashes it and hands it back;
 * a body waits only when both its slabs are still being hashed. No buffer is allocated per chunk, no
 * bytes are cloned into messages. At most MAX_LANES bodies use the thread at once (2 MiB each, allocated
 * once); any other body, and every body when the thread is unavailable, is hashed inline as before. The
 * thread and its slabs are let go after `idleMs` without a large body, so an idle server does not keep them.
 * Why a bounded number of lanes: with many concurrent PUTs the event loop is busy anyway and the second
 * core already runs the thread pool's writes and fsyncs; a second tried design (a lane per PUT, batches
 * gathered) lost in the full bench and broke the 1 GiB aws-cli RSS bound (docs/PERFORMANCE.md).
 */
import { Worker } from 'node:worker_threads';
import type { Md5Answer, Md5Request } from './md5-thread.js';

const SLAB = 1024 * 1024;
const MAX_LANES = 2;
/**
 * The thread (its isolate, ~13 MB resident, and the slabs) is let go after this long without a lane in use
 * (`--hash-thread-idle`, default 300 s). Starting it again costs ~50 ms of CPU: with 10 s, a pair of 64 MiB
 * PUTs after 12 s idle ran at 236-254 MB/s against 268-310 with the thread kept (PERFORMANCE.md).
 */
let idleMs = 300_000;

/** An MD5 being computed on the worker thread. `update` returns a promise only when the body must wait. */
export interface Md5Lane {
  update(chunk: Buffer): Promise<void> | undefined;
  /** Hands over the last bytes and resolves with the digest; the lane is free again once it resolves. */
  digest(): Promise<Buffer>;
  /** Abandons the hash (a failed write): the lane is free once the thread has let go of its slabs. */
  drop(): void;
}

let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let broken = false;
let enabled = false;
const lanes: LaneState[] = [];

interface LaneState {
  readonly id: number;
  readonly slabs: readonly [SharedArrayBuffer, SharedArrayBuffer];
  readonly views: readonly [Buffer, Buffer];
  inUse: boolean;
  /** Slabs handed to the thread and not yet given back. */
  readonly busy: [boolean, boolean];
  /** The slab being filled, and how full it is. */
  current: 0 | 1;
  filled: number;
  waitingForSlab: (() => void) | undefined;
  waitingForDigest: { resolve: (d: Buffer) => void; reject: (e: Error) => void } | undefined;
  /** A dropped lane returns to the pool only once its busy slabs came back. */
  dropping: boolean;
}

/** The server turns offloading on at start; in-process tools and tests hash inline. */
export function enableMd5Offload(threadIdleMs: number): void {
  enabled = true;
  idleMs = threadIdleMs;
}

/** A lane for one body, or undefined: hash inline (offloading off, the thread failed, every lane taken). */
export function takeMd5Lane(): Md5Lane | undefined {
  if (!enabled || broken) return undefined;
  clearTimeout(idleTimer);
  idleTimer = undefined;
  const w = ensureWorker();
  if (!w) return undefined;
  let lane = lanes.find((l) => !l.inUse);
  if (!lane) {
    if (lanes.length >= MAX_LANES) return undefined;
    const slabs = [new SharedArrayBuffer(SLAB), new SharedArrayBuffer(SLAB)] as const;
    lane = {
      id: lanes.length, slabs, views: [Buffer.from(slabs[0]), Buffer.from(slabs[1])], inUse: false, busy: [false, false],
      current: 0, filled: 0, waitingForSlab: undefined, waitingForDigest: undefined, dropping: false,
    };
    lanes.push(lane);
  }
  const l = lane;
  l.inUse = true;
  l.current = 0;
  l.filled = 0;
  l.dropping = false;
  post({ op: 'open', lane: l.id, slabs: l.slabs });
  let finished = false;

  /** Sends the current slab (if it holds anything) and moves to the other one. */
  const send = () => {
    if (l.filled === 0) return;
    l.busy[l.current] = true;
    post({ op: 'data', lane: l.id, slab: l.current, length: l.filled });
    l.current = l.current === 0 ? 1 : 0;
    l.filled = 0;
  };
  /** Copies from `offset` into the current slab while it is free, sending each that fills; returns where it stopped. */
  const fill = (chunk: Buffer, offset: number): number => {
    while (offset < chunk.length && !l.busy[l.current]) {
      const n = chunk.copy(l.views[l.current], l.filled, offset, Math.min(chunk.length, offset + SLAB - l.filled));
      l.filled += n;
      offset += n;
      if (l.filled === SLAB) send();
    }
    return offset;
  };
  /** Waits until the current slab is back from the thread; fails if the thread failed meanwhile. */
  const slabFree = async (): Promise<void> => {
    if (l.busy[l.current]) await new Promise<void>((resolve) => { l.waitingForSlab = resolve; });
    if (broken) throw new Error('the MD5 thread failed');
  };
  const rest = async (chunk: Buffer, offset: number): Promise<void> => {
    while (offset < chunk.length) {
      await slabFree();
      offset = fill(chunk, offset);
    }
  };
  return {
    update(chunk) {
      // The common case without a promise: the current slab is free and takes the chunk (or fills and goes).
      const offset = fill(chunk, 0);
      return offset < chunk.length ? rest(chunk, offset) : undefined;
    },
    async digest() {
      if (finished) throw new Error('MD5 lane already finished');
      finished = true;
      await slabFree();
      send();
      const digest = new Promise<Buffer>((resolve, reject) => { l.waitingForDigest = { resolve, reject }; });
      post({ op: 'end', lane: l.id });
      return digest;
    },
    drop() {
      if (finished) return;
      finished = true;
      post({ op: 'drop', lane: l.id });
      l.dropping = true;
      releaseIfIdle(l);
    },
  };
}

function releaseIfIdle(l: LaneState): void {
  if (l.dropping && !l.busy[0] && !l.busy[1]) {
    l.dropping = false;
    l.inUse = false;
    retireWhenIdle();
  }
}

/** Once no lane is in use for `idleMs`, the thread and the slabs go; the next large body starts a new one. */
function retireWhenIdle(): void {
  if (!worker || idleTimer || lanes.some((l) => l.inUse)) return;
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    if (!worker || lanes.some((l) => l.inUse)) return;
    const w = worker;
    worker = undefined;
    lanes.length = 0;
    void w.terminate();
  }, idleMs);
  idleTimer.unref();
}

function post(m: Md5Request): void {
  worker!.postMessage(m);
}

function ensureWorker(): Worker | undefined {
  if (worker) return worker;
  try {
    const w = new Worker(new URL('./md5-thread.js', import.meta.url));
    w.unref();
    w.on('message', (a: Md5Answer) => {
      if (w !== worker) return;
      const l = lanes[a.lane];
      if (!l) return;
      if ('freed' in a) {
        l.busy[a.freed as 0 | 1] = false;
        const wake = l.waitingForSlab;
        l.waitingForSlab = undefined;
        wake?.();
        releaseIfIdle(l);
      } else {
        const waiting = l.waitingForDigest;
        l.waitingForDigest = undefined;
        l.inUse = false;
        waiting?.resolve(Buffer.from(a.digest.buffer, a.digest.byteOffset, a.digest.byteLength));
        retireWhenIdle();
      }
    });
    const fail = (err: unknown) => {
      // A thread retired while idle exits as asked; only the current one failing matters.
      if (w !== worker) return;
      broken = true;
      const error = err instanceof Error ? err : new Error(`the MD5 thread stopped: ${String(err)}`);
      for (const l of lanes) {
        l.waitingForDigest?.reject(error);
        l.waitingForDigest = undefined;
        const wake = l.waitingForSlab;
        l.waitingForSlab = undefined;
        wake?.();
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => { if (!broken) fail(new Error(`the MD5 thread exited (${code})`)); });
    worker = w;
    return w;
  } catch {
    broken = true;
    return undefined;
  }
}
