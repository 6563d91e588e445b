/** SSE-KMS and DSSE-KMS: the object's data key(s) sealed under the KMS data key(s) (key-encryption keys), bound to the object, the key ARN and the context. */
import { createHmac } from 'node:crypto';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import { openDataKey, recordKey, sealDataKey } from './record-seal.js';
import { associatedPrefix, bindingAad, encodeWithPrefix, RECORD_VERSION_FIELDS, SALT_SIZE, type DsseKmsRecord, type ObjectBinding, type SseKmsRecord } from './sealed-key-record.js';

/** FROZEN: associated-data domains and record-key domains (docs/FORMAT.md). */
const KMS_DOMAIN = 'strongroom/sse-kms/v4';
const KMS_RECORD_KEY = 'strongroom/sse-kms/record-key/v4';
const DSSE_DOMAIN = 'strongroom/dsse-kms/v4';
const DSSE_RECORD_KEY = ['strongroom/dsse-kms/record-key/v4/layer-1', 'strongroom/dsse-kms/record-key/v4/layer-2'] as const;
const DSSE_DATA_KEY = 'strongroom/dsse-kms/data-key/v4';

/** What KMS said about the key-encryption key: its key ARN, its ciphertext, the context it is bound to. */
export interface KmsSealing { readonly keyArn: string; readonly ciphertextBlob: Buffer; readonly bucketKey: boolean; readonly context: string }

const aad = (domain: string, prefix: Buffer, b: ObjectBinding) => Buffer.concat([prefix, bindingAad(domain, [b.bucket, b.key, b.writeId, b.partNumber])]);

export function sealSseKms(kek: Secret, kms: KmsSealing, dataKey: Secret, binding: ObjectBinding, random: Random): Buffer {
  const salt = random.bytes(SALT_SIZE);
  const unsealed: SseKmsRecord = { version: RECORD_VERSION_FIELDS, kind: 'sse-kms', ...kms, salt, sealed: Buffer.alloc(0) };
  // The prefix is both the associated data and the start of the record: made once.
  const prefix = associatedPrefix(unsealed);
  const sealed = sealDataKey(recordKey(kek.reveal(), KMS_RECORD_KEY, salt), aad(KMS_DOMAIN, prefix, binding), dataKey);
  return encodeWithPrefix(prefix, [sealed]);
}

export function openSseKms(record: SseKmsRecord, kek: Secret, binding: ObjectBinding): Secret {
  const key = openDataKey(recordKey(kek.reveal(), KMS_RECORD_KEY, record.salt), aad(KMS_DOMAIN, associatedPrefix(record), binding), record.sealed);
  if (!key) throw new Error('sealed data key did not open: wrong object binding or damaged record');
  return key;
}

/**
 * Seals both data keys of a DSSE-KMS write. `dataLayers` 2 (every write now): the data keys encrypt two
 * layers of the blob (dual-layer.ts); 1 only rebuilds a record as written before, for the tests that read one.
 */
export function sealDsseKms(keks: readonly [Secret, Secret], kms: { keyArn: string; context: string; ciphertextBlobs: readonly [Buffer, Buffer] }, dataKeys: readonly [Secret, Secret], binding: ObjectBinding, random: Random, dataLayers: 1 | 2 = 2): Buffer {
  const salt = random.bytes(SALT_SIZE);
  const unsealed: DsseKmsRecord = { version: RECORD_VERSION_FIELDS, kind: 'dsse-kms', ...kms, dataLayers, salt, sealed: [Buffer.alloc(0), Buffer.alloc(0)] };
  const prefix = associatedPrefix(unsealed);
  const ad = aad(DSSE_DOMAIN, prefix, binding);
  const sealed = [0, 1].map((i) => sealDataKey(recordKey(keks[i]!.reveal(), DSSE_RECORD_KEY[i]!, salt), ad, dataKeys[i]!));
  return encodeWithPrefix(prefix, sealed);
}

/** Opens both layers' data keys; each layer's key-encryption key opens only its own sealed key. */
export function openDsseKms(record: DsseKmsRecord, keks: readonly [Secret, Secret], binding: ObjectBinding): [Secret, Secret] {
  const ad = aad(DSSE_DOMAIN, associatedPrefix(record), binding);
  const first = openDataKey(recordKey(keks[0].reveal(), DSSE_RECORD_KEY[0], record.salt), ad, record.sealed[0]);
  const second = openDataKey(recordKey(keks[1].reveal(), DSSE_RECORD_KEY[1], record.salt), ad, record.sealed[1]);
  if (!first || !second) {
    first?.wipe();
    second?.wipe();
    throw new Error('sealed data key did not open: wrong object binding or damaged record');
  }
  return [first, second];
}

/**
 * The data key of a one-layer DSSE-KMS object (record `dataLayers` 1, written before two layers; read
 * only): HMAC-SHA256(layer-1 key, domain ‖ layer-2 key), one AES-GCM pass over the data (docs/FORMAT.md).
 */
export function combineDsseKeys(layers: readonly [Secret, Secret]): Secret {
  return new Secret(createHmac('sha256', layers[0].reveal()).update(DSSE_DATA_KEY, 'utf8').update(layers[1].reveal()).digest());
}
