/** The versioned sealed-data-key record kept in metadata; bound to its object by AEAD associated data. It has no field for the plaintext key. */

/**
 * FROZEN: record format versions.
 * - 4: a kind byte and a variable body of length-prefixed fields (SSE-S3, SSE-KMS, DSSE-KMS, SSE-C);
 *   written for every kind but SSE-S3, which keeps writing version 3 (same cost, same bytes).
 * - 3 (SSE-S3 writes): a 32-byte random salt instead of a nonce; the data key is sealed under a key derived
 *   for this record alone, so no GCM key ever seals two messages and the 2^32 random-nonce bound on one
 *   master-key version does not apply (docs/FORMAT.md).
 * - 2: random 96-bit nonce under the master-key version itself; object layout authenticated by a manifest.
 * - 1 (legacy): as 2, written before layout manifests.
 * The version and kind bytes are in the associated data, so a record cannot be relabelled to skip a check.
 */
export const RECORD_VERSION_LEGACY = 1;
export const RECORD_VERSION_NONCE = 2;
export const RECORD_VERSION = 3;
export const RECORD_VERSION_FIELDS = 4;
export type FixedRecordVersion = typeof RECORD_VERSION_LEGACY | typeof RECORD_VERSION_NONCE | typeof RECORD_VERSION;
export type RecordVersion = FixedRecordVersion | typeof RECORD_VERSION_FIELDS;
/** FROZEN: kinds of sealing (byte 1 of every record). */
export const KIND_SSE_S3 = 1;
export const KIND_SSE_KMS = 2;
export const KIND_DSSE_KMS = 3;
export const KIND_SSE_C = 4;
/** FROZEN: 1 version + 1 kind + 4 master-key version + 12 nonce + 32 sealed key + 16 tag (versions 1, 2). */
export const NONCE_RECORD_SIZE = 66;
/** FROZEN: 1 version + 1 kind + 4 master-key version + 32 salt + 32 sealed key + 16 tag (version 3). */
export const SALTED_RECORD_SIZE = 86;
/** A data key sealed with AES-256-GCM: 32 bytes of ciphertext and the 16-byte tag. */
export const SEALED_KEY_SIZE = 48;
export const SALT_SIZE = 32;
const HEADER_SIZE = 6;
/** Version 4: 1 version + 1 kind + 1 field count, then the fields. */
const FIELDS_HEADER_SIZE = 3;
/** What every sealed key is bound to: its object, its write (or upload) and its part. */
export interface ObjectBinding { bucket: string; key: string; writeId: string; partNumber: number }

/** Bounds on variable fields: a record is refused before use when a length is absurd. */
const MAX_TEXT = 8192;
const MAX_BLOB = 6144;

/** SSE-S3, versions 1–3 (fixed layout) or 4 (fields). */
export interface SseS3Record {
  readonly version: RecordVersion;
  readonly kind: 'sse-s3';
  readonly masterKeyVersion: number;
  /** Versions 1 and 2: the 12-byte GCM nonce under the master key. Versions 3, 4: the 32-byte salt of the record key. */
  readonly nonceOrSalt: Buffer;
  /** The data key encrypted, followed by the GCM tag. */
  readonly sealed: Buffer;
}

/** SSE-KMS (version 4): the data key sealed under a key derived from the KMS data key (the KEK) and the salt. */
export interface SseKmsRecord {
  readonly version: typeof RECORD_VERSION_FIELDS;
  readonly kind: 'sse-kms';
  readonly keyArn: string;
  /** The KMS ciphertext of the KEK, as GenerateDataKey returned it. */
  readonly ciphertextBlob: Buffer;
  readonly bucketKey: boolean;
  /** The encryption context as canonical JSON (what KMS Decrypt must be given again). */
  readonly context: string;
  readonly salt: Buffer;
  readonly sealed: Buffer;
}

/** DSSE-KMS (version 4): two KMS data keys, each sealing one of the object's two independent data keys. */
export interface DsseKmsRecord {
  readonly version: typeof RECORD_VERSION_FIELDS;
  readonly kind: 'dsse-kms';
  readonly keyArn: string;
  readonly context: string;
  readonly ciphertextBlobs: readonly [Buffer, Buffer];
  /**
   * How the two data keys encrypt the data. 2 (written now): two AES-256-GCM layers, the blob in format 2
   * (data key 1 inside, data key 2 outside; a data-layers field 0x02, 8 fields). 1 (read only, written
   * before): one layer under a key combined from both (7 fields, no data-layers field).
   */
  readonly dataLayers: 1 | 2;
  readonly salt: Buffer;
  readonly sealed: readonly [Buffer, Buffer];
}

/** SSE-C (version 4): a salted HMAC of the customer key (to tell right from wrong) and the data key sealed under a key derived from it. */
export interface SseCRecord {
  readonly version: typeof RECORD_VERSION_FIELDS;
  readonly kind: 'sse-c';
  readonly salt: Buffer;
  readonly keyCheck: Buffer;
  readonly sealed: Buffer;
}

