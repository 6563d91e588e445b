/** One data key sealed under a one-use record key (AES-256-GCM, constant nonce) and opened again; the record keys of version-4 records. */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { Secret } from '../common/secret.js';

const ZERO_NONCE = Buffer.alloc(12);

/**
 * A record key: HMAC-SHA256(key-encryption key, domain ‖ salt), a one-block PRF-based KDF. Every record
 * has a fresh 256-bit salt, so every record key seals exactly one message and the nonce may be constant.
 */
export function recordKey(kek: Buffer, domain: string, salt: Buffer): Buffer {
  return createHmac('sha256', kek).update(domain, 'utf8').update(salt).digest();
}

/** Seals a 32-byte data key: 32 bytes of ciphertext ‖ 16-byte tag. Wipes `key` (a record key) afterwards. */
export function sealDataKey(key: Buffer, aad: Buffer, dataKey: Secret): Buffer {
  try {
    const cipher = createCipheriv('aes-256-gcm', key, ZERO_NONCE);
    cipher.setAAD(aad);
    return Buffer.concat([cipher.update(dataKey.reveal()), cipher.final(), cipher.getAuthTag()]);
  } finally {
    key.fill(0);
  }
}

/** Opens what sealDataKey sealed; undefined when the key, the associated data or the record is wrong. Wipes `key`. */
export function openDataKey(key: Buffer, aad: Buffer, sealed: Buffer): Secret | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ZERO_NONCE);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(32));
    const dataKey = decipher.update(sealed.subarray(0, 32));
    try {
      decipher.final();
    } catch {
      dataKey.fill(0);
      return undefined;
    }
    return new Secret(dataKey);
  } finally {
    key.fill(0);
  }
}
