/** The versioned sealed-data-key record kept in metadata; bound to its object by AEAD associated data. It has no field for the plaintext key. */

/**
 * FROZEN: record format versions. Version 1 (legacy) and 2 share the layout; a version-2 record says
 * its object's layout is authenticated by a manifest (layout-manifest.ts), and the version byte is in
 * the associated data, so a version-2 record cannot be passed off as version 1 to skip that check.
 */
export const RECORD_VERSION_LEGACY = 1;
export const RECORD_VERSION = 2;
/** FROZEN: kinds of sealing. */
export const KIND_SSE_S3 = 1;
/** FROZEN: 1 version + 1 kind + 4 master-key version + 12 nonce + 32 sealed key + 16 tag. */
export const RECORD_SIZE = 66;

export interface SealedKeyRecord {
  readonly version: typeof RECORD_VERSION_LEGACY | typeof RECORD_VERSION;
  readonly kind: 'sse-s3';
  readonly masterKeyVersion: number;
  readonly nonce: Buffer;
  /** The data key encrypted under the master key, followed by the GCM tag. */
  readonly sealed: Buffer;
}

export function encodeRecord(r: SealedKeyRecord): Buffer {
  const out = Buffer.alloc(RECORD_SIZE);
  recordHeader(r).copy(out, 0);
  r.nonce.copy(out, 6);
  r.sealed.copy(out, 18);
  return out;
}

/** Decodes a record, checking version, kind and length before slicing. */
export function decodeRecord(bytes: Buffer): SealedKeyRecord {
  if (bytes.length !== RECORD_SIZE) throw new Error(`sealed key record: expected ${RECORD_SIZE} bytes, got ${bytes.length}`);
  const version = bytes[0];
  if (version !== RECORD_VERSION && version !== RECORD_VERSION_LEGACY) throw new Error(`sealed key record: unknown version ${version}`);
  if (bytes[1] !== KIND_SSE_S3) throw new Error(`sealed key record: unknown kind ${bytes[1]}`);
  return { version, kind: 'sse-s3', masterKeyVersion: bytes.readUInt32BE(2), nonce: bytes.subarray(6, 18), sealed: bytes.subarray(18, 66) };
}

/** The record's fixed prefix (version, kind, master version), authenticated together with the binding. */
export function recordHeader(r: Pick<SealedKeyRecord, 'version' | 'masterKeyVersion'>): Buffer {
  const out = Buffer.alloc(6);
  out[0] = r.version;
  out[1] = KIND_SSE_S3;
  out.writeUInt32BE(r.masterKeyVersion, 2);
  return out;
}

/** Canonical associated data: a domain string and each bound field, length-prefixed so no two bindings collide. */
export function bindingAad(domain: string, fields: ReadonlyArray<string | number>): Buffer {
  const parts: Buffer[] = [];
  for (const f of [domain, ...fields.map(String)]) {
    const b = Buffer.from(f, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  }
  return Buffer.concat(parts);
}
