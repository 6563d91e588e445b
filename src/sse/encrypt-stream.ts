/** Transform: plaintext → header + sealed 64 KiB packages, marking the last one final; output in ~1 MiB batches. */
import { Transform, type TransformCallback } from 'node:stream';
import type { Secret } from '../common/secret.js';
import { HEADER, PACKAGE_SIZE } from './package-format.js';
import { sealPackage } from './package-cipher.js';
import type { OuterLayer } from './dual-layer.js';
import { BufferPool } from '../common/buffer-pool.js';

/** Output is pushed once ~256 KiB of sealed pieces are ready; the blob store gathers them into 1 MiB writes. */
const BATCH = 256 * 1024;

/**
 * The package being filled is staged in a pooled buffer, wiped and given back when the stream ends or is
 * destroyed: a fresh 64 KiB buffer per stream was 64 KiB of garbage for every small PUT (1,500 one-byte
 * PUTs a second turned over ~100 MB/s of ArrayBuffers, cleared only by mark-compacts; PERFORMANCE.md,
 * "Issue 9, seventh pass"). At most 32 (2 MiB) wait between bursts.
 */
const staging = new BufferPool(PACKAGE_SIZE, 32);
const EMPTY = Buffer.alloc(0);

export class EncryptStream extends Transform {
  /** The data key: #private (invisible to util.inspect), owned by this stream, wiped when it is destroyed. */
  readonly #key: Secret;
  #pending: Buffer = staging.take(PACKAGE_SIZE);
  #filled = 0;
  /** The most of #pending ever filled: what is wiped before it goes back to the pool. */
  #used = 0;
  #index = 0;
  #out: Buffer[] = [HEADER];
  #outBytes = HEADER.length;

  readonly #onPackage: () => void;
  /** DSSE-KMS: the second layer (data key 2) over every sealed package, and the format-2 header. */
  readonly #outer: OuterLayer | undefined;

  /** Takes ownership of `key` (and of `outer`'s key): wiped once the stream ends, fails or is abandoned (destroyed). */
  constructor(key: Secret, onPackage: () => void, outer?: OuterLayer) {
    super({ readableHighWaterMark: BATCH });
    this.#key = key;
    this.#onPackage = onPackage;
    this.#outer = outer;
    if (outer) this.#out = [outer.header];
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#release();
    this.#key.wipe();
    this.#outer?.wipe();
    cb(err);
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      // A full pending package is sealed only once more data proves it is not the last one.
      if (this.#filled === PACKAGE_SIZE) this.#seal(false);
      const take = Math.min(PACKAGE_SIZE - this.#filled, chunk.length - offset);
      chunk.copy(this.#pending, this.#filled, offset, offset + take);
      this.#filled += take;
      offset += take;
      if (this.#filled > this.#used) this.#used = this.#filled;
    }
    if (this.#outBytes >= BATCH) this.#flushOut();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.#seal(true);
    this.#release();
    this.#flushOut();
    cb();
  }

  /** Wipes the plaintext staged in #pending and gives the buffer back (once: after the last seal, or on destroy). */
  #release(): void {
    if (this.#pending === EMPTY) return;
    this.#pending.fill(0, 0, this.#used);
    staging.give(this.#pending);
    this.#pending = EMPTY;
  }

  #seal(final: boolean): void {
    const sealed = sealPackage(this.#key.reveal(), this.#index, final, this.#pending.subarray(0, this.#filled));
    for (const piece of this.#outer ? this.#outer.seal(this.#index, final, sealed) : sealed) {
      this.#out.push(piece);
      this.#outBytes += piece.length;
    }
    this.#onPackage();
    this.#index++;
    this.#filled = 0;
  }

  #flushOut(): void {
    if (this.#outBytes === 0) return;
    // The sealed pieces go out as they are: the blob store gathers them into one writev, so joining
    // them here was a copy and a 256 KiB allocation per batch for nothing.
    for (const piece of this.#out) this.push(piece);
    this.#out = [];
    this.#outBytes = 0;
  }
}
