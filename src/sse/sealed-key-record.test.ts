/** Known-answer vectors of docs/FORMAT.md: sealed data-key records (versions 4, 3, 2 and 1), the opaque ETag and the layout manifest, each recomputed independently. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import { Secret } from '../common/secret.js';
import { systemRandom, type Random } from '../common/random.js';
import type { KeyManager } from '../kms/key-manager.js';
import { layoutBytes, manifestKey, sealManifest, verifyManifest, type ObjectLayout } from './layout-manifest.js';
import { openSseS3, sealSseS3 } from './seal-sse-s3.js';
import { decodeRecord } from './sealed-key-record.js';
import { openDsseKms, openSseKms, sealDsseKms, sealSseKms } from './seal-sse-kms.js';
import { CustomerKeyMismatchError, customerKeyCheck, customerKeyMatches, openSseC, sealSseC } from './seal-sse-c.js';
import { etagKey, opaqueEtag } from './object-etag.js';

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

// ---- Version 4: a kind byte and a body of length-prefixed fields (docs/FORMAT.md "Sealed data-key record version 4").

const KEK = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i));
const KEK2 = Buffer.from(Array.from({ length: 32 }, (_, i) => 0xa0 + i));
const DATA_KEY2 = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x60 + i));
const CUSTOMER_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => 0xe0 + i));
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const BLOB = Buffer.from(Array.from({ length: 16 }, (_, i) => 0x01 + i));
const BLOB2 = Buffer.from(Array.from({ length: 16 }, (_, i) => 0x21 + i));
const CONTEXT = '{"aws:s3:arn":"arn:aws:s3:::bucket/key"}';
const V4_SSE_S3 = '040103000000040000000700000020c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf000000302c04e89eeac042b9c29e13c5021a2bbcfe182ecc57e1c79ab76b751ea42e4cfbdb09586bd5a5ec0d3db394186c50c0a0';
const V4_SSE_KMS = '0402060000004b61726e3a6177733a6b6d733a75732d656173742d313a3131313132323232333333333a6b65792f31323334616263642d313261622d333463642d353665662d313233343536373839306162000000100102030405060708090a0b0c0d0e0f100000000100000000287b226177733a73333a61726e223a2261726e3a6177733a73333a3a3a6275636b65742f6b6579227d00000020c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf00000030f82d1b0a0848193de7ae48275ab3d50bcfb168447c94af16c1b7d36c376a6e570519bcf5063c290017aaf4ea5a78cecf';
const V4_DSSE_KMS = '0403070000004b61726e3a6177733a6b6d733a75732d656173742d313a3131313132323232333333333a6b65792f31323334616263642d313261622d333463642d353665662d313233343536373839306162000000287b226177733a73333a61726e223a2261726e3a6177733a73333a3a3a6275636b65742f6b6579227d000000100102030405060708090a0b0c0d0e0f10000000102122232425262728292a2b2c2d2e2f3000000020c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf00000030cd1c9e8e7c3b4bdc74d8232b6abc4c294427458db2265271dcdc5384431e0095f501794e4ccb4b2f5f711c0db4b5c02600000030fae9195ac9d7fca15212d2f11e24b6486e39ede801f84913ed504bc6391b852fda39c82194402581c3ba94f3be25f461';
const V4_SSE_C = '04040300000020c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf0000002066735fc872bfd66f29e8dbf6fe97bf57094beef63e66b80eef36780ce0c91844000000303c874c284e0ec17ac3dc066dc8be274b53759088bd3c84b6355153a96a968b40f0c195ebf50e99be4d7bc65b3d821c5c';
const ETAG = 'c013222b20bfd5d6648e056f5be926b0';

/** u32 BE length ‖ bytes. */
const lpb = (b: Buffer) => { const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return Buffer.concat([l, b]); };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const bindingTail = (domain: string) => Buffer.concat([lp(domain), lp('bucket'), lp('key'), lp('write'), lp('1')]);
/** AES-256-GCM with a zero nonce: the sealing of every version-4 record. */
function gcm(key: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv('aes-256-gcm', key, Buffer.alloc(12));
  c.setAAD(aad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}
const hmac = (key: Buffer, ...parts: Array<string | Buffer>) => { const h = createHmac('sha256', key); for (const p of parts) h.update(p); return h.digest(); };

/** Each version-4 record straight from FORMAT.md with node:crypto, not through our code. */
function independentV4(kind: 'sse-s3' | 'sse-kms' | 'dsse-kms' | 'sse-c'): string {
  switch (kind) {
    case 'sse-s3': {
      const prefix = Buffer.concat([Buffer.from([4, 1, 3]), lpb(u32(MASTER_VERSION)), lpb(SALT)]);
      const k = hmac(MASTER, 'strongroom/sse-s3/record-key/v3', SALT);
      return Buffer.concat([prefix, lpb(gcm(k, Buffer.concat([prefix, bindingTail('strongroom/sse-s3/v1')]), DATA_KEY))]).toString('hex');
    }
    case 'sse-kms': {
      const prefix = Buffer.concat([Buffer.from([4, 2, 6]), lpb(Buffer.from(KEY_ARN)), lpb(BLOB), lpb(Buffer.from([0])), lpb(Buffer.from(CONTEXT)), lpb(SALT)]);
      const k = hmac(KEK, 'strongroom/sse-kms/record-key/v4', SALT);
      return Buffer.concat([prefix, lpb(gcm(k, Buffer.concat([prefix, bindingTail('strongroom/sse-kms/v4')]), DATA_KEY))]).toString('hex');
    }
    case 'dsse-kms': {
      const prefix = Buffer.concat([Buffer.from([4, 3, 7]), lpb(Buffer.from(KEY_ARN)), lpb(Buffer.from(CONTEXT)), lpb(BLOB), lpb(BLOB2), lpb(SALT)]);
      const aad = Buffer.concat([prefix, bindingTail('strongroom/dsse-kms/v4')]);
      const k1 = hmac(KEK, 'strongroom/dsse-kms/record-key/v4/layer-1', SALT);
      const k2 = hmac(KEK2, 'strongroom/dsse-kms/record-key/v4/layer-2', SALT);
      return Buffer.concat([prefix, lpb(gcm(k1, aad, DATA_KEY)), lpb(gcm(k2, aad, DATA_KEY2))]).toString('hex');
    }
    case 'sse-c': {
      const check = hmac(SALT, 'strongroom/sse-c/key-check/v4', CUSTOMER_KEY);
      const prefix = Buffer.concat([Buffer.from([4, 4, 3]), lpb(SALT), lpb(check)]);
      const k = Buffer.from(hkdfSync('sha256', CUSTOMER_KEY, SALT, 'strongroom/sse-c/seal-key/v4', 32));
      return Buffer.concat([prefix, lpb(gcm(k, Buffer.concat([prefix, bindingTail('strongroom/sse-c/v4')]), DATA_KEY))]).toString('hex');
    }
  }
}

const secret = (b: Buffer) => new Secret(Buffer.from(b));
const kmsSealing = { keyArn: KEY_ARN, ciphertextBlob: BLOB, bucketKey: false, context: CONTEXT };

test('sealed data-key record version 4: the FORMAT.md vectors of every kind, recomputed independently, open to their data keys', () => {
  assert.equal(independentV4('sse-s3'), V4_SSE_S3);
  assert.ok(openSseS3(keys, Buffer.from(V4_SSE_S3, 'hex'), BINDING).reveal().equals(DATA_KEY));

  assert.equal(independentV4('sse-kms'), V4_SSE_KMS);
  assert.equal(sealSseKms(secret(KEK), kmsSealing, secret(DATA_KEY), BINDING, fixedSalt).toString('hex'), V4_SSE_KMS);
  const kms = decodeRecord(Buffer.from(V4_SSE_KMS, 'hex'));
  assert.ok(kms.kind === 'sse-kms' && kms.keyArn === KEY_ARN && kms.context === CONTEXT && kms.ciphertextBlob.equals(BLOB) && !kms.bucketKey);
  assert.ok(openSseKms(kms, secret(KEK), BINDING).reveal().equals(DATA_KEY));

  assert.equal(independentV4('dsse-kms'), V4_DSSE_KMS);
  const dsseMeta = { keyArn: KEY_ARN, context: CONTEXT, ciphertextBlobs: [BLOB, BLOB2] as const };
  assert.equal(sealDsseKms([secret(KEK), secret(KEK2)], dsseMeta, [secret(DATA_KEY), secret(DATA_KEY2)], BINDING, fixedSalt, 1).toString('hex'), V4_DSSE_KMS);
  const dsse = decodeRecord(Buffer.from(V4_DSSE_KMS, 'hex'));
  assert.ok(dsse.kind === 'dsse-kms');
  const [one, two] = openDsseKms(dsse, [secret(KEK), secret(KEK2)], BINDING);
  assert.ok(one.reveal().equals(DATA_KEY) && two.reveal().equals(DATA_KEY2));
  // Each layer's KMS key opens only its own layer.
  assert.throws(() => openDsseKms(dsse, [secret(KEK2), secret(KEK)], BINDING), /did not open/);

  assert.equal(independentV4('sse-c'), V4_SSE_C);
  assert.equal(sealSseC(secret(CUSTOMER_KEY), secret(DATA_KEY), BINDING, fixedSalt).toString('hex'), V4_SSE_C);
  const ssec = decodeRecord(Buffer.from(V4_SSE_C, 'hex'));
  assert.ok(ssec.kind === 'sse-c');
  assert.ok(openSseC(ssec, secret(CUSTOMER_KEY), BINDING).reveal().equals(DATA_KEY));
});

/** The two-layer DSSE-KMS record (8 fields, data-layers field 0x02) with the inputs above; computed with pyca/cryptography. */
const V4_DSSE_KMS_TWO_LAYERS = '0403080000004b61726e3a6177733a6b6d733a75732d656173742d313a3131313132323232333333333a6b65792f31323334616263642d313261622d333463642d353665662d313233343536373839306162000000287b226177733a73333a61726e223a2261726e3a6177733a73333a3a3a6275636b65742f6b6579227d000000100102030405060708090a0b0c0d0e0f10000000102122232425262728292a2b2c2d2e2f30000000010200000020c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf00000030cd1c9e8e7c3b4bdc74d8232b6abc4c294427458db2265271dcdc5384431e009555f3d47bbcd960482ffa36fd52996a0200000030fae9195ac9d7fca15212d2f11e24b6486e39ede801f84913ed504bc6391b852fb7743e73426715e45131caab9f07b7ca';

test('DSSE-KMS record with two data layers: the FORMAT.md vector; the one-layer record stays readable as one layer, and neither can be relabelled as the other', () => {
  const dsseMeta = { keyArn: KEY_ARN, context: CONTEXT, ciphertextBlobs: [BLOB, BLOB2] as const };
  assert.equal(sealDsseKms([secret(KEK), secret(KEK2)], dsseMeta, [secret(DATA_KEY), secret(DATA_KEY2)], BINDING, fixedSalt).toString('hex'), V4_DSSE_KMS_TWO_LAYERS);
  const two = decodeRecord(Buffer.from(V4_DSSE_KMS_TWO_LAYERS, 'hex'));
  assert.ok(two.kind === 'dsse-kms' && two.dataLayers === 2);
  const [k1, k2] = openDsseKms(two, [secret(KEK), secret(KEK2)], BINDING);
  assert.ok(k1.reveal().equals(DATA_KEY) && k2.reveal().equals(DATA_KEY2));
  const one = decodeRecord(Buffer.from(V4_DSSE_KMS, 'hex'));
  assert.ok(one.kind === 'dsse-kms' && one.dataLayers === 1);
  // The data-layers field is associated data: the same sealed keys under the other label do not open.
  assert.throws(() => openDsseKms({ ...two, dataLayers: 1 }, [secret(KEK), secret(KEK2)], BINDING), /did not open/);
  assert.throws(() => openDsseKms({ ...one, dataLayers: 2 }, [secret(KEK), secret(KEK2)], BINDING), /did not open/);
  // Only 0x02 is a data-layers field; no other field count is a DSSE-KMS record.
  const bad = Buffer.from(V4_DSSE_KMS_TWO_LAYERS, 'hex');
  const at = bad.indexOf(Buffer.from('0000000102', 'hex'), 3) + 4;
  bad[at] = 3;
  assert.throws(() => decodeRecord(bad), /data layers 3/);
  const nine = Buffer.from(V4_DSSE_KMS_TWO_LAYERS, 'hex');
  nine[2] = 9;
  assert.throws(() => decodeRecord(nine), /7 or 8 fields, not 9/);
});

test('SSE-C record: a wrong customer key is told apart (CustomerKeyMismatchError) from a damaged or moved record; the record holds no key', () => {
  const record = Buffer.from(V4_SSE_C, 'hex');
  const ssec = decodeRecord(record);
  assert.ok(ssec.kind === 'sse-c');
  assert.throws(() => openSseC(ssec, secret(KEK), BINDING), CustomerKeyMismatchError);
  for (const other of [{ bucket: 'c' }, { key: 'k2' }, { writeId: 'w2' }, { partNumber: 2 }]) {
    assert.throws(() => openSseC(ssec, secret(CUSTOMER_KEY), { ...BINDING, ...other }), /did not open/, JSON.stringify(other));
  }
  // Neither the raw key nor its MD5, hex or base64 appears in the record.
  const md5 = createHash('md5').update(CUSTOMER_KEY).digest();
  for (const form of [CUSTOMER_KEY, md5, Buffer.from(CUSTOMER_KEY.toString('hex')), Buffer.from(CUSTOMER_KEY.toString('base64')), Buffer.from(md5.toString('base64'))]) {
    assert.equal(record.indexOf(form), -1);
  }
  // The standalone check (an upload's) is salted: two checks of one key differ, and each matches only that key.
  const a = customerKeyCheck(secret(CUSTOMER_KEY), systemRandom);
  const b = customerKeyCheck(secret(CUSTOMER_KEY), systemRandom);
  assert.notEqual(a, b);
  assert.ok(customerKeyMatches(a, secret(CUSTOMER_KEY)) && customerKeyMatches(b, secret(CUSTOMER_KEY)));
  assert.ok(!customerKeyMatches(a, secret(KEK)));
  assert.ok(!customerKeyMatches(a.slice(2), secret(CUSTOMER_KEY)), 'a malformed check matches nothing');
});

test('sealed data-key record version 4: every associated field is bound, and malformed records are refused before use', () => {
  // One byte changed inside each field before the sealed key: the record no longer opens.
  const kms = Buffer.from(V4_SSE_KMS, 'hex');
  const fieldStarts: Array<[string, number]> = [];
  let at = 3;
  for (const name of ['key ARN', 'KMS ciphertext', 'bucket-key flag', 'context', 'salt']) {
    fieldStarts.push([name, at + 4]);
    at += 4 + kms.readUInt32BE(at);
  }
  for (const [name, offset] of fieldStarts) {
    const changed = Buffer.from(kms);
    changed[offset]! ^= 1;
    assert.throws(() => openSseKms(decodeRecord(changed) as never, secret(KEK), BINDING), /did not open/, name);
  }
  const ssec = Buffer.from(V4_SSE_C, 'hex');
  const check = Buffer.from(ssec);
  check[3 + 4 + 32 + 4]! ^= 1;
  assert.throws(() => openSseC(decodeRecord(check) as never, secret(CUSTOMER_KEY), BINDING), CustomerKeyMismatchError);
  // A record relabelled as another kind, truncated, extended, or with a wrong field count is refused.
  const relabelled = Buffer.from(ssec);
  relabelled[1] = 1;
  assert.throws(() => decodeRecord(relabelled), /has 3 fields|must be 4 bytes/);
  assert.throws(() => decodeRecord(Buffer.concat([ssec, Buffer.from([0])])), /bytes after the last field/);
  assert.throws(() => decodeRecord(ssec.subarray(0, ssec.length - 1)), /out of bounds|truncated/);
  const count = Buffer.from(ssec);
  count[2] = 4;
  assert.throws(() => decodeRecord(count), /has 3 fields, not 4/);
  const kind = Buffer.from(ssec);
  kind[1] = 9;
  assert.throws(() => decodeRecord(kind), /unknown kind 9/);
  // An SSE-S3 opener refuses other kinds outright.
  assert.throws(() => openSseS3(keys, ssec, BINDING), /sse-c, not SSE-S3/);
});

test('the opaque ETag: HMAC-SHA256 of the MD5 under a key derived from the data key, cut to 16 bytes (FORMAT.md vector)', () => {
  const md5 = createHash('md5').update('').digest();
  const expected = hmac(hmac(DATA_KEY, 'strongroom/etag-key/v1'), md5).subarray(0, 16).toString('hex');
  assert.equal(expected, ETAG);
  assert.equal(opaqueEtag(etagKey(secret(DATA_KEY)), md5), ETAG);
  assert.notEqual(ETAG, md5.toString('hex'));
});
