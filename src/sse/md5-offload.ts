/**
 * MD5 of a large write's plaintext on one worker thread (the second core): the encrypt stream fills its
 * packages straight into a shared ring, the worker hashes each while the event loop seals it. No copy
 * beyond the one into the package (which sealing needed anyway), no message per package: Atomics only.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { PACKAGE_SIZE } from './package-format.js';
import { MD5_WORKER_URL } from './md5-worker.js';
import { CONSUMED, DIGEST_OFFSET, LENGTHS, PUBLISHED, RING_BYTES, RING_SLOTS, SIGNAL, STATE, STATE_CANCELLED, STATE_DONE, STATE_FINAL, STATE_RUNNING, slotOffset } from './md5-ring.js';

/**
 * Writes that declare at least this much plaintext hash on the worker; smaller ones hash on the event
 * loop as before, so small PUTs pay no hand-off.
 */
export const OFFLOAD_MIN_BYTES = 8 * 1024 * 1024;

/** How often a waiting write checks that its worker is still alive (it is woken at once otherwise). */
const HEALTH_CHECK_MS = 1000;

type WaitAsync = (a: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** The one worker and its doorbell; started on the first large write, restarted if it ever dies. */
class Md5Worker {
  readonly #bell = new Int32Array(new SharedArrayBuffer(4));
  readonly #port: MessagePort;
  alive = true;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const worker = new Worker(MD5_WORKER_URL, { workerData: { bell: this.#bell.buffer, port: port2 }, transferList: [port2] });
    // A server with no large write in flight must be able to exit; the worker holds nothing durable.
    worker.unref();
    const die = () => { this.alive = false; };
    worker.once('error', die);
    worker.once('exit', die);
  }

  start(ring: SharedArrayBuffer): void {
    this.#port.postMessage(ring);
    this.ring();
  }

  ring(): void {
    Atomics.add(this.#bell, 0, 1);
    Atomics.notify(this.#bell, 0);
  }
}

let shared: Md5Worker | undefined;

/** One write's ring. The owner fills `slot()`, publishes it, and either calls finish() then digest(), or cancel(). */
export class Md5Job {
  readonly #worker: Md5Worker;
  readonly #control: Int32Array;
  readonly #bytes: Buffer;
  #published = 0;

  constructor() {
    if (shared === undefined || !shared.alive) shared = new Md5Worker();
    this.#worker = shared;
    const ring = new SharedArrayBuffer(RING_BYTES);
    this.#control = new Int32Array(ring, 0, LENGTHS + RING_SLOTS);
    this.#bytes = Buffer.from(ring);
    this.#worker.start(ring);
  }

  /** The package buffer to fill next; valid once `slotFree()` (a new job's first slot always is). */
  slot(): Buffer {
    const start = slotOffset(this.#published);
    return this.#bytes.subarray(start, start + PACKAGE_SIZE);
  }

  /** True when the next slot is not waiting to be hashed. */
  slotFree(): boolean {
    return this.#published - Atomics.load(this.#control, CONSUMED) < RING_SLOTS;
  }

  /** Resolves once half of the ring is free (the worker signals then: fewer wake-ups); rejects if the worker died. */
  whenSlotFree(): Promise<void> {
    return this.#until(() => this.#published - Atomics.load(this.#control, CONSUMED) <= RING_SLOTS / 2);
  }

  /** Hands the current slot's first `length` bytes to the worker. The slot must not change until it is free again. */
  publish(length: number): void {
    Atomics.store(this.#control, LENGTHS + (this.#published % RING_SLOTS), length);
    this.#published++;
    Atomics.store(this.#control, PUBLISHED, this.#published);
    this.#worker.ring();
  }

  /** Every package is published. */
  finish(): void {
    Atomics.compareExchange(this.#control, STATE, STATE_RUNNING, STATE_FINAL);
    this.#worker.ring();
  }

  /** The MD5 of everything published, once the worker is done. */
  async digest(): Promise<Buffer> {
    await this.#until(() => Atomics.load(this.#control, STATE) === STATE_DONE);
    return Buffer.from(this.#bytes.subarray(DIGEST_OFFSET, DIGEST_OFFSET + 16));
  }

  /** Abandons the job: the worker drops it at its next look. */
  cancel(): void {
    if (Atomics.compareExchange(this.#control, STATE, STATE_RUNNING, STATE_CANCELLED) !== STATE_RUNNING) {
      Atomics.compareExchange(this.#control, STATE, STATE_FINAL, STATE_CANCELLED);
    }
    this.#worker.ring();
  }

  async #until(ready: () => boolean): Promise<void> {
    for (;;) {
      const seen = Atomics.load(this.#control, SIGNAL);
      if (ready()) return;
      if (Atomics.load(this.#control, STATE) === STATE_CANCELLED) throw new Error('MD5 job cancelled');
      if (!this.#worker.alive) throw new Error('the MD5 worker stopped');
      const wait = waitAsync(this.#control, SIGNAL, seen, HEALTH_CHECK_MS);
      if (!wait.async) continue;
      // A pending waitAsync does not keep Node's event loop alive; this timer does, for as long as it waits.
      const keepAlive = setTimeout(() => undefined, HEALTH_CHECK_MS);
      await wait.value;
      clearTimeout(keepAlive);
    }
  }
}
