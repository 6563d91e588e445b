/** Secret bytes that cannot leak through logging or serialization: redacted everywhere, explicit reveal(). */
import { inspect } from 'node:util';

const REDACTED = '[Secret]';

export class Secret {
  #bytes: Buffer;
  #wiped = false;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** The raw bytes. Every call site is a place key material is used; keep them few. */
  reveal(): Buffer {
    return this.#bytes;
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** Overwrites the bytes with zeros; later reveal() returns zeros. Safe to call more than once. */
  wipe(): void {
    this.#bytes.fill(0);
    this.#wiped = true;
  }

  /** Whether wipe() has run: lets tests prove that every path, error paths included, wipes its keys. */
  get wiped(): boolean {
    return this.#wiped;
  }

  toString(): string { return REDACTED; }
  toJSON(): string { return REDACTED; }
  [inspect.custom](): string { return REDACTED; }
}
