/** The versioned sealed-data-key record kept in metadata; bound to its object by AEAD associated data. It has no field for the plaintext key. */

/**
 * FROZEN: record format versions.
 * - 3 (current): a 32-byte random salt instead of a nonce; the data key is sealed under a key derived
 *   for this record alone, so no GCM key ever seals two messages and the 2^32 random-nonce bound on one
 *   master-key version does not apply (docs/FORMAT.md).
 * - 2: random 96-bit nonce under the master-key version itself; object layout authenticated by a manifest.
 * - 1 (legacy): as 2, written before layout manifests.
 * The version byte is in the associated data, so a record cannot be relabelled to skip a check.
 */
export const RECORD_VERSION_LEGACY = 1;
export const RECORD_VERSION_NONCE = 2;
export const RECORD_VERSION = 3;
export type RecordVersion = typeof RECORD_VERSION_LEGACY | typeof RECORD_VERSION_NONCE | typeof RECORD_VERSION;
/** FROZEN: kinds of sealing. */
export const KIND_SSE_S3 = 1;
/** FROZEN: 1 version + 1 kind + 4 master-key version + 12 nonce + 32 sealed key + 16 tag (versions 1, 2). */
export const NONCE_RECORD_SIZE = 66;
/** FROZEN: 1 version + 1 kind + 4 master-key version + 32 salt + 32 sealed key + 16 tag (version 3). */
export const SALTED_RECORD_SIZE = 86;
const HEADER_SIZE = 6;

export interface SealedKeyRecord {
  readonly version: RecordVersion;
  readonly kind: 'sse-s3';
  readonly masterKeyVersion: number;
  /** Versions 1 and 2: the 12-byte GCM nonce under the master key. Version 3: the 32-byte salt of the record key. */
  readonly nonceOrSalt: Buffer;
  /** The data key encrypted, followed by the GCM tag. */
  readonly sealed: Buffer;
}

const sizeOf = (version: RecordVersion) => (version === RECORD_VERSION ? SALTED_RECORD_SIZE : NONCE_RECORD_SIZE);

export function encodeRecord(r: SealedKeyRecord): Buffer {
  const out = Buffer.alloc(sizeOf(r.version));
  recordHeader(r).copy(out, 0);
  r.nonceOrSalt.copy(out, HEADER_SIZE);
  r.sealed.copy(out, HEADER_SIZE + r.nonceOrSalt.length);
  return out;
}

/** Decodes a record, checking version, kind and length before slicing. */
export function decodeRecord(bytes: Buffer): SealedKeyRecord {
  const version = bytes[0];
  if (version !== RECORD_VERSION && version !== RECORD_VERSION_NONCE && version !== RECORD_VERSION_LEGACY) throw new Error(`sealed key record: unknown version ${version}`);
  const size = sizeOf(version);
  if (bytes.length !== size) throw new Error(`sealed key record: expected ${size} bytes for version ${version}, got ${bytes.length}`);
  if (bytes[1] !== KIND_SSE_S3) throw new Error(`sealed key record: unknown kind ${bytes[1]}`);
  const sealedAt = size - 48;
  return { version, kind: 'sse-s3', masterKeyVersion: bytes.readUInt32BE(2), nonceOrSalt: bytes.subarray(HEADER_SIZE, sealedAt), sealed: bytes.subarray(sealedAt, size) };
}

/** The record's fixed prefix (version, kind, master version), authenticated together with the binding. */
export function recordHeader(r: Pick<SealedKeyRecord, 'version' | 'masterKeyVersion'>): Buffer {
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
