/** Master key versions sealed by the root key (AES-256-GCM, the version number as associated data). */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';

const DOMAIN = Buffer.from('strongroom/master-key/v1');
/** FROZEN: format byte 1 ‖ 12-byte nonce ‖ 32-byte sealed key ‖ 16-byte tag. */
const FORMAT = 1;
const SIZE = 61;

function aad(version: number): Buffer {
  const v = Buffer.alloc(4);
  v.writeUInt32BE(version);
  return Buffer.concat([DOMAIN, v]);
}

export function sealMasterKey(root: Secret, version: number, key: Secret, random: Random): Buffer {
  const nonce = random.bytes(12);
  const cipher = createCipheriv('aes-256-gcm', root.reveal(), nonce);
  cipher.setAAD(aad(version));
  return Buffer.concat([Buffer.from([FORMAT]), nonce, cipher.update(key.reveal()), cipher.final(), cipher.getAuthTag()]);
}

/** Opens a sealed master key; undefined when the root key is not the one that sealed it. */
export function openMasterKey(root: Secret, version: number, sealed: Buffer): Secret | undefined {
  if (sealed.length !== SIZE || sealed[0] !== FORMAT) throw new Error(`master key v${version}: unknown record format`);
  const decipher = createDecipheriv('aes-256-gcm', root.reveal(), sealed.subarray(1, 13));
  decipher.setAAD(aad(version));
  decipher.setAuthTag(sealed.subarray(45));
  const key = decipher.update(sealed.subarray(13, 45));
  try {
    decipher.final();
    return new Secret(key);
  } catch {
    key.fill(0);
    return undefined;
  }
}
