/** AES-256-GCM sealing under the root key with a fresh key per record: HKDF-SHA256 over a 32-byte random salt kept in the record. */
import { openGcm } from './gcm-open.js';
import { createCipheriv, hkdfSync } from 'node:crypto';
import type { Random } from '../common/random.js';
import type { Secret } from '../common/secret.js';

/** FROZEN: salt length; the salt is the record's first field. */
export const SALT_SIZE = 32;
/** FROZEN: GCM tag length; the tag is the record's last field. */
export const TAG_SIZE = 16;
/**
 * FROZEN: each derived key seals exactly one message, so a constant nonce never repeats under a key.
 * The random-nonce bound (2^32 messages per key) does not apply; what must not repeat is the salt:
 * for n records the chance of two equal 256-bit salts is below n²/2^257.
 */
const NONCE = Buffer.alloc(12);

/** A record sealed under the root key does not open with the configured one: the data directory was made with another. */
export class RootKeyMismatchError extends Error {}

/** The one-record key: HKDF-SHA256(ikm = root key, salt, info = the record type's domain string), 32 bytes. */
function recordKey(root: Secret, salt: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root.reveal(), salt, info, 32));
}

/** Seals `plaintext`; returns salt ‖ ciphertext ‖ tag. `info` names the record type, `aad` binds the record to its place. */
export function sealUnderRoot(root: Secret, info: string, aad: Buffer, plaintext: Buffer, random: Random): Buffer {
  const salt = random.bytes(SALT_SIZE);
  const key = recordKey(root, salt, info);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, NONCE);
    cipher.setAAD(aad);
    return Buffer.concat([salt, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } finally {
    key.fill(0);
  }
}

/**
 * Opens salt ‖ ciphertext ‖ tag; undefined when it does not authenticate (another root key, another
 * binding, or damage). The caller owns the returned plaintext and must wipe it.
 */
export function openUnderRoot(root: Secret, info: string, aad: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < SALT_SIZE + TAG_SIZE) return undefined;
  const key = recordKey(root, sealed.subarray(0, SALT_SIZE), info);
  try {
    return openGcm(key, NONCE, aad, sealed.subarray(SALT_SIZE, sealed.length - TAG_SIZE), sealed.subarray(sealed.length - TAG_SIZE));
  } finally {
    key.fill(0);
  }
}