export type SealedKeyRecord = SseS3Record | SseKmsRecord | DsseKmsRecord | SseCRecord;
export type RecordKind = SealedKeyRecord['kind'];

const KIND_BYTES: Readonly<Record<RecordKind, number>> = { 'sse-s3': KIND_SSE_S3, 'sse-kms': KIND_SSE_KMS, 'dsse-kms': KIND_DSSE_KMS, 'sse-c': KIND_SSE_C };
/** Field counts of each version-4 kind (DSSE-KMS: 7 with one data layer, 8 with two); the sealed key(s) come last (they are not associated data). */
const FIELD_COUNTS: Readonly<Record<RecordKind, readonly number[]>> = {
  'sse-s3': [3], 'sse-kms': [6], 'dsse-kms': [7, 8], 'sse-c': [3],
};
/** FROZEN: the data-layers field of a two-layer DSSE-KMS record. */
const TWO_DATA_LAYERS = 2;

const sizeOf = (version: FixedRecordVersion) => (version === RECORD_VERSION ? SALTED_RECORD_SIZE : NONCE_RECORD_SIZE);

const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const text = (s: string) => Buffer.from(s, 'utf8');

/** A version-4 record's fields in order: the associated ones first, then the sealed key(s). */
function fieldsOf(r: SealedKeyRecord): { open: Buffer[]; sealed: Buffer[] } {
  switch (r.kind) {
    case 'sse-s3': return { open: [u32(r.masterKeyVersion), r.nonceOrSalt], sealed: [r.sealed] };
    case 'sse-kms': return { open: [text(r.keyArn), r.ciphertextBlob, Buffer.from([r.bucketKey ? 1 : 0]), text(r.context), r.salt], sealed: [r.sealed] };
    case 'dsse-kms': {
      const layers = r.dataLayers === 2 ? [Buffer.from([TWO_DATA_LAYERS])] : [];
      return { open: [text(r.keyArn), text(r.context), r.ciphertextBlobs[0], r.ciphertextBlobs[1], ...layers, r.salt], sealed: [...r.sealed] };
    }
    case 'sse-c': return { open: [r.salt, r.keyCheck], sealed: [r.sealed] };
  }
}

/**
 * `head` then every field as a 4-byte big-endian length and its bytes, written into one buffer: a
 * Buffer per length prefix and a join after cost more than the seal itself on a small SSE-KMS PUT.
 */
function withFields(head: Buffer | readonly number[], fields: readonly Buffer[]): Buffer {
  let size = head.length;
  for (const f of fields) size += 4 + f.length;
  const out = Buffer.allocUnsafe(size);
  out.set(head, 0);
  let at = head.length;
  for (const f of fields) {
    out.writeUInt32BE(f.length, at);
    at += 4 + f.copy(out, at + 4);
  }
  return out;
}

/** A version-4 record from its associated prefix (associatedPrefix, already computed for the seal) and its sealed key(s). */
export function encodeWithPrefix(prefix: Buffer, sealed: readonly Buffer[]): Buffer {
  return withFields(prefix, sealed);
}

export function encodeRecord(r: SealedKeyRecord): Buffer {
  if (r.version !== RECORD_VERSION_FIELDS) {
    const s3 = r as SseS3Record;
    const out = Buffer.alloc(sizeOf(r.version));
    recordHeader(s3).copy(out, 0);
    s3.nonceOrSalt.copy(out, HEADER_SIZE);
    s3.sealed.copy(out, HEADER_SIZE + s3.nonceOrSalt.length);
    return out;
  }
  return withFields(associatedPrefix(r), fieldsOf(r).sealed);
}

/**
 * What a record contributes to its own associated data: versions 1–3 the 6-byte fixed prefix; version 4
 * the header and every field before the sealed key(s), exactly as encoded (so the KMS key ARN, the KMS
 * ciphertext, the bucket-key flag, the context, the salt and the key check cannot be changed either).
 */
export function associatedPrefix(r: SealedKeyRecord): Buffer {
  if (r.version !== RECORD_VERSION_FIELDS) return recordHeader(r as SseS3Record);
  const { open, sealed } = fieldsOf(r);
  return withFields([RECORD_VERSION_FIELDS, KIND_BYTES[r.kind], open.length + sealed.length], open);
}

/** Decodes a record, checking version, kind and lengths before slicing. */
export function decodeRecord(bytes: Buffer): SealedKeyRecord {
  const version = bytes[0];
  if (version === RECORD_VERSION_FIELDS) return decodeFields(bytes);
  if (version !== RECORD_VERSION && version !== RECORD_VERSION_NONCE && version !== RECORD_VERSION_LEGACY) throw new Error(`sealed key record: unknown version ${version}`);
  const size = sizeOf(version);
  if (bytes.length !== size) throw new Error(`sealed key record: expected ${size} bytes for version ${version}, got ${bytes.length}`);
  if (bytes[1] !== KIND_SSE_S3) throw new Error(`sealed key record: unknown kind ${bytes[1]}`);
  const sealedAt = size - 48;
  return { version, kind: 'sse-s3', masterKeyVersion: bytes.readUInt32BE(2), nonceOrSalt: bytes.subarray(HEADER_SIZE, sealedAt), sealed: bytes.subarray(sealedAt, size) };
}

