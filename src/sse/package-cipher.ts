/** Seals and opens one package with AES-256-GCM; the header is associated data, the nonce binds index and finality. */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { noteTurnover } from '../common/young-generation.js';
import { HEADER, TAG_SIZE, packageNonce } from './package-format.js';

export function sealPackage(key: Buffer, index: number, final: boolean, plaintext: Buffer): Buffer[] {
  const cipher = createCipheriv('aes-256-gcm', key, packageNonce(index, final));
  cipher.setAAD(HEADER);
  const body = cipher.update(plaintext);
  noteTurnover(plaintext.length);
  const rest = cipher.final();
  return rest.length > 0 ? [body, rest, cipher.getAuthTag()] : [body, cipher.getAuthTag()];
}

/** Opens a package (ciphertext ‖ tag); throws when anything about it is not authentic. */
export function openPackage(key: Buffer, index: number, final: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG_SIZE) throw new Error(`package authentication failed: package ${index} is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key, packageNonce(index, final));
  decipher.setAAD(HEADER);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const body = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
  noteTurnover(body.length);
  try {
    decipher.final();
  } catch {
    throw new Error(`package authentication failed: package ${index}${final ? ' (final)' : ''} did not verify`);
  }
  return body;
}
