/** Plaintext ranges ↔ package indices ↔ ciphertext offsets of a blob. */
import { HEADER_SIZE, PACKAGE_SIZE, TAG_SIZE, packageCount } from './package-format.js';

/** `tagBytes`: authentication bytes per package, TAG_SIZE for one layer, two tags for a two-layer (DSSE-KMS) blob. */
export function ciphertextLength(plainSize: number, tagBytes = TAG_SIZE): number {
  return HEADER_SIZE + plainSize + packageCount(plainSize) * tagBytes;
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
export function packageSpan(plainSize: number, start: number, end: number, tagBytes = TAG_SIZE): PackageSpan {
  const total = packageCount(plainSize);
  const first = Math.floor(start / PACKAGE_SIZE);
  const last = plainSize === 0 ? 0 : Math.floor(end / PACKAGE_SIZE);
  const lastPlainLength = Math.min(PACKAGE_SIZE, plainSize - last * PACKAGE_SIZE);
  return {
    first, last, total,
    cipherStart: HEADER_SIZE + first * (PACKAGE_SIZE + tagBytes),
    cipherEnd: HEADER_SIZE + last * (PACKAGE_SIZE + tagBytes) + lastPlainLength + tagBytes - 1,
    plainStart: first * PACKAGE_SIZE,
  };
}
