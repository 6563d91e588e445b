/**
 * MD5 of a large write's plaintext on one worker thread (the second core): the encrypt stream fills its
 * packages into two shared 1 MiB slabs and hands each full slab to the worker, which hashes it while the
 * event loop seals the next. No copy beyond the package fill sealing needs anyway; two messages per MiB.
 */
import { Worker } from 'node:worker_threads';
import { PACKAGE_SIZE } from './package-format.js';

/** Writes declaring at least this much plaintext hash on the worker; smaller ones hash inline (no hand-off latency). */
export const OFFLOAD_MIN_BYTES = 8 * 1024 * 1024;
/** One slab holds this many whole packages (1 MiB): one message to the worker and one back per slab. */
export const SLAB_PACKAGES = 16;
const SLAB_BYTES = SLAB_PACKAGES * PACKAGE_SIZE;
/** Two slabs per write: the worker hashes one while the event loop fills and seals the other. */
const SLABS = 2;

export function offloadMd5(declaredLength: number | undefined): boolean {
  return declaredLength !== undefined && declaredLength >= OFFLOAD_MIN_BYTES;
}

/**
 * The worker's program, started as a `data:` module rather than a file: the same text runs from dist/
 * and from the TypeScript sources under tsx (whose loader a worker file would not get).
 */
const program = `
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.kind === 'update') {
    let md5 = jobs.get(m.id);
    if (md5 === undefined) { md5 = createHash('md5'); jobs.set(m.id, md5); }
    md5.update(new Uint8Array(m.slab, 0, m.length));
    parentPort.postMessage({ id: m.id, freed: m.index });
  } else if (m.kind === 'digest') {
    const md5 = jobs.get(m.id) ?? createHash('md5');
    jobs.delete(m.id);
    parentPort.postMessage({ id: m.id, digest: md5.digest() });
  } else {
    jobs.delete(m.id);
  }
});
`;
const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(program)}`);

interface Reply { id: number; freed?: number; digest?: Uint8Array }

/** The one worker; started on the first large write, started again if it ever dies (its jobs fail). */
class Md5Worker {
  readonly #worker: Worker;
  readonly #jobs = new Map<number, Md5Job>();
  #nextId = 1;
  alive = true;

  constructor() {
    this.#worker = new Worker(WORKER_URL);
    this.#worker.on('message', (r: Reply) => this.#jobs.get(r.id)?.receive(r));
    // A server with no large write in flight must be able to exit; the worker holds nothing durable.
    // After the listener: adding a 'message' listener refs the worker's port again.
    this.#worker.unref();
    const die = (err?: unknown) => {
      if (!this.alive) return;
      this.alive = false;
      const reason = err instanceof Error ? err : new Error('the MD5 worker stopped');
      for (const job of this.#jobs.values()) job.fail(reason);
      this.#jobs.clear();
    };
    this.#worker.once('error', die);
    this.#worker.once('exit', () => die());
  }

  register(job: Md5Job): number {
    const id = this.#nextId++;
    this.#jobs.set(id, job);
    return id;
  }

  forget(id: number): void {
    this.#jobs.delete(id);
  }

  post(message: { kind: 'update'; id: number; slab: SharedArrayBuffer; index: number; length: number } | { kind: 'digest' | 'cancel'; id: number }): void {
    this.#worker.postMessage(message);
  }
}

let shared: Md5Worker | undefined;

/**
 * One write's MD5. The owner fills `slab(i)`, hands it over with `post(i, length)` and refills it only
 * after `whenFree(i)`; then `finish()` (the worker is asked for the digest at once, so a job whose
 * digest nobody collects — a write failing later — still ends) and `digest()`; or `cancel()`.
 */
export class Md5Job {
  readonly #worker: Md5Worker;
  readonly #id: number;
  readonly #shared: SharedArrayBuffer[] = [];
  readonly #slabs: Buffer[] = [];
  readonly #busy: boolean[] = [];
  #waiters: Array<{ index: number; resolve: () => void; reject: (e: Error) => void }> = [];
  #digest: { resolve: (d: Buffer) => void; reject: (e: Error) => void } | undefined;
  #result: Promise<Buffer> | undefined;
  #failure: Error | undefined;

  constructor() {
    if (shared === undefined || !shared.alive) shared = new Md5Worker();
    this.#worker = shared;
    this.#id = shared.register(this);
    for (let i = 0; i < SLABS; i++) {
      const sab = new SharedArrayBuffer(SLAB_BYTES);
      this.#shared.push(sab);
      this.#slabs.push(Buffer.from(sab));
      this.#busy.push(false);
    }
  }

  get slabCount(): number { return SLABS; }

  /** Slab `i` (SLAB_PACKAGES packages); fill it only while it is free. */
  slab(i: number): Buffer { return this.#slabs[i]!; }

  isFree(i: number): boolean { return !this.#busy[i]; }

  /** Resolves once the worker is done with slab `i`; rejects if the worker died. */
  whenFree(i: number): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (!this.#busy[i]) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ index: i, resolve, reject }));
  }

  /** Hands slab `i`'s first `length` bytes to the worker; the slab must not change until it is free again. */
  post(i: number, length: number): void {
    if (length === 0) return;
    this.#busy[i] = true;
    this.#worker.post({ kind: 'update', id: this.#id, slab: this.#shared[i]!, index: i, length });
  }

  /** Everything is posted: asks the worker for the digest (messages are handled in order). */
  finish(): void {
    if (this.#result) return;
    this.#result = this.#failure ? Promise.reject(this.#failure) : new Promise((resolve, reject) => {
      this.#digest = { resolve, reject };
      this.#worker.post({ kind: 'digest', id: this.#id });
    });
    // Collected by digest(), or by nobody when the write fails after its body ended.
    this.#result.catch(() => undefined);
  }

  /** The MD5 of everything posted, once the worker has hashed it all. */
  digest(): Promise<Buffer> {
    return this.#result ?? Promise.reject(new Error('MD5 job not finished'));
  }

  /** Abandons the job (a failed or aborted write): the worker drops its state. */
  cancel(): void {
    this.#worker.forget(this.#id);
    if (this.#worker.alive) this.#worker.post({ kind: 'cancel', id: this.#id });
  }

  receive(r: Reply): void {
    if (r.freed !== undefined) {
      this.#busy[r.freed] = false;
      const ready = this.#waiters.filter((w) => w.index === r.freed);
      this.#waiters = this.#waiters.filter((w) => w.index !== r.freed);
      for (const w of ready) w.resolve();
    }
    if (r.digest !== undefined) {
      this.#worker.forget(this.#id);
      this.#digest?.resolve(Buffer.from(r.digest.buffer, r.digest.byteOffset, r.digest.byteLength));
    }
  }

  fail(err: Error): void {
    this.#failure = err;
    for (const w of this.#waiters) w.reject(err);
    this.#waiters = [];
    this.#digest?.reject(err);
  }
}
