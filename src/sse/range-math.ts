/** Plaintext ranges ↔ package indices ↔ ciphertext offsets of a blob. */
import { HEADER_SIZE, PACKAGE_SIZE, PACKAGE_STRIDE, TAG_SIZE, packageCount } from './package-format.js';

export function ciphertextLength(plainSize: number): number {
  return HEADER_SIZE + plainSize + packageCount(plainSize) * TAG_SIZE;
}

export interface PackageSpan {
  readonly first: number;
  readonly last: number;
  readonly total: number;
  /** Inclusive ciphertext byte offsets covering packages first..last. */
  readonly cipherStart: number;
  readonly cipherEnd: number;
  /** Plaintext offset of package `first`. */
  readonly plainStart: number;
}

/** The packages (and their ciphertext bytes) holding plaintext [start..end] of a blob of plainSize bytes. */
export function packageSpan(plainSize: number, start: number, end: number): PackageSpan {
  const total = packageCount(plainSize);
  const first = Math.floor(start / PACKAGE_SIZE);
  const last = plainSize === 0 ? 0 : Math.floor(end / PACKAGE_SIZE);
  const lastPlainLength = Math.min(PACKAGE_SIZE, plainSize - last * PACKAGE_SIZE);
  return {
    first, last, total,
    cipherStart: HEADER_SIZE + first * PACKAGE_STRIDE,
    cipherEnd: HEADER_SIZE + last * PACKAGE_STRIDE + lastPlainLength + TAG_SIZE - 1,
    plainStart: first * PACKAGE_SIZE,
  };
}
