/** DSSE-KMS's second layer: every package already sealed under data key 1 is sealed again with AES-256-GCM under data key 2 (blob format 2, docs/FORMAT.md). */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { noteTurnover } from '../common/young-generation.js';
import type { Secret } from '../common/secret.js';
import { DUAL_LAYER_HEADER, TAG_SIZE, packageNonce } from './package-format.js';

/**
 * Layer 2 of a two-layer blob. Layer 1 is a format-1 package exactly (package-cipher.ts under data key 1,
 * the format-1 header as its associated data); layer 2 seals those bytes (ciphertext ‖ tag) under data key 2
 * with the same nonce formula (another key, so no (key, nonce) pair repeats) and the format-2 header as its
 * associated data. Either key alone opens one layer and yields only the other layer's ciphertext.
 * Owns data key 2: wiped by `wipe()`.
 */
export class OuterLayer {
  readonly #key: Secret;
  /** The blob header a two-layer blob starts with (checked by reads from byte 0, bound into every layer-2 tag). */
  readonly header = DUAL_LAYER_HEADER;
  /** Bytes layer 2 adds to each package: its GCM tag. */
  readonly overhead = TAG_SIZE;

  constructor(key: Secret) {
    this.#key = key;
  }

  /** Seals the pieces of one layer-1 sealed package (body, tag) as they are: no concatenation, one output piece per input piece, then the layer-2 tag. */
  seal(index: number, final: boolean, inner: readonly Buffer[]): Buffer[] {
    const cipher = createCipheriv('aes-256-gcm', this.#key.reveal(), packageNonce(index, final));
    cipher.setAAD(DUAL_LAYER_HEADER);
    const out: Buffer[] = [];
    for (const piece of inner) {
      out.push(cipher.update(piece));
      noteTurnover(piece.length);
    }
    const rest = cipher.final();
    if (rest.length > 0) out.push(rest);
    out.push(cipher.getAuthTag());
    return out;
  }

  /** Opens layer 2 of one sealed package (layer-2 ciphertext ‖ layer-2 tag): the layer-1 sealed package, still ciphertext. Throws when it is not authentic. */
  open(index: number, final: boolean, sealed: Buffer): Buffer {
    if (sealed.length < TAG_SIZE) throw new Error(`package authentication failed: package ${index} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', this.#key.reveal(), packageNonce(index, final));
    decipher.setAAD(DUAL_LAYER_HEADER);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    const inner = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
    noteTurnover(inner.length);
    try {
      decipher.final();
    } catch {
      throw new Error(`package authentication failed: package ${index}${final ? ' (final)' : ''} did not verify (layer 2)`);
    }
    return inner;
  }

  wipe(): void {
    this.#key.wipe();
  }
}
