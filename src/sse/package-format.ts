/** FROZEN: the byte layout of an encrypted blob (docs/FORMAT.md). Changing any constant makes existing data unreadable. */

/** FROZEN: plaintext bytes per package. */
export const PACKAGE_SIZE = 64 * 1024;
/** FROZEN: AES-GCM tag length. */
export const TAG_SIZE = 16;
/** FROZEN: blob header: magic "SRB", format version 1, four reserved zero bytes. */
export const HEADER = Buffer.from([0x53, 0x52, 0x42, 0x01, 0, 0, 0, 0]);
export const HEADER_SIZE = HEADER.length;
/**
 * FROZEN: header of a two-layer blob (DSSE-KMS): magic "SRB", format version 2, four reserved zero bytes.
 * Same size as format 1; its packages carry a second tag (dual-layer.ts).
 */
export const DUAL_LAYER_HEADER = Buffer.from([0x53, 0x52, 0x42, 0x02, 0, 0, 0, 0]);
/** FROZEN: bytes of one full sealed package. */
export const PACKAGE_STRIDE = PACKAGE_SIZE + TAG_SIZE;

/** Packages a plaintext of `size` bytes is cut into: at least one (an empty object has one empty final package). */
export function packageCount(size: number): number {
  return Math.max(1, Math.ceil(size / PACKAGE_SIZE));
}

/**
 * FROZEN: the 12-byte GCM nonce of package `index`: 7 zero bytes ‖ index (uint32 BE) ‖ final flag.
 * Zero-prefixed nonces are safe because every blob has its own fresh random data key (INVARIANT 2).
 */
export function packageNonce(index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = final ? 1 : 0;
  return nonce;
}
