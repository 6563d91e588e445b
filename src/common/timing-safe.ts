/** Constant-time equality for signatures, HMACs and key digests. */
import { timingSafeEqual } from 'node:crypto';

/** True when a and b are equal; the time taken does not depend on where they differ. */
export function timingSafeEqualBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Compares two strings (e.g. hex signatures) in constant time for equal lengths. */
export function timingSafeEqualString(a: string, b: string): boolean {
  return timingSafeEqualBytes(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
