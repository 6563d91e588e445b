/** A one-line progress bar on stderr for the offline commands (silent when stderr is not a terminal, except the summary). */

export class Progress {
  #done = 0;
  #lastDraw = 0;
  readonly #tty = process.stderr.isTTY === true;

  constructor(private readonly label: string, private readonly total: number) {}

  tick(n = 1): void {
    this.#done += n;
    const now = Date.now();
    if (this.#tty && (now - this.#lastDraw > 100 || this.#done === this.total)) {
      this.#lastDraw = now;
      const ratio = this.total === 0 ? 1 : Math.min(1, this.#done / this.total);
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${this.#done}/${this.total}`);
    }
  }

  /** Ends the bar line. */
  finish(): void {
    if (this.#tty) process.stderr.write('\n');
  }
}
