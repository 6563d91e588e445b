/** SSE-S3: a data key sealed by the current master-key version, bound to its object and part. */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Secret } from '../common/secret.js';
import type { Random } from '../common/random.js';
import type { KeyManager } from '../kms/key-manager.js';
import { bindingAad, decodeRecord, encodeRecord, RECORD_VERSION, recordHeader, type SealedKeyRecord } from './sealed-key-record.js';

export interface Binding { bucket: string; key: string; writeId: string; partNumber: number }

const DOMAIN = 'strongroom/sse-s3/v1';

function aad(version: SealedKeyRecord['version'], masterKeyVersion: number, b: Binding): Buffer {
  return Buffer.concat([recordHeader({ version, masterKeyVersion }), bindingAad(DOMAIN, [b.bucket, b.key, b.writeId, b.partNumber])]);
}

/** Seals with the current master key; `version` is RECORD_VERSION except when a rewrap keeps a legacy record legacy. */
export function sealSseS3(keys: KeyManager, random: Random, dataKey: Secret, binding: Binding, version: SealedKeyRecord['version'] = RECORD_VERSION): Buffer {
  const master = keys.currentMasterKey();
  const nonce = random.bytes(12);
  const cipher = createCipheriv('aes-256-gcm', master.key.reveal(), nonce);
  cipher.setAAD(aad(version, master.version, binding));
  const sealed = Buffer.concat([cipher.update(dataKey.reveal()), cipher.final(), cipher.getAuthTag()]);
  return encodeRecord({ version, kind: 'sse-s3', masterKeyVersion: master.version, nonce, sealed });
}

export function openSseS3(keys: KeyManager, record: Buffer, binding: Binding): Secret {
  const r = decodeRecord(record);
  const decipher = createDecipheriv('aes-256-gcm', keys.masterKey(r.masterKeyVersion).reveal(), r.nonce);
  decipher.setAAD(aad(r.version, r.masterKeyVersion, binding));
  decipher.setAuthTag(r.sealed.subarray(32));
  const key = decipher.update(r.sealed.subarray(0, 32));
  try {
    decipher.final();
  } catch {
    key.fill(0);
    throw new Error('sealed data key did not open: wrong object binding or damaged record');
  }
  return new Secret(key);
}
