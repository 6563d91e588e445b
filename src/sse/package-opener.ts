/** Opens whole batches of sealed packages in order and cuts them to a plaintext range; no stream, no copies beyond the decipher's output. */
import type { Secret } from '../common/secret.js';
import { HEADER, PACKAGE_SIZE, PACKAGE_STRIDE, TAG_SIZE } from './package-format.js';
import { openPackage } from './package-cipher.js';
import type { PackageSpan } from './range-math.js';
import type { OuterLayer } from './dual-layer.js';

/**
 * The read side of a blob without stream layers: the caller reads `nextBatchLength()` ciphertext bytes
 * (whole packages, so nothing straddles a batch and nothing is concatenated) into a buffer it reuses, and
 * `open()` returns the plaintext pieces. Owns the data key: wiped by `wipe()`, and at once when the last
 * package is opened or a package fails.
 */
export class PackageOpener {
  readonly #key: Secret;
  #index: number;
  #skip: number;
  #want: number;

  constructor(
    key: Secret,
    private readonly span: PackageSpan,
    private readonly plainSize: number,
    range: { start: number; end: number },
    private readonly onPackage: () => void,
    /** When the input starts at byte 0 of the blob, the header comes first in the first batch and is checked. */
    private headerPending: boolean,
    /** DSSE-KMS: the second layer (data key 2), opened first; owned and wiped with `key`. */
    private readonly outer?: OuterLayer,
  ) {
    this.#key = key;
    this.#index = span.first;
    this.#skip = range.start - span.plainStart;
    this.#want = plainSize === 0 ? 0 : range.end - range.start + 1;
  }

  /** Whether every package of the span has been opened. */
  get done(): boolean {
    return this.#index > this.span.last;
  }

  /** Ciphertext bytes of the next batch: at most `maxPackages` whole packages (and the header if it is due), never past the span. */
  nextBatchLength(maxPackages: number): number {
    let n = this.headerPending ? HEADER.length : 0;
    for (let i = this.#index; i <= this.span.last && i < this.#index + maxPackages; i++) n += this.#sealedSize(i);
    return n;
  }

  /** Bytes of `packages` full packages: the most a later batch (no header) can take. */
  fullBatchLength(packages: number): number {
    return packages * (PACKAGE_STRIDE + (this.outer?.overhead ?? 0));
  }

  /**
   * Opens a batch of exactly `nextBatchLength(maxPackages)` bytes (or fewer when the blob ended early,
   * which fails as a truncation after the whole packages in it are opened); returns plaintext pieces.
   */
  open(batch: Buffer, out: Buffer[] = []): Buffer[] {
    try {
      let at = 0;
      if (this.headerPending) {
        if (batch.length < HEADER.length || !batch.subarray(0, HEADER.length).equals(this.outer?.header ?? HEADER)) {
          throw new Error(batch.length < HEADER.length ? `package authentication failed: blob truncated before package ${this.#index}` : 'package authentication failed: unknown blob header');
        }
        this.headerPending = false;
        at = HEADER.length;
      }
      while (at < batch.length) {
        if (this.done) throw new Error('package authentication failed: unexpected bytes after the last package');
        const size = this.#sealedSize(this.#index);
        if (batch.length - at < size) throw new Error(`package authentication failed: blob truncated before package ${this.#index}`);
        const final = this.#index === this.span.total - 1;
        const sealed = batch.subarray(at, at + size);
        const plain = openPackage(this.#key.reveal(), this.#index, final, this.outer ? this.outer.open(this.#index, final, sealed) : sealed);
        at += size;
        this.onPackage();
        this.#index++;
        const from = Math.min(this.#skip, plain.length);
        this.#skip -= from;
        const take = Math.min(this.#want, plain.length - from);
        this.#want -= take;
        if (take > 0) out.push(from === 0 && take === plain.length ? plain : plain.subarray(from, from + take));
      }
      if (this.done) this.#wipe();
      return out;
    } catch (err) {
      this.#wipe();
      throw err;
    }
  }

  /** Throws unless every package was opened (the blob ended before the span did). */
  finish(): void {
    if (!this.done) {
      this.#wipe();
      throw new Error(`package authentication failed: blob truncated before package ${this.#index}`);
    }
  }

  wipe(): void {
    this.#wipe();
  }

  #wipe(): void {
    this.#key.wipe();
    this.outer?.wipe();
  }

  #sealedSize(index: number): number {
    const overhead = this.outer?.overhead ?? 0;
    return index === this.span.total - 1 ? this.plainSize - index * PACKAGE_SIZE + TAG_SIZE + overhead : PACKAGE_STRIDE + overhead;
  }
}