function decodeFields(bytes: Buffer): SealedKeyRecord {
  if (bytes.length < FIELDS_HEADER_SIZE) throw new Error('sealed key record: version 4 record truncated');
  const kind = (Object.keys(KIND_BYTES) as RecordKind[]).find((k) => KIND_BYTES[k] === bytes[1]);
  if (kind === undefined) throw new Error(`sealed key record: unknown kind ${bytes[1]}`);
  const count = bytes[2]!;
  if (!FIELD_COUNTS[kind].includes(count)) throw new Error(`sealed key record: kind ${kind} has ${FIELD_COUNTS[kind].join(' or ')} fields, not ${count}`);
  const f: Buffer[] = [];
  let at = FIELDS_HEADER_SIZE;
  while (f.length < count) {
    if (at + 4 > bytes.length) throw new Error('sealed key record: version 4 record truncated');
    const len = bytes.readUInt32BE(at);
    if (len > MAX_TEXT || at + 4 + len > bytes.length) throw new Error('sealed key record: field length out of bounds');
    f.push(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at !== bytes.length) throw new Error('sealed key record: bytes after the last field');
  const fixed = (b: Buffer, n: number, what: string) => { if (b.length !== n) throw new Error(`sealed key record: ${what} must be ${n} bytes, got ${b.length}`); return b; };
  const blob = (b: Buffer) => { if (b.length === 0 || b.length > MAX_BLOB) throw new Error('sealed key record: KMS ciphertext length out of bounds'); return b; };
  const utf8 = (b: Buffer) => b.toString('utf8');
  const v = RECORD_VERSION_FIELDS;
  switch (kind) {
    case 'sse-s3':
      return { version: v, kind, masterKeyVersion: fixed(f[0]!, 4, 'master-key version').readUInt32BE(0), nonceOrSalt: fixed(f[1]!, SALT_SIZE, 'salt'), sealed: fixed(f[2]!, SEALED_KEY_SIZE, 'sealed key') };
    case 'sse-kms': {
      const flag = fixed(f[2]!, 1, 'bucket-key flag')[0];
      if (flag !== 0 && flag !== 1) throw new Error(`sealed key record: bucket-key flag ${flag}`);
      return {
        version: v, kind, keyArn: utf8(f[0]!), ciphertextBlob: blob(f[1]!), bucketKey: flag === 1, context: utf8(f[3]!),
        salt: fixed(f[4]!, SALT_SIZE, 'salt'), sealed: fixed(f[5]!, SEALED_KEY_SIZE, 'sealed key'),
      };
    }
    case 'dsse-kms': {
      // Eight fields: the fifth says two data layers, and must; seven: the one-layer records written before.
      const two = count === 8;
      if (two && fixed(f[4]!, 1, 'data-layers field')[0] !== TWO_DATA_LAYERS) throw new Error(`sealed key record: data layers ${f[4]![0]}`);
      const s = two ? 5 : 4;
      return {
        version: v, kind, keyArn: utf8(f[0]!), context: utf8(f[1]!), ciphertextBlobs: [blob(f[2]!), blob(f[3]!)], dataLayers: two ? 2 : 1,
        salt: fixed(f[s]!, SALT_SIZE, 'salt'), sealed: [fixed(f[s + 1]!, SEALED_KEY_SIZE, 'sealed key'), fixed(f[s + 2]!, SEALED_KEY_SIZE, 'sealed key')],
      };
    }
    case 'sse-c':
      return { version: v, kind, salt: fixed(f[0]!, SALT_SIZE, 'salt'), keyCheck: fixed(f[1]!, 32, 'key check'), sealed: fixed(f[2]!, SEALED_KEY_SIZE, 'sealed key') };
  }
}

/** The fixed prefix of versions 1–3 (version, kind, master version), authenticated together with the binding. */
export function recordHeader(r: Pick<SseS3Record, 'version' | 'masterKeyVersion'>): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  out[0] = r.version;
  out[1] = KIND_SSE_S3;
  out.writeUInt32BE(r.masterKeyVersion, 2);
  return out;
}

/** Canonical associated data: a domain string and each bound field, length-prefixed so no two bindings collide. */
export function bindingAad(domain: string, fields: ReadonlyArray<string | number>): Buffer {
  // Written into one buffer (not a Buffer per field and per length joined after): it runs twice or more
  // on every small read and write (sealed key, layout manifest).
  const texts = [domain, ...fields.map(String)];
  let size = 0;
  for (const t of texts) size += 4 + Buffer.byteLength(t, 'utf8');
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const t of texts) {
    const n = out.write(t, at + 4, 'utf8');
    out.writeUInt32BE(n, at);
    at += 4 + n;
  }
  return out;
}
