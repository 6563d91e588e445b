/** The envelope and the key hierarchy: fresh keys per write, binding of sealed keys, rotation and reseal, no key bytes in any serialization. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { CustomerKeyMismatchError, Envelope, type EncryptionPlan, type KmsDataKeys, type ObjectBinding, type ReadKeys } from './envelope.js';
import { KeyManager } from '../kms/key-manager.js';
import { Secret } from '../common/secret.js';
import { systemRandom } from '../common/random.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteKeyStore } from '../stores/sqlite/sqlite-key-store.js';
import { SqliteKmsStore } from '../stores/sqlite/sqlite-kms-store.js';
import { decodeRecord, encodeRecord, SALTED_RECORD_SIZE } from './sealed-key-record.js';
import { combineDsseKeys, sealDsseKms } from './seal-sse-kms.js';
import { EncryptStream } from './encrypt-stream.js';

const DAY = 24 * 3600 * 1000;

async function setup(now = { t: Date.parse('2026-01-01T00:00:00Z') }, root = new Secret(randomBytes(32))) {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-env-'));
  const db = openSqliteDatabase(join(dir, 'meta.sqlite'));
  const clock = { now: () => new Date(now.t) };
  const keys = await KeyManager.open({ store: new SqliteKeyStore(db), kmsStore: new SqliteKmsStore(db), rootKey: root, clock, random: systemRandom, rotationDays: 365 });
  return { dir, db, keys, envelope: new Envelope(keys), clock, now, root };
}

async function roundTrip(envelope: Envelope, binding: ObjectBinding, plain: Buffer) {
  const w = await envelope.beginWrite({ kind: 'sse-s3' }, binding, { principal: undefined, requestId: 'test' });
  const chunks: Buffer[] = [];
  for await (const c of Readable.from([plain]).pipe(w.encrypt)) chunks.push(c as Buffer);
  return { blob: Buffer.concat(chunks), sealedKey: w.sealedKey };
}

async function open(envelope: Envelope, sealedKey: Buffer, binding: ObjectBinding, blob: Buffer, size: number): Promise<Buffer> {
  const r = await envelope.openRead(sealedKey, binding, size);
  const out: Buffer[] = [];
  for await (const c of Readable.from([blob.subarray(r.cipherStart, r.cipherEnd + 1)]).pipe(r.decrypt)) out.push(c as Buffer);
  return Buffer.concat(out);
}

const binding: ObjectBinding = { bucket: 'b', key: 'k', writeId: 'w1', partNumber: 1 };

test('INVARIANT 2: the same plaintext written twice under the same binding gives different keys and blobs', async () => {
  const { envelope } = await setup();
  const plain = Buffer.from('same bytes');
  const a = await roundTrip(envelope, binding, plain);
  const b = await roundTrip(envelope, binding, plain);
  assert.ok(!a.blob.equals(b.blob));
  assert.ok(!a.sealedKey.equals(b.sealedKey));
  assert.equal(a.sealedKey.length, SALTED_RECORD_SIZE);
  assert.ok((await open(envelope, a.sealedKey, binding, a.blob, plain.length)).equals(plain));
});

test('a sealed key opens only for its own bucket, key, write and part', async () => {
  const { envelope } = await setup();
  const { blob, sealedKey } = await roundTrip(envelope, binding, Buffer.from('bound'));
  for (const other of [{ bucket: 'c' }, { key: 'k2' }, { writeId: 'w2' }, { partNumber: 2 }]) {
    await assert.rejects(open(envelope, sealedKey, { ...binding, ...other }, blob, 5), /did not open/, JSON.stringify(other));
  }
  const wrongVersion = Buffer.from(sealedKey);
  wrongVersion[0] = 5;
  await assert.rejects(open(envelope, wrongVersion, binding, blob, 5), /unknown version/);
  // A version-3 record relabelled as an older version (nonce-based, or legacy without a layout manifest)
  // fails: the length does not match that version, and the version byte is associated data besides.
  assert.equal(sealedKey[0], 3);
  for (const older of [1, 2]) {
    const relabelled = Buffer.from(sealedKey);
    relabelled[0] = older;
    await assert.rejects(open(envelope, relabelled, binding, blob, 5), /expected 66 bytes for version/);
  }
  await assert.rejects(open(envelope, sealedKey.subarray(1), binding, blob, 5), /expected 66 bytes for version 1, got 85/);
  await assert.rejects(open(envelope, sealedKey.subarray(0, 85), binding, blob, 5), /expected 86 bytes/);
});

test('rotation: old records still open, reseal moves them to the new version, data untouched', async () => {
  const { envelope, keys } = await setup();
  const { blob, sealedKey } = await roundTrip(envelope, binding, Buffer.from('old data'));
  assert.equal(envelope.describeSealedKey(sealedKey).masterKeyVersion, 1);
  assert.equal(await keys.rotate(), 2);
  assert.ok((await open(envelope, sealedKey, binding, blob, 8)).equals(Buffer.from('old data')));
  const resealed = await envelope.reseal(sealedKey, binding);
  assert.ok(resealed);
  assert.equal(envelope.describeSealedKey(resealed).masterKeyVersion, 2);
  assert.ok((await open(envelope, resealed, binding, blob, 8)).equals(Buffer.from('old data')));
  assert.equal(await envelope.reseal(resealed, binding), undefined);
  assert.equal(envelope.describeSealedKey(resealed).masterKeyVersion, 2);
  assert.equal(decodeRecord(resealed).version, 3);
});

test('rotation by age, with an injected clock', async () => {
  const now = { t: Date.parse('2026-01-01T00:00:00Z') };
  const first = await setup(now);
  assert.equal(first.keys.currentMasterKey().version, 1);
  now.t += 366 * DAY;
  const again = await KeyManager.open({ store: new SqliteKeyStore(first.db), kmsStore: new SqliteKmsStore(first.db), rootKey: first.root, clock: first.clock, random: systemRandom, rotationDays: 365 });
  assert.equal(again.currentMasterKey().version, 2);
  assert.deepEqual(again.versions().map((v) => [v.version, v.current]), [[1, false], [2, true]]);
});

test('a wrong root key is refused with a clear error and the database file is unchanged', async () => {
  const s = await setup();
  s.db.close();
  const file = join(s.dir, 'meta.sqlite');
  const before = readFileSync(file);
  const db = openSqliteDatabase(file);
  await assert.rejects(
    KeyManager.open({ store: new SqliteKeyStore(db), kmsStore: new SqliteKmsStore(db), rootKey: new Secret(randomBytes(32)), clock: s.clock, random: systemRandom, rotationDays: 365 }),
    /root key does not match/,
  );
  db.close();
  assert.ok(readFileSync(file).equals(before));
});

test('no key bytes appear in any serialization of key-holding objects', async () => {
  const { keys, envelope } = await setup();
  const master = keys.currentMasterKey();
  const hex = master.key.reveal().toString('hex');
  for (const text of [JSON.stringify(master), inspect(master, { depth: 10 }), String(master.key), inspect(keys, { depth: 10 }), inspect(envelope, { depth: 10 }), JSON.stringify(keys.versions())]) {
    assert.ok(!text.includes(hex), text.slice(0, 80));
    assert.ok(!text.includes(master.key.reveal().toString('base64')));
  }
  assert.equal(JSON.stringify({ k: master.key }), '{"k":"[Secret]"}');
});

const caller = { principal: undefined, requestId: 'req-1' };

async function write(envelope: Envelope, plan: EncryptionPlan, plain: Buffer) {
  const w = await envelope.beginWrite(plan, binding, caller);
  const chunks: Buffer[] = [];
  for await (const c of Readable.from([plain]).pipe(w.encrypt)) chunks.push(c as Buffer);
  return { blob: Buffer.concat(chunks), sealedKey: w.sealedKey, etag: w.etag(createHash('md5').update(plain).digest()) };
}

async function read(envelope: Envelope, sealedKey: Buffer, blob: Buffer, size: number, keys: ReadKeys): Promise<Buffer> {
  const r = await envelope.openRead(sealedKey, binding, size, undefined, keys);
  const out: Buffer[] = [];
  for await (const c of Readable.from([blob.subarray(r.cipherStart, r.cipherEnd + 1)]).pipe(r.decrypt)) out.push(c as Buffer);
  return Buffer.concat(out);
}

test('SSE-C through the envelope: opens only with the customer key, rekey moves it to a new key, the ETag is not the MD5', async () => {
  const { envelope } = await setup();
  const key = new Secret(randomBytes(32));
  const plain = Buffer.from('customer data');
  const w = await write(envelope, { kind: 'sse-c', key, keyMd5: '' }, plain);
  assert.equal(envelope.describeSealedKey(w.sealedKey).kind, 'sse-c');
  assert.notEqual(w.etag, createHash('md5').update(plain).digest('hex'));
  assert.match(w.etag, /^[0-9a-f]{32}$/);
  assert.ok((await read(envelope, w.sealedKey, w.blob, plain.length, { customerKey: key })).equals(plain));
  await assert.rejects(read(envelope, w.sealedKey, w.blob, plain.length, { customerKey: new Secret(randomBytes(32)) }), CustomerKeyMismatchError);
  await assert.rejects(read(envelope, w.sealedKey, w.blob, plain.length, {}), /needs the customer key/);
  const next = new Secret(randomBytes(32));
  const rekeyed = await envelope.rekey(w.sealedKey, binding, { customerKey: key }, { kind: 'sse-c', key: next, keyMd5: '' }, caller);
  assert.ok((await read(envelope, rekeyed, w.blob, plain.length, { customerKey: next })).equals(plain));
  await assert.rejects(read(envelope, rekeyed, w.blob, plain.length, { customerKey: key }), CustomerKeyMismatchError);
  // The master-key rewrap leaves SSE-C records alone.
  assert.equal(await envelope.reseal(rekeyed, binding), undefined);
});

test('SSE-KMS through the envelope: key use goes through the KmsDataKeys port with the caller and context; without a KMS it is NotImplemented', async () => {
  const { keys } = await setup();
  const uses: Array<{ op: string; context: Readonly<Record<string, string>>; requestId: string }> = [];
  const kek = randomBytes(32);
  const blobOf = Buffer.from('kms-ciphertext');
  const kms: KmsDataKeys = {
    generateDataKey: async (use) => { uses.push({ op: 'generate', context: use.context, requestId: use.requestId }); return { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', plaintext: new Secret(Buffer.from(kek)), ciphertextBlob: blobOf }; },
    decrypt: async (use) => { uses.push({ op: 'decrypt', context: use.context, requestId: use.requestId }); assert.ok(use.ciphertextBlob.equals(blobOf)); return { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', plaintext: new Secret(Buffer.from(kek)) }; },
  };
  const envelope = new Envelope(keys, systemRandom, kms);
  const context = { 'aws:s3:arn': 'arn:aws:s3:::b/k' };
  const plain = Buffer.from('kms data');
  const w = await write(envelope, { kind: 'sse-kms', context, bucketKey: false }, plain);
  assert.notEqual(w.etag, createHash('md5').update(plain).digest('hex'));
  assert.ok((await read(envelope, w.sealedKey, w.blob, plain.length, { caller })).equals(plain));
  assert.deepEqual(uses, [{ op: 'generate', context, requestId: 'req-1' }, { op: 'decrypt', context, requestId: 'req-1' }]);
  const record = decodeRecord(w.sealedKey);
  assert.ok(record.kind === 'sse-kms' && record.keyArn.endsWith(':key/k') && record.context === JSON.stringify(context));
  assert.equal(record.sealed.indexOf(kek), -1);

  const without = new Envelope(keys);
  await assert.rejects(without.beginWrite({ kind: 'sse-kms', context, bucketKey: false }, binding, caller), (e: unknown) => (e as { code?: string }).code === 'NotImplemented');
  await assert.rejects(without.openRead(w.sealedKey, binding, plain.length, undefined, { caller }), (e: unknown) => (e as { code?: string }).code === 'NotImplemented');
});

/** A KMS port that counts its calls and hands out a fresh key-encryption key per GenerateDataKey, found again by its blob. */
function countingKms() {
  const made = new Map<string, Buffer>();
  const calls = { generate: 0, decrypt: 0 };
  const kms: KmsDataKeys = {
    generateDataKey: async () => {
      calls.generate++;
      const kek = randomBytes(32);
      const blob = randomBytes(16);
      made.set(blob.toString('hex'), kek);
      return { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', plaintext: new Secret(Buffer.from(kek)), ciphertextBlob: blob };
    },
    decrypt: async (use) => {
      calls.decrypt++;
      const kek = made.get(use.ciphertextBlob.toString('hex'));
      if (!kek) throw new Error('unknown blob');
      return { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k', plaintext: new Secret(Buffer.from(kek)) };
    },
  };
  return { kms, calls };
}

test('S3 Bucket Keys: 200 writes with bucketKey cause one GenerateDataKey and their reads one Decrypt; every object still has its own data key; without it, one per write', async () => {
  const { keys } = await setup();
  const { kms, calls } = countingKms();
  const envelope = new Envelope(keys, systemRandom, kms);
  const context = { 'aws:s3:arn': 'arn:aws:s3:::b' };
  const plain = Buffer.from('bucket key data');
  const written = [];
  for (let i = 0; i < 200; i++) written.push(await write(envelope, { kind: 'sse-kms', context, bucketKey: true }, plain));
  assert.equal(calls.generate, 1);
  assert.equal(new Set(written.map((w) => w.blob.toString('hex'))).size, 200, 'a fresh data key per object');
  for (const w of written) assert.ok((await read(envelope, w.sealedKey, w.blob, plain.length, { caller })).equals(plain));
  assert.equal(calls.decrypt, 1);
  const record = decodeRecord(written[0]!.sealedKey);
  assert.ok(record.kind === 'sse-kms' && record.bucketKey);
  for (let i = 0; i < 5; i++) await write(envelope, { kind: 'sse-kms', context, bucketKey: false }, plain);
  assert.equal(calls.generate, 6);
  envelope.wipe();
});

test('DSSE-KMS: two independent KMS data keys per write (two GenerateDataKey, two Decrypt), and a record whose layers are swapped does not open', async () => {
  const { keys } = await setup();
  const { kms, calls } = countingKms();
  const envelope = new Envelope(keys, systemRandom, kms);
  const plain = randomBytes(100_000);
  const w = await write(envelope, { kind: 'dsse-kms', context: { 'aws:s3:arn': 'arn:aws:s3:::b/k' } }, plain);
  assert.equal(calls.generate, 2);
  const record = decodeRecord(w.sealedKey);
  assert.ok(record.kind === 'dsse-kms' && !record.ciphertextBlobs[0].equals(record.ciphertextBlobs[1]));
  assert.ok((await read(envelope, w.sealedKey, w.blob, plain.length, { caller })).equals(plain));
  assert.equal(calls.decrypt, 2);
  assert.notEqual(w.etag, createHash('md5').update(plain).digest('hex'));
  // Each layer's KMS data key opens only its own layer key: swapped, neither opens.
  const swapped = encodeRecord({ ...record, ciphertextBlobs: [record.ciphertextBlobs[1], record.ciphertextBlobs[0]] });
  await assert.rejects(read(envelope, swapped, w.blob, plain.length, { caller }), /did not open/);
});

test('DSSE-KMS: a write is two layers (format-2 blob, a second tag per package, record with two data layers); a one-layer object written before still reads', async () => {
  const { keys } = await setup();
  const { kms } = countingKms();
  const envelope = new Envelope(keys, systemRandom, kms);
  const plain = randomBytes(3 * 65536 + 10);
  const context = { 'aws:s3:arn': 'arn:aws:s3:::b/k' };
  const w = await write(envelope, { kind: 'dsse-kms', context }, plain);
  assert.equal(w.blob.subarray(0, 8).toString('hex'), '5352420200000000');
  assert.equal(w.blob.length, 8 + plain.length + 4 * 32);
  const record = decodeRecord(w.sealedKey);
  assert.ok(record.kind === 'dsse-kms' && record.dataLayers === 2);
  // A range in package 2 reads from that package's two-tag offset.
  const r = await envelope.openRead(w.sealedKey, binding, plain.length, { start: 2 * 65536 + 1, end: 2 * 65536 + 4 }, { caller });
  assert.equal(r.cipherStart, 8 + 2 * (65536 + 32));
  const ranged: Buffer[] = [];
  for await (const c of Readable.from([w.blob.subarray(r.cipherStart, r.cipherEnd + 1)]).pipe(r.decrypt)) ranged.push(c as Buffer);
  assert.ok(Buffer.concat(ranged).equals(plain.subarray(2 * 65536 + 1, 2 * 65536 + 5)));

  // A one-layer object as the build before two layers wrote it: record without the data-layers field,
  // format-1 blob under HMAC(layer-1 key, domain ‖ layer-2 key), two KEKs from the KMS.
  const [kek1, kek2] = [await kms.generateDataKey({ caller: undefined, requestId: 'req-1', context, keyId: undefined }), await kms.generateDataKey({ caller: undefined, requestId: 'req-1', context, keyId: undefined })];
  const layers = [new Secret(randomBytes(32)), new Secret(randomBytes(32))] as const;
  const oldRecord = sealDsseKms([kek1.plaintext, kek2.plaintext], { keyArn: kek1.keyArn, context: JSON.stringify(context), ciphertextBlobs: [kek1.ciphertextBlob, kek2.ciphertextBlob] }, layers, binding, systemRandom, 1);
  const chunks: Buffer[] = [];
  for await (const c of Readable.from([plain]).pipe(new EncryptStream(combineDsseKeys(layers), () => undefined))) chunks.push(c as Buffer);
  const oldBlob = Buffer.concat(chunks);
  assert.equal(oldBlob.subarray(0, 8).toString('hex'), '5352420100000000');
  const oldDecoded = decodeRecord(oldRecord);
  assert.ok(oldDecoded.kind === 'dsse-kms' && oldDecoded.dataLayers === 1);
  assert.ok((await read(envelope, oldRecord, oldBlob, plain.length, { caller })).equals(plain));
  // Each record reads only its own layout: the old record against the new blob fails, and the other way round.
  await assert.rejects(read(envelope, oldRecord, w.blob, plain.length, { caller }), /package authentication failed/);
  await assert.rejects(read(envelope, w.sealedKey, oldBlob, plain.length, { caller }), /package authentication failed/);
});
