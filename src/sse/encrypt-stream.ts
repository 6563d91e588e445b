/** Transform: plaintext → header + sealed 64 KiB packages, marking the last one final; output in ~1 MiB batches. */
import { Transform, type TransformCallback } from 'node:stream';
import type { Secret } from '../common/secret.js';
import { HEADER, PACKAGE_SIZE } from './package-format.js';
import { sealPackage } from './package-cipher.js';
import type { Md5Job } from './md5-offload.js';

/** Output is pushed once ~256 KiB of sealed pieces are ready; the blob store gathers them into 1 MiB writes. */
const BATCH = 256 * 1024;

export class EncryptStream extends Transform {
  /** The data key: #private (invisible to util.inspect), owned by this stream, wiped when it is destroyed. */
  readonly #key: Secret;
  #pending: Buffer;
  #filled = 0;
  #index = 0;
  #out: Buffer[] = [HEADER];
  #outBytes = HEADER.length;

  readonly #onPackage: () => void;
  /** With a job, packages are filled in its shared ring and hashed (MD5) by the worker (md5-offload.ts). */
  readonly #md5: Md5Job | undefined;
  #finished = false;

  /** Takes ownership of `key`: it is wiped once the stream ends, fails or is abandoned (destroyed). */
  constructor(key: Secret, onPackage: () => void, md5?: Md5Job) {
    super({ readableHighWaterMark: BATCH });
    this.#key = key;
    this.#onPackage = onPackage;
    this.#md5 = md5;
    this.#pending = md5 !== undefined ? md5.slot() : Buffer.allocUnsafe(PACKAGE_SIZE);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#key.wipe();
    // An abandoned write's job is dropped; a finished one's digest is still to be collected.
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
        const md5 = this.#md5;
        if (md5 !== undefined) {
          if (!md5.slotFree()) {
            // The worker is behind: hand on what is sealed, and go on once it frees a slot.
            this.#flushOut();
            md5.whenSlotFree().then(() => {
              if (this.destroyed) return;
              this.#pending = md5.slot();
              this.#take(chunk, offset, cb);
            }, (err: Error) => cb(err));
            return;
          }
          this.#pending = md5.slot();
        }
      }
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
    this.#finished = true;
    this.#md5?.finish();
    this.#flushOut();
    cb();
  }

  #seal(final: boolean): void {
    // The worker may hash the package while it is sealed here: both only read it.
    this.#md5?.publish(this.#filled);
    for (const piece of sealPackage(this.#key.reveal(), this.#index, final, this.#pending.subarray(0, this.#filled))) {
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
