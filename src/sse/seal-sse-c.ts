/** SSE-C: the data key sealed under a key derived from the customer key and a salt; only a salted HMAC of the customer key is kept, to tell a right key from a wrong one. */
import { createHmac, hkdfSync } from 'node:crypto';
import type { Random } from '../common/random.js';
import type { Secret } from '../common/secret.js';
import { timingSafeEqualBytes } from '../common/timing-safe.js';
import { openDataKey, sealDataKey } from './record-seal.js';
import { associatedPrefix, bindingAad, encodeRecord, RECORD_VERSION_FIELDS, SALT_SIZE, type ObjectBinding, type SseCRecord } from './sealed-key-record.js';

/** FROZEN: the associated-data domain, the key-check domain and the HKDF info of the sealing key (docs/FORMAT.md). */
const DOMAIN = 'strongroom/sse-c/v4';
const CHECK_DOMAIN = 'strongroom/sse-c/key-check/v4';
const SEAL_INFO = 'strongroom/sse-c/seal-key/v4';
/** FROZEN: the version byte of a standalone key check (an upload's, kept in its encryption info). */
const CHECK_VERSION = 1;

/** The request's customer key was not the one the object or upload was written with. */
export class CustomerKeyMismatchError extends Error {
  constructor() { super('the customer-provided key does not match the one the object was written with'); }
}

/** HMAC-SHA256 keyed by the salt over the domain and the customer key: one-way, and salted so equal keys give unequal checks. */
function keyCheck(salt: Buffer, customerKey: Secret): Buffer {
  return createHmac('sha256', salt).update(CHECK_DOMAIN, 'utf8').update(customerKey.reveal()).digest();
}

/** The record's sealing key: HKDF-SHA256(ikm = customer key, salt, info), its own key so the check reveals nothing about it. */
function sealingKey(customerKey: Secret, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', customerKey.reveal(), salt, SEAL_INFO, 32));
}

const aad = (prefix: Buffer, b: ObjectBinding) => Buffer.concat([prefix, bindingAad(DOMAIN, [b.bucket, b.key, b.writeId, b.partNumber])]);

export function sealSseC(customerKey: Secret, dataKey: Secret, binding: ObjectBinding, random: Random): Buffer {
  const salt = random.bytes(SALT_SIZE);
  const unsealed: SseCRecord = { version: RECORD_VERSION_FIELDS, kind: 'sse-c', salt, keyCheck: keyCheck(salt, customerKey), sealed: Buffer.alloc(0) };
  const sealed = sealDataKey(sealingKey(customerKey, salt), aad(associatedPrefix(unsealed), binding), dataKey);
  return encodeRecord({ ...unsealed, sealed });
}

/** Throws CustomerKeyMismatchError for a wrong key (the check differs), a plain Error for a damaged or moved record. */
export function openSseC(record: SseCRecord, customerKey: Secret, binding: ObjectBinding): Secret {
  if (!timingSafeEqualBytes(keyCheck(record.salt, customerKey), record.keyCheck)) throw new CustomerKeyMismatchError();
  const key = openDataKey(sealingKey(customerKey, record.salt), aad(associatedPrefix(record), binding), record.sealed);
  if (!key) throw new Error('sealed data key did not open: wrong object binding or damaged record');
  return key;
}

/** A standalone salted check of a customer key (hex of version ‖ salt ‖ HMAC), for an upload's or object's encryption info. */
export function customerKeyCheck(customerKey: Secret, random: Random): string {
  const salt = random.bytes(SALT_SIZE);
  return Buffer.concat([Buffer.from([CHECK_VERSION]), salt, keyCheck(salt, customerKey)]).toString('hex');
}

/** Whether `customerKey` is the key `check` was made from; a malformed check matches nothing. */
export function customerKeyMatches(check: string, customerKey: Secret): boolean {
  const bytes = Buffer.from(check, 'hex');
  if (bytes.length !== 1 + SALT_SIZE + 32 || bytes[0] !== CHECK_VERSION) return false;
  return timingSafeEqualBytes(keyCheck(bytes.subarray(1, 1 + SALT_SIZE), customerKey), bytes.subarray(1 + SALT_SIZE));
}
