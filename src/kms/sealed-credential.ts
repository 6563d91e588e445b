/** Credential secrets (secret access keys) sealed by the root key, bound to their access key id; nothing of the secret is stored in the clear. */
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import { openUnderRoot, sealUnderRoot } from './root-seal.js';

/** FROZEN: format byte 1 ‖ 32-byte salt ‖ secret (UTF-8, its own length) ‖ 16-byte tag, under HKDF(root key, salt, info = DOMAIN). */
const FORMAT = 1;
const DOMAIN = 'strongroom/credential/v1';

/** Associated data: the format byte, then the domain and the access key id, each length-prefixed (uint32 BE). */
function aad(accessKeyId: string): Buffer {
  const parts: Buffer[] = [Buffer.from([FORMAT])];
  for (const field of [DOMAIN, accessKeyId]) {
    const b = Buffer.from(field, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  }
  return Buffer.concat(parts);
}

export function sealCredential(root: Secret, accessKeyId: string, secret: Secret, random: Random): Buffer {
  return Buffer.concat([Buffer.from([FORMAT]), sealUnderRoot(root, DOMAIN, aad(accessKeyId), secret.reveal(), random)]);
}

/** Opens a sealed secret; undefined when the root key or the access key id is not the one it was sealed with. */
export function openCredential(root: Secret, accessKeyId: string, sealed: Buffer): Secret | undefined {
  if (sealed.length < 1 + 32 + 16 || sealed[0] !== FORMAT) throw new Error(`credential ${accessKeyId}: unknown record format`);
  const secret = openUnderRoot(root, DOMAIN, aad(accessKeyId), sealed.subarray(1));
  return secret && new Secret(secret);
}
