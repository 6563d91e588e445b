/** Known-answer vectors of docs/FORMAT.md: sealed data-key records (versions 3, 2 and 1) and the layout manifest, each recomputed independently. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import { Secret } from '../common/secret.js';
import type { Random } from '../common/random.js';
import type { KeyManager } from '../kms/key-manager.js';
import { layoutBytes, manifestKey, sealManifest, verifyManifest, type ObjectLayout } from './layout-manifest.js';
import { openSseS3, sealSseS3 } from './seal-sse-s3.js';
import { decodeRecord } from './sealed-key-record.js';

// The vector inputs of docs/FORMAT.md.
const MASTER = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const MASTER_VERSION = 7;
const NONCE = Buffer.from(Array.from({ length: 12 }, (_, i) => 0xa0 + i));
const SALT = Buffer.from(Array.from({ length: 32 }, (_, i) => 0xc0 + i));
const DATA_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i));
const BINDING = { bucket: 'bucket', key: 'key', writeId: 'write', partNumber: 1 };
const V3 = '030100000007c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf2c04e89eeac042b9c29e13c5021a2bbcfe182ecc57e1c79ab76b751ea42e4cfb15e46b2e8c7e1f30066b5b1b55152858';
const V2 = '020100000007a0a1a2a3a4a5a6a7a8a9aaaba6593e6e018e44f82a2ccd984b378e9120fd0b43c6e2143bc4577cdd23f62b5e3eb690c4aba8ec64d4ef6848c6104005';
const V1 = '010100000007a0a1a2a3a4a5a6a7a8a9aaaba6593e6e018e44f82a2ccd984b378e9120fd0b43c6e2143bc4577cdd23f62b5e42909140c0e5806595e923943764dd03';
const LAYOUT: ObjectLayout = {
  bucket: 'bucket', key: 'key', writeId: 'upload', size: 5242881, etag: '0123456789abcdef0123456789abcdef-2', partsCount: 2,
  parts: [{ partNumber: 1, writeId: 'upload', size: 5242880, etag: 'aa'.repeat(16) }, { partNumber: 2, writeId: 'upload', size: 1, etag: 'bb'.repeat(16) }],
};
const MANIFEST = '01000000071343e3e4b722af886fbbdf9bfa1e1e9adc43d4775273ce4e73655d99689e9c41';

/** A key source holding only the vector's master key (the KeyManager's two read methods). */
const keys = {
  currentMasterKey: () => ({ version: MASTER_VERSION, key: new Secret(Buffer.from(MASTER)) }),
  masterKey: (v: number) => { if (v !== MASTER_VERSION) throw new Error(`unknown master key version ${v}`); return new Secret(Buffer.from(MASTER)); },
} as unknown as KeyManager;
/** The manifest key source of the vector: only master-key version 7 exists. */
const macKeyFor = (v: number) => { if (v !== MASTER_VERSION) throw new Error(`unknown master key version ${v}`); return manifestKey(MASTER); };
const fixedNonce: Random = { bytes: (n: number) => { assert.equal(n, 12); return NONCE; } };
const fixedSalt: Random = { bytes: (n: number) => { assert.equal(n, 32); return SALT; } };

/** len‖bytes, as FORMAT.md writes the associated data. */
const lp = (s: string) => { const b = Buffer.from(s, 'utf8'); const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return Buffer.concat([l, b]); };

/** The record computed straight from FORMAT.md with node:crypto, not through our code. */
function independentRecord(version: number): string {
  const head = Buffer.from([version, 0x01, 0, 0, 0, MASTER_VERSION]);
  const aad = Buffer.concat([head, lp('strongroom/sse-s3/v1'), lp('bucket'), lp('key'), lp('write'), lp('1')]);
  const c = createCipheriv('aes-256-gcm', MASTER, NONCE);
  c.setAAD(aad);
  return Buffer.concat([head, NONCE, c.update(DATA_KEY), c.final(), c.getAuthTag()]).toString('hex');
}

/** Version 3 straight from FORMAT.md: record key = HMAC-SHA256(master, domain ‖ salt), zero nonce. */
function independentRecordV3(): string {
  const head = Buffer.from([3, 0x01, 0, 0, 0, MASTER_VERSION]);
  const aad = Buffer.concat([head, lp('strongroom/sse-s3/v1'), lp('bucket'), lp('key'), lp('write'), lp('1')]);
  const recordKey = createHmac('sha256', MASTER).update('strongroom/sse-s3/record-key/v3').update(SALT).digest();
  const c = createCipheriv('aes-256-gcm', recordKey, Buffer.alloc(12));
  c.setAAD(aad);
  return Buffer.concat([head, SALT, c.update(DATA_KEY), c.final(), c.getAuthTag()]).toString('hex');
}

test('sealed data-key record version 3: the FORMAT.md vector, recomputed independently, opens to the data key', () => {
  assert.equal(independentRecordV3(), V3);
  assert.equal(sealSseS3(keys, fixedSalt, new Secret(Buffer.from(DATA_KEY)), BINDING).toString('hex'), V3);
  assert.ok(openSseS3(keys, Buffer.from(V3, 'hex'), BINDING).reveal().equals(DATA_KEY));
  assert.equal(decodeRecord(Buffer.from(V3, 'hex')).version, 3);
  // A changed salt derives another record key: the record does not open.
  const flipped = Buffer.from(V3, 'hex');
  flipped[6]! ^= 1;
  assert.throws(() => openSseS3(keys, flipped, BINDING), /did not open/);
});

