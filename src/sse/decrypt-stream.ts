/** Transform: the ciphertext of packages first..last → exactly plaintext [start..end]; fails on any tampering or truncation. */
import { Transform, type TransformCallback } from 'node:stream';
import { HEADER, PACKAGE_SIZE, PACKAGE_STRIDE, TAG_SIZE } from './package-format.js';
import { openPackage } from './package-cipher.js';
import type { PackageSpan } from './range-math.js';
import type { Secret } from '../common/secret.js';

export class DecryptStream extends Transform {
  /** The data key: #private (invisible to util.inspect), owned by this stream, wiped when it is destroyed. */
  readonly #key: Secret;
  #buf: Buffer[] = [];
  #bufBytes = 0;
  #index: number;
  #skip: number;
  #want: number;

  /** Takes ownership of `key`: it is wiped once the stream ends, fails or is abandoned (destroyed). */
  constructor(
    key: Secret,
    private readonly span: PackageSpan,
    private readonly plainSize: number,
    range: { start: number; end: number },
    private readonly onPackage: () => void,
    /** When the input starts at byte 0 of the blob (scrub), the header is checked first. */
    private headerPending = false,
  ) {
    super();
    this.#key = key;
    this.#index = span.first;
    this.#skip = range.start - span.plainStart;
    this.#want = plainSize === 0 ? 0 : range.end - range.start + 1;
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.#buf.push(chunk);
    this.#bufBytes += chunk.length;
    try {
      if (this.headerPending) {
        if (this.#bufBytes < HEADER.length) { cb(); return; }
        if (!this.#take(HEADER.length).equals(HEADER)) throw new Error('package authentication failed: unknown blob header');
        this.headerPending = false;
      }
      while (this.#index <= this.span.last) {
        const size = this.#sealedSize(this.#index);
        if (this.#bufBytes < size) break;
        this.#emit(this.#take(size));
      }
      if (this.#index > this.span.last && this.#bufBytes > 0) throw new Error('package authentication failed: unexpected bytes after the last package');
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#key.wipe();
    cb(err);
  }

  override _flush(cb: TransformCallback): void {
    if (this.#index <= this.span.last) cb(new Error(`package authentication failed: blob truncated before package ${this.#index}`));
    else cb();
  }

  #sealedSize(index: number): number {
    const plain = index === this.span.total - 1 ? this.plainSize - index * PACKAGE_SIZE : PACKAGE_SIZE;
    return index === this.span.total - 1 ? plain + TAG_SIZE : PACKAGE_STRIDE;
  }

  #take(n: number): Buffer {
    const all = this.#buf.length === 1 ? this.#buf[0]! : Buffer.concat(this.#buf, this.#bufBytes);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#buf = rest.length > 0 ? [rest] : [];
    this.#bufBytes = rest.length;
    return out;
  }

  #emit(sealed: Buffer): void {
    const plain = openPackage(this.#key.reveal(), this.#index, this.#index === this.span.total - 1, sealed);
    this.onPackage();
    this.#index++;
    const from = Math.min(this.#skip, plain.length);
    this.#skip -= from;
    const piece = plain.subarray(from, from + Math.min(this.#want, plain.length - from));
    this.#want -= piece.length;
    if (piece.length > 0) this.push(piece);
  }
}
