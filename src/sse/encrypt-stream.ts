/** Transform: plaintext → header + sealed 64 KiB packages, marking the last one final; output in ~1 MiB batches. */
import { Transform, type TransformCallback } from 'node:stream';
import type { Secret } from '../common/secret.js';
import { HEADER, PACKAGE_SIZE } from './package-format.js';
import { sealPackage } from './package-cipher.js';
import type { OuterLayer } from './dual-layer.js';
import { SLAB_PACKAGES, type Md5Job } from './md5-offload.js';

/** Output is pushed once ~256 KiB of sealed pieces are ready; the blob store gathers them into 1 MiB writes. */
const BATCH = 256 * 1024;

export class EncryptStream extends Transform {
  /** The data key: #private (invisible to util.inspect), owned by this stream, wiped when it is destroyed. */
  readonly #key: Secret;
  #pending: Buffer = Buffer.allocUnsafe(PACKAGE_SIZE);
  #filled = 0;
  #index = 0;
  #out: Buffer[] = [HEADER];
  #outBytes = HEADER.length;

  readonly #onPackage: () => void;
  /** DSSE-KMS: the second layer (data key 2) over every sealed package, and the format-2 header. */
  readonly #outer: OuterLayer | undefined;
  /**
   * With a job (large writes), packages are filled into its shared slabs and the worker hashes each full
   * slab (MD5) while this stream seals the next (md5-offload.ts). `#slab`/`#slot`: where `#pending` is.
   */
  readonly #md5: Md5Job | undefined;
  #slab = 0;
  #slot = 0;
  #finished = false;

  /** Takes ownership of `key` (and of `outer`'s key): wiped once the stream ends, fails or is abandoned (destroyed). */
  constructor(key: Secret, onPackage: () => void, outer?: OuterLayer, md5?: Md5Job) {
    super({ readableHighWaterMark: BATCH });
    this.#key = key;
    this.#onPackage = onPackage;
    this.#outer = outer;
    this.#md5 = md5;
    if (md5) this.#pending = md5.slab(0).subarray(0, PACKAGE_SIZE);
    if (outer) this.#out = [outer.header];
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#key.wipe();
    this.#outer?.wipe();
    // An abandoned write's MD5 job is dropped; a finished one's digest is still to be collected.
    if (err !== null || !this.#finished) this.#md5?.cancel();
    cb(err);
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.#take(chunk, 0, cb);
  }

  #take(chunk: Buffer, offset: number, cb: TransformCallback): void {
    while (offset < chunk.length) {
      // A full pending package is sealed only once more data proves it is not the last one.
      if (this.#filled === PACKAGE_SIZE) {
        this.#seal(false);
        if (this.#md5 && !this.#nextSlot()) {
          // The worker is still hashing the next slab: hand on what is sealed, go on once it is free.
          const md5 = this.#md5;
          this.#flushOut();
          md5.whenFree(this.#nextSlab()).then(() => {
            if (this.destroyed) return;
            this.#nextSlot();
            this.#take(chunk, offset, cb);
          }, (err: Error) => cb(err));
          return;
        }
      }
      const take = Math.min(PACKAGE_SIZE - this.#filled, chunk.length - offset);
      chunk.copy(this.#pending, this.#filled, offset, offset + take);
      this.#filled += take;
      offset += take;
      // A full slab goes to the worker at once (its last package is sealed later: both only read it).
      if (this.#md5 && this.#filled === PACKAGE_SIZE && this.#slot === SLAB_PACKAGES - 1) this.#md5.post(this.#slab, SLAB_PACKAGES * PACKAGE_SIZE);
    }
    if (this.#outBytes >= BATCH) this.#flushOut();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    const filled = this.#filled;
    this.#seal(true);
    const md5 = this.#md5;
    // The last, partial slab (a full one was handed over when it filled).
    if (md5 && !(filled === PACKAGE_SIZE && this.#slot === SLAB_PACKAGES - 1)) md5.post(this.#slab, this.#slot * PACKAGE_SIZE + filled);
    md5?.finish();
    this.#finished = true;
    this.#flushOut();
    cb();
  }

  #nextSlab(): number {
    return (this.#slab + 1) % this.#md5!.slabCount;
  }

  /** Moves `#pending` to the next package of the slabs; false (nothing moved) when that needs a slab the worker still holds. */
  #nextSlot(): boolean {
    const md5 = this.#md5!;
    if (this.#slot < SLAB_PACKAGES - 1) {
      this.#slot++;
    } else {
      if (!md5.isFree(this.#nextSlab())) return false;
      this.#slab = this.#nextSlab();
      this.#slot = 0;
    }
    const start = this.#slot * PACKAGE_SIZE;
    this.#pending = md5.slab(this.#slab).subarray(start, start + PACKAGE_SIZE);
    return true;
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
