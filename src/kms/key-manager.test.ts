/** The key manager keeps one copy of each master key: a reload never leaves an unwiped duplicate behind, and close wipes them all. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyManager } from './key-manager.js';
import { Secret } from '../common/secret.js';
import { systemRandom } from '../common/random.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteKeyStore } from '../stores/sqlite/sqlite-key-store.js';

function store() {
  return new SqliteKeyStore(openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'strongroom-km-')), 'meta.sqlite')));
}

const open = (s: SqliteKeyStore, rootKey: Secret) => KeyManager.open({ store: s, rootKey, clock: { now: () => new Date() }, random: systemRandom, rotationDays: 365 });

test('a reload (rotate, or another process rotating) keeps the held key objects: nothing is replaced unwiped', async () => {
  const s = store();
  const root = new Secret(randomBytes(32));
  const a = await open(s, root);
  const v1 = a.masterKey(1);
  assert.equal(await a.rotate(), 2);
  assert.equal(a.masterKey(1), v1, 'the reload replaced version 1 with a second copy');
  // Another process (b) rotates; a picks up v3 on its next rotate and keeps its own v1 and v2.
  const b = await open(s, root);
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
