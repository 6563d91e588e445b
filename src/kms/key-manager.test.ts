/** The key manager: the SSE-S3 master key is the KMS's internal key (its versions in the KMS store), an old data directory's master key moves there, one copy of each key is held and close wipes them all. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyManager, SSE_S3_MASTER_KEY_ID } from './key-manager.js';
import { sealMasterKey } from './key-material.js';
import { Secret } from '../common/secret.js';
import { systemRandom } from '../common/random.js';
import { openSqliteDatabase, type SqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteKeyStore } from '../stores/sqlite/sqlite-key-store.js';
import { SqliteKmsStore } from '../stores/sqlite/sqlite-kms-store.js';

function store(): SqliteDatabase {
  return openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'strongroom-km-')), 'meta.sqlite'));
}

const open = (db: SqliteDatabase, rootKey: Secret, mode?: 'ready' | 'read-only', now = new Date()) =>
  KeyManager.open({ store: new SqliteKeyStore(db), kmsStore: new SqliteKmsStore(db), rootKey, clock: { now: () => now }, random: systemRandom, rotationDays: 365, mode });

test('the master key is the KMS internal key: v1 and each rotation are versions of it in the KMS store, none in the old table', async () => {
  const db = store();
  const a = await open(db, new Secret(randomBytes(32)));
  assert.equal(await a.rotate(), 2);
  const kms = new SqliteKmsStore(db);
  const row = await kms.getKey(SSE_S3_MASTER_KEY_ID);
  assert.equal(row?.internal, true);
  assert.equal(row?.keyManager, 'AWS');
  assert.deepEqual((await kms.listVersions(SSE_S3_MASTER_KEY_ID)).map((v) => [v.version, v.rotationType]), [[1, undefined], [2, 'ON_DEMAND']]);
  assert.deepEqual(await new SqliteKeyStore(db).listMasterKeys(), []);
  assert.deepEqual(await kms.listKeys(''), [row], 'in no account but the empty one no caller has');
});

test('an old data directory: its master key versions move into the KMS store with their numbers, material and dates; a read-only open moves nothing', async () => {
  const db = store();
  const root = new Secret(randomBytes(32));
  const old = new SqliteKeyStore(db);
  const material = [randomBytes(32), randomBytes(32)];
  const dates = [new Date('2025-01-01T00:00:00Z'), new Date('2025-06-01T00:00:00Z')];
  for (const [i, m] of material.entries()) assert.ok(await old.addMasterKey({ version: i + 1, sealed: sealMasterKey(root, i + 1, new Secret(Buffer.from(m)), systemRandom), createdAt: dates[i]! }));
  const reader = await open(db, root, 'read-only');
  assert.ok(reader.masterKey(1).reveal().equals(material[0]!) && reader.masterKey(2).reveal().equals(material[1]!));
  assert.equal((await old.listMasterKeys()).length, 2, 'a read-only open wrote');
  assert.equal(await new SqliteKmsStore(db).getKey(SSE_S3_MASTER_KEY_ID), undefined);
  // Started on 2025-07-01: v2 is a month old, not due, so the start only moves.
  const a = await open(db, root, 'ready', new Date('2025-07-01T00:00:00Z'));
  assert.deepEqual(await old.listMasterKeys(), []);
  assert.deepEqual((await new SqliteKmsStore(db).listVersions(SSE_S3_MASTER_KEY_ID)).map((v) => [v.version, v.createdAt.toISOString()]), dates.map((d, i) => [i + 1, d.toISOString()]));
  assert.equal(a.currentMasterKey().version, 2);
  assert.ok(a.masterKey(1).reveal().equals(material[0]!));
  assert.equal(await a.rotate(), 3, 'the next rotation is a KMS version after the moved ones');
  // A second process opening afterwards reads the moved versions from the KMS store alone.
  const b = await open(db, root, 'read-only');
  assert.ok(b.masterKey(1).reveal().equals(material[0]!) && b.masterKey(2).reveal().equals(material[1]!));
  assert.equal(b.currentMasterKey().version, 3);
});

test('a move interrupted after the KMS rows were written (old rows still there) completes on the next open', async () => {
  const db = store();
  const root = new Secret(randomBytes(32));
  const material = randomBytes(32);
  const old = new SqliteKeyStore(db);
  await old.addMasterKey({ version: 1, sealed: sealMasterKey(root, 1, new Secret(Buffer.from(material)), systemRandom), createdAt: new Date() });
  // The crash: the key imported, the old row not yet deleted (what #moveOldMasterKey does in two steps).
  const first = await open(db, root);
  await old.addMasterKey({ version: 1, sealed: sealMasterKey(root, 1, new Secret(Buffer.from(material)), systemRandom), createdAt: new Date() });
  first.wipe();
  const again = await open(db, root);
  assert.ok(again.masterKey(1).reveal().equals(material));
  assert.deepEqual(await old.listMasterKeys(), []);
  assert.deepEqual((await new SqliteKmsStore(db).listVersions(SSE_S3_MASTER_KEY_ID)).map((v) => v.version), [1]);
});

test('a reload (rotate, or another process rotating) keeps the held key objects: nothing is replaced unwiped', async () => {
  const db = store();
  const root = new Secret(randomBytes(32));
  const a = await open(db, root);
  const v1 = a.masterKey(1);
  assert.equal(await a.rotate(), 2);
  assert.equal(a.masterKey(1), v1, 'the reload replaced version 1 with a second copy');
  // Another process (b) rotates; a picks up v3 on its next rotate and keeps its own v1 and v2.
  const b = await open(db, root);
  const v2 = a.masterKey(2);
  assert.equal(await b.rotate(), 3);
  assert.equal(await a.rotate(), 4);
  assert.equal(a.masterKey(1), v1);
  assert.equal(a.masterKey(2), v2);
  assert.ok(!v1.wiped && !v2.wiped);
});

test('wipe() zeroes every master key held', async () => {
  const a = await open(store(), new Secret(randomBytes(32)));
  await a.rotate();
  const held = [a.masterKey(1), a.masterKey(2)];
  a.wipe();
  for (const k of held) {
    assert.ok(k.wiped);
    assert.ok(k.reveal().equals(Buffer.alloc(32)));
  }
});

test('util.inspect of a key manager shows neither the root key nor a master key', async () => {
  const root = new Secret(randomBytes(32));
  const a = await open(store(), root);
  const dump = inspect(a, { depth: 8, showHidden: true }) + JSON.stringify(a);
  for (const k of [root.reveal(), a.masterKey(1).reveal()]) {
    assert.ok(!dump.includes(k.toString('hex')) && !dump.includes(k.toString('base64')) && !dump.includes(inspect(k).slice(8, 44)));
  }
});
