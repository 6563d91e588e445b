/** Master key versions sealed by the root key: record v2 (a key derived per record) is written; v1 (random nonce under the root key) is still read. */
import { createDecipheriv } from 'node:crypto';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import { openUnderRoot, sealUnderRoot } from './root-seal.js';

/** FROZEN v1: format byte 1 ‖ 12-byte random nonce ‖ 32-byte sealed key ‖ 16-byte tag, AES-256-GCM under the root key itself. */
const V1 = { format: 1, size: 61, domain: Buffer.from('strongroom/master-key/v1') };
/** FROZEN v2: format byte 2 ‖ 32-byte salt ‖ 32-byte sealed key ‖ 16-byte tag, under HKDF(root key, salt, info = domain). */
const V2 = { format: 2, size: 81, domain: 'strongroom/master-key/v2' };

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** v2 associated data: the format byte, the domain and the version number, so a record cannot pose as another version. */
function aadV2(version: number): Buffer {
  return Buffer.concat([Buffer.from([V2.format]), Buffer.from(V2.domain), u32(version)]);
}

/** Seals a master key version as a v2 record. */
export function sealMasterKey(root: Secret, version: number, key: Secret, random: Random): Buffer {
  return Buffer.concat([Buffer.from([V2.format]), sealUnderRoot(root, V2.domain, aadV2(version), key.reveal(), random)]);
}

/** Opens a sealed master key (v1 or v2); undefined when the root key is not the one that sealed it. */
export function openMasterKey(root: Secret, version: number, sealed: Buffer): Secret | undefined {
  if (sealed.length === V2.size && sealed[0] === V2.format) {
    const key = openUnderRoot(root, V2.domain, aadV2(version), sealed.subarray(1));
    return key && new Secret(key);
  }
  if (sealed.length === V1.size && sealed[0] === V1.format) return openV1(root, version, sealed);
  throw new Error(`master key v${version}: unknown record format`);
}

/** The v1 reader, kept for data directories written before v2. */
function openV1(root: Secret, version: number, sealed: Buffer): Secret | undefined {
  const decipher = createDecipheriv('aes-256-gcm', root.reveal(), sealed.subarray(1, 13));
  decipher.setAAD(Buffer.concat([V1.domain, u32(version)]));
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
