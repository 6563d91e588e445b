/** The envelope and the key hierarchy: fresh keys per write, binding of sealed keys, rotation and reseal, no key bytes in any serialization. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Envelope, type ObjectBinding } from './envelope.js';
import { KeyManager } from '../kms/key-manager.js';
import { Secret } from '../common/secret.js';
import { systemRandom } from '../common/random.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteKeyStore } from '../stores/sqlite/sqlite-key-store.js';
import { decodeRecord, SALTED_RECORD_SIZE } from './sealed-key-record.js';

const DAY = 24 * 3600 * 1000;

async function setup(now = { t: Date.parse('2026-01-01T00:00:00Z') }, root = new Secret(randomBytes(32))) {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-env-'));
  const db = openSqliteDatabase(join(dir, 'meta.sqlite'));
  const clock = { now: () => new Date(now.t) };
  const keys = await KeyManager.open({ store: new SqliteKeyStore(db), rootKey: root, clock, random: systemRandom, rotationDays: 365 });
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
  const again = await KeyManager.open({ store: new SqliteKeyStore(first.db), rootKey: first.root, clock: first.clock, random: systemRandom, rotationDays: 365 });
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
    KeyManager.open({ store: new SqliteKeyStore(db), rootKey: new Secret(randomBytes(32)), clock: s.clock, random: systemRandom, rotationDays: 365 }),
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
