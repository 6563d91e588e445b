/** Transform: the ciphertext of packages first..last → exactly plaintext [start..end]; fails on any tampering or truncation. */
import { Transform, type TransformCallback } from 'node:stream';
import { PackageOpener } from './package-opener.js';
import type { PackageSpan } from './range-math.js';
import type { Secret } from '../common/secret.js';
import type { OuterLayer } from './dual-layer.js';

/**
 * The stream face of PackageOpener (used where a stream is wanted: scrub, copy sources): buffers the
 * input until the next whole package (with the header before the first, when due) has arrived and hands
 * it to the opener, which holds the package rules and the key.
 */
export class DecryptStream extends Transform {
  /** Owns the data key (#private, invisible to util.inspect); wiped when the stream ends, fails or is destroyed. */
  readonly #opener: PackageOpener;
  #buf: Buffer[] = [];
  #bufBytes = 0;

  /** Takes ownership of `key`: it is wiped once the stream ends, fails or is abandoned (destroyed). */
  constructor(
    key: Secret,
    span: PackageSpan,
    plainSize: number,
    range: { start: number; end: number },
    onPackage: () => void,
    /** When the input starts at byte 0 of the blob (scrub), the header is checked first. */
    headerPending = false,
    /** DSSE-KMS: the second layer, owned like `key`. */
    outer?: OuterLayer,
  ) {
    super();
    this.#opener = new PackageOpener(key, span, plainSize, range, onPackage, headerPending, outer);
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.#buf.push(chunk);
    this.#bufBytes += chunk.length;
    try {
      while (!this.#opener.done) {
        const need = this.#opener.nextBatchLength(1);
        if (this.#bufBytes < need) break;
        this.#open(this.#take(need));
      }
      // Anything past the last package fails there ("unexpected bytes after the last package").
      if (this.#opener.done && this.#bufBytes > 0) this.#open(this.#take(this.#bufBytes));
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#opener.wipe();
    cb(err);
  }

  override _flush(cb: TransformCallback): void {
    try {
      // A partial last piece still has its header checked before the truncation is reported.
      if (this.#bufBytes > 0) this.#open(this.#take(this.#bufBytes));
      this.#opener.finish();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  #open(sealed: Buffer): void {
    for (const piece of this.#opener.open(sealed)) this.push(piece);
  }

  #take(n: number): Buffer {
    const all = this.#buf.length === 1 ? this.#buf[0]! : Buffer.concat(this.#buf, this.#bufBytes);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#buf = rest.length > 0 ? [rest] : [];
    this.#bufBytes = rest.length;
    return out;
  }
}
