/** The layout manifest: an HMAC, under a key derived from the master key, over an object's ordered parts and sizes (docs/FORMAT.md). */
import { createHmac, hkdfSync } from 'node:crypto';
import { timingSafeEqualBytes } from '../common/timing-safe.js';
import { bindingAad } from './sealed-key-record.js';

/** FROZEN: manifest record version 1. */
export const MANIFEST_VERSION = 1;
/** FROZEN: 1 version + 4 master-key version + 32 HMAC-SHA256 tag. */
export const MANIFEST_SIZE = 37;
/** FROZEN: HKDF info of the manifest key and the domain of the MAC input. */
const KEY_INFO = 'strongroom/manifest-key/v1';
const DOMAIN = 'strongroom/manifest/v1';

/** What the manifest authenticates: everything that decides which bytes a read serves. */
export interface ObjectLayout {
  readonly bucket: string;
  readonly key: string;
  readonly writeId: string;
  readonly size: number;
  readonly etag: string;
  /**
   * undefined for a single PUT or copy, the part count for a completed multipart upload, 'upload part'
   * for the tag of one uploaded part of an upload not yet complete (its size and ETag, bound at UploadPart).
   */
  readonly partsCount: number | undefined | 'upload part';
  readonly parts: ReadonlyArray<{ readonly partNumber: number; readonly writeId: string; readonly size: number; readonly etag: string }>;
}

/** The canonical MAC input: length-prefixed fields, so no two layouts share an encoding. */
export function layoutBytes(l: ObjectLayout): Buffer {
  const fields: Array<string | number> = [l.bucket, l.key, l.writeId, l.size, l.etag, l.partsCount ?? 'single', l.parts.length];
  for (const p of l.parts) fields.push(p.partNumber, p.writeId, p.size, p.etag);
  return bindingAad(DOMAIN, fields);
}

/** The manifest MAC key of one master-key version: its own key (HKDF), so the master key never serves two algorithms. */
export function manifestKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), KEY_INFO, 32));
}

function tag(macKey: Buffer, masterKeyVersion: number, layout: ObjectLayout): Buffer {
  const head = Buffer.alloc(5);
  head[0] = MANIFEST_VERSION;
  head.writeUInt32BE(masterKeyVersion, 1);
  return createHmac('sha256', macKey).update(head).update(layoutBytes(layout)).digest();
}

/** Seals a layout under master-key version `version`, whose manifest key is `macKey`. */
export function sealManifest(macKey: Buffer, version: number, layout: ObjectLayout): Buffer {
  const out = Buffer.alloc(MANIFEST_SIZE);
  out[0] = MANIFEST_VERSION;
  out.writeUInt32BE(version, 1);
  tag(macKey, version, layout).copy(out, 5);
  return out;
}

/** Throws unless `manifest` is a well-formed record whose tag matches `layout`; `macKeyFor` throws for an unknown version. */
export function verifyManifest(macKeyFor: (version: number) => Buffer, layout: ObjectLayout, manifest: Buffer): void {
  if (manifest.length !== MANIFEST_SIZE) throw new Error(`layout manifest: expected ${MANIFEST_SIZE} bytes, got ${manifest.length}`);
  if (manifest[0] !== MANIFEST_VERSION) throw new Error(`layout manifest: unknown version ${manifest[0]}`);
  const version = manifest.readUInt32BE(1);
  if (!timingSafeEqualBytes(tag(macKeyFor(version), version, layout), manifest.subarray(5))) {
    throw new Error('layout manifest does not match: part sizes, part list or part count were changed');
  }
}
