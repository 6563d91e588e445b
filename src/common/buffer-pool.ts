/** A small free list of same-size buffers, so a hot path reuses large buffers instead of allocating (and collecting) one per use. */

export class BufferPool {
  readonly #spare: Buffer[] = [];

  /** `size`: every pooled buffer's length; at most `max` wait in the list (the rest go to the GC). */
  constructor(readonly size: number, private readonly max: number) {}

  /** A buffer of at least `want` bytes: pooled when `want` fits and is not much smaller, else its own. */
  take(want: number): Buffer {
    if (want > this.size || want < this.size / 4) return Buffer.allocUnsafeSlow(want);
    return this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Returns a buffer nothing reads or writes any more; only pooled-size ones are kept. */
  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.#spare.length < this.max) this.#spare.push(buffer);
  }
}
