/** KMS key material versions sealed by the root key, each bound to its key id and version number. */
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import { openUnderRoot, sealUnderRoot } from './root-seal.js';

/** FROZEN: format byte 1 ‖ 32-byte salt ‖ 32-byte sealed material ‖ 16-byte tag, under HKDF(root key, salt, info = DOMAIN). */
const FORMAT = 1;
const DOMAIN = 'strongroom/kms-key/v1';

/** Associated data: format byte, the length-prefixed domain and key id, the version (uint32 BE). */
function aad(keyId: string, version: number): Buffer {
  const parts: Buffer[] = [Buffer.from([FORMAT])];
  for (const field of [DOMAIN, keyId]) {
    const b = Buffer.from(field, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  }
  const v = Buffer.alloc(4);
  v.writeUInt32BE(version);
  parts.push(v);
  return Buffer.concat(parts);
}

export function sealKeyMaterial(root: Secret, keyId: string, version: number, material: Secret, random: Random): Buffer {
  return Buffer.concat([Buffer.from([FORMAT]), sealUnderRoot(root, DOMAIN, aad(keyId, version), material.reveal(), random)]);
}

/** The material, or undefined when the root key, key id or version is not the one it was sealed with. */
export function openKeyMaterial(root: Secret, keyId: string, version: number, sealed: Buffer): Secret | undefined {
  if (sealed.length !== 81 || sealed[0] !== FORMAT) throw new Error(`KMS key ${keyId} v${version}: unknown record format`);
  const m = openUnderRoot(root, DOMAIN, aad(keyId, version), sealed.subarray(1));
  return m && new Secret(m);
}