test('sealed data-key record version 2 (random nonce under the master key) is still read; a rewrap of it writes version 3', () => {
  assert.equal(independentRecord(2), V2);
  assert.ok(openSseS3(keys, Buffer.from(V2, 'hex'), BINDING).reveal().equals(DATA_KEY));
  assert.equal(decodeRecord(Buffer.from(V2, 'hex')).version, 2);
  assert.equal(sealSseS3(keys, fixedSalt, new Secret(Buffer.from(DATA_KEY)), BINDING, 2).toString('hex'), V3);
  // Relabelled as legacy (to skip the layout manifest) it fails: the version byte is associated data.
  const downgraded = Buffer.from(V2, 'hex');
  downgraded[0] = 1;
  assert.throws(() => openSseS3(keys, downgraded, BINDING), /did not open/);
});

test('sealed data-key record version 1 (legacy, written before layout manifests) is still read', () => {
  assert.equal(independentRecord(1), V1);
  assert.ok(openSseS3(keys, Buffer.from(V1, 'hex'), BINDING).reveal().equals(DATA_KEY));
  // A rewrap keeps a legacy record legacy.
  assert.equal(sealSseS3(keys, fixedNonce, new Secret(Buffer.from(DATA_KEY)), BINDING, 1).toString('hex'), V1);
});

test('layout manifest: the FORMAT.md vector, recomputed independently with HKDF-SHA256 and HMAC-SHA256', () => {
  const fields = ['bucket', 'key', 'upload', '5242881', '0123456789abcdef0123456789abcdef-2', '2', '2',
    '1', 'upload', '5242880', 'aa'.repeat(16), '2', 'upload', '1', 'bb'.repeat(16)];
  const input = Buffer.concat([lp('strongroom/manifest/v1'), ...fields.map(lp)]);
  assert.ok(layoutBytes(LAYOUT).equals(input));
  const macKey = Buffer.from(hkdfSync('sha256', MASTER, Buffer.alloc(0), 'strongroom/manifest-key/v1', 32));
  const head = Buffer.from([0x01, 0, 0, 0, MASTER_VERSION]);
  assert.equal(Buffer.concat([head, createHmac('sha256', macKey).update(head).update(input).digest()]).toString('hex'), MANIFEST);
  assert.ok(manifestKey(MASTER).equals(macKey));
  assert.equal(sealManifest(manifestKey(MASTER), MASTER_VERSION, LAYOUT).toString('hex'), MANIFEST);
  verifyManifest(macKeyFor, LAYOUT, Buffer.from(MANIFEST, 'hex'));
});

test('layout manifest: every layout field is bound, and malformed records are refused before use', () => {
  const manifest = Buffer.from(MANIFEST, 'hex');
  const changed: Array<[string, ObjectLayout]> = [
    ['bucket', { ...LAYOUT, bucket: 'other' }],
    ['key', { ...LAYOUT, key: 'other' }],
    ['writeId', { ...LAYOUT, writeId: 'other' }],
    ['size', { ...LAYOUT, size: 5242880 }],
    ['etag', { ...LAYOUT, etag: 'x' }],
    ['parts count', { ...LAYOUT, partsCount: 3 }],
    ['single instead of multipart', { ...LAYOUT, partsCount: undefined }],
    ['last part dropped', { ...LAYOUT, parts: LAYOUT.parts.slice(0, 1) }],
    ['parts swapped', { ...LAYOUT, parts: [...LAYOUT.parts].reverse() }],
    ['a part size set to 0', { ...LAYOUT, parts: [LAYOUT.parts[0]!, { ...LAYOUT.parts[1]!, size: 0 }] }],
    ['a part number', { ...LAYOUT, parts: [LAYOUT.parts[0]!, { ...LAYOUT.parts[1]!, partNumber: 3 }] }],
    ['a part write id', { ...LAYOUT, parts: [LAYOUT.parts[0]!, { ...LAYOUT.parts[1]!, writeId: 'other' }] }],
    ['a part etag', { ...LAYOUT, parts: [LAYOUT.parts[0]!, { ...LAYOUT.parts[1]!, etag: 'cc'.repeat(16) }] }],
  ];
  for (const [what, layout] of changed) {
    assert.throws(() => verifyManifest(macKeyFor, layout, manifest), /layout manifest does not match/, what);
  }
  const flipped = Buffer.from(manifest);
  flipped[20]! ^= 1;
  assert.throws(() => verifyManifest(macKeyFor, LAYOUT, flipped), /does not match/);
  assert.throws(() => verifyManifest(macKeyFor, LAYOUT, manifest.subarray(1)), /expected 37 bytes/);
  const version = Buffer.from(manifest);
  version[0] = 2;
  assert.throws(() => verifyManifest(macKeyFor, LAYOUT, version), /unknown version 2/);
  const master = Buffer.from(manifest);
  master[4] = 8;
  assert.throws(() => verifyManifest(macKeyFor, LAYOUT, master), /unknown master key version 8/);
});
