/** The versioned, self-describing KMS CiphertextBlob: which key and key version sealed it, a per-blob salt, AES-256-GCM ciphertext and tag; the encryption context is associated data. */
import { openGcm } from './gcm-open.js';
import { createCipheriv, createHmac } from 'node:crypto';
import type { Random } from '../common/random.js';
import type { Secret } from '../common/secret.js';
import { canonicalContext, type EncryptionContext } from './encryption-context.js';

/**
 * FROZEN layout v1 (docs/FORMAT.md › KMS ciphertext blob):
 * format 0x01 ‖ key id (16-byte UUID) ‖ key version (uint32 BE) ‖ salt (16) ‖ ciphertext ‖ tag (16).
 * The blob key is HKDF-SHA256(ikm = key version material, salt, info = DOMAIN), used for this blob only,
 * so the GCM nonce is a constant; AAD = the 37 header bytes ‖ canonical encryption context.
 */
const FORMAT = 1;
const HEADER = 1 + 16 + 4 + 16;
const TAG = 16;
const DOMAIN = 'strongroom/kms-blob/v1';
const NONCE = Buffer.alloc(12);

export interface BlobHeader { readonly keyId: string; readonly version: number }

function uuidBytes(keyId: string): Buffer {
  return Buffer.from(keyId.replaceAll('-', ''), 'hex');
}

function uuidText(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * HKDF-SHA256(ikm = material, salt, info = DOMAIN, 32 bytes), written out as RFC 5869's two HMACs
 * (extract: PRK = HMAC(salt, ikm); expand, one block: HMAC(PRK, info ‖ 0x01)): the same bytes as
 * hkdfSync at about half its cost, which ran on every SSE-KMS GET (the FORMAT.md blob vectors pin it).
 */
function blobKey(material: Secret, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(material.reveal()).digest();
  try {
    return createHmac('sha256', prk).update(DOMAIN, 'utf8').update(BLOCK_1).digest();
  } finally {
    prk.fill(0);
  }
}
const BLOCK_1 = Buffer.from([1]);

/** The key id and version a blob names; undefined when it is not a blob of this format. */
export function readBlobHeader(blob: Buffer): BlobHeader | undefined {
  if (blob.length < HEADER + TAG || blob[0] !== FORMAT) return undefined;
  return { keyId: uuidText(blob.subarray(1, 17)), version: blob.readUInt32BE(17) };
}

export function sealBlob(header: BlobHeader, material: Secret, context: EncryptionContext, plaintext: Buffer, random: Random): Buffer {
  const head = Buffer.alloc(HEADER);
  head[0] = FORMAT;
  uuidBytes(header.keyId).copy(head, 1);
  head.writeUInt32BE(header.version, 17);
  random.bytes(16).copy(head, 21);
  const key = blobKey(material, head.subarray(21, 37));
  try {
    const cipher = createCipheriv('aes-256-gcm', key, NONCE);
    cipher.setAAD(Buffer.concat([head, canonicalContext(context)]));
    return Buffer.concat([head, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } finally {
    key.fill(0);
  }
}

/** The plaintext, or undefined when the blob does not authenticate (damage, another context, another key). The caller wipes it. */
export function openBlob(blob: Buffer, material: Secret, context: EncryptionContext): Buffer | undefined {
  if (readBlobHeader(blob) === undefined) return undefined;
  const key = blobKey(material, blob.subarray(21, 37));
  try {
    return openGcm(key, NONCE, Buffer.concat([blob.subarray(0, HEADER), canonicalContext(context)]), blob.subarray(HEADER, blob.length - TAG), blob.subarray(blob.length - TAG));
  } finally {
    key.fill(0);
  }
}
