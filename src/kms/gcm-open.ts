/** Opening one AES-256-GCM message under a single-use key: the plaintext, or undefined when it does not authenticate (its partial plaintext wiped). The key stays the caller's to wipe. */
import { createDecipheriv } from 'node:crypto';

export function openGcm(key: Buffer, nonce: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const plain = decipher.update(ciphertext);
  try {
    decipher.final();
    return plain;
  } catch {
    plain.fill(0);
    return undefined;
  }
}
