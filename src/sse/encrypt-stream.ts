/** Transform: plaintext → header + sealed 64 KiB packages, marking the last one final; output in ~1 MiB batches. */
import { Transform, type TransformCallback } from 'node:stream';
import type { Secret } from '../common/secret.js';
import { HEADER, PACKAGE_SIZE } from './package-format.js';
import { sealPackage } from './package-cipher.js';
import type { OuterLayer } from './dual-layer.js';

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

  /** Takes ownership of `key` (and of `outer`'s key): wiped once the stream ends, fails or is abandoned (destroyed). */
  constructor(key: Secret, onPackage: () => void, outer?: OuterLayer) {
    super({ readableHighWaterMark: BATCH });
    this.#key = key;
    this.#onPackage = onPackage;
    this.#outer = outer;
    if (outer) this.#out = [outer.header];
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
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
    }
    if (this.#outBytes >= BATCH) this.#flushOut();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.#seal(true);
    this.#flushOut();
    cb();
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
