/** Runs the MetaStore contract against SQLite in a real temporary database file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMetaStoreContract } from '../meta-store.contract.js';
import { migrate, openSqliteDatabase } from './sqlite-database.js';
import { META_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteMetaStore } from './sqlite-meta-store.js';
import { prefixUpperBound } from '../../common/key-order.js';

runMetaStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-meta-'));
  return new SqliteMetaStore(openSqliteDatabase(join(dir, 'meta.sqlite')));
});

test('prefixUpperBound is the least string above every extension of the prefix', () => {
  assert.equal(prefixUpperBound(''), undefined);
  assert.equal(prefixUpperBound('a/'), 'a0');
  assert.equal(prefixUpperBound('a\u{10FFFF}'), 'b');
  assert.equal(prefixUpperBound('\u{D7FF}'), '\u{E000}');
});

test('migration 5 keeps an object written before versioning: it becomes the null version, parts and all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-meta-'));
  const db = openSqliteDatabase(join(dir, 'meta.sqlite'));
  migrate(db, 'meta', META_MIGRATIONS.slice(0, 4));
  db.prepare("INSERT INTO buckets VALUES ('b', 'r', 0, 'a')").run();
  db.prepare(`INSERT INTO objects (bucket, key, write_id, size, etag, last_modified, headers, user_meta, tags, checksums, encryption, storage_class)
    VALUES ('b', 'k', 'w1', 3, 'e', 0, '{}', '{}', '[]', '{}', '{"algorithm":"AES256"}', 'STANDARD')`).run();
  db.prepare(`INSERT INTO object_parts (bucket, key, part_number, write_id, blob_id, size, etag, sealed_key, checksums, last_modified)
    VALUES ('b', 'k', 1, 'w1', 'blob1', 3, 'e', x'01', '{}', 0)`).run();
  const store = new SqliteMetaStore(db);
  try {
    const got = await store.getObject('b', 'k');
    assert.equal(got?.versionId, undefined);
    assert.deepEqual(got?.parts.map((p) => p.blobId), ['blob1']);
    await store.putObject({ ...got!, versionId: 'v1', writeId: 'w2', parts: [{ ...got!.parts[0]!, blobId: 'blob2', writeId: 'w2' }] });
    assert.deepEqual((await store.listVersions('b', { prefix: '', limit: 10 })).items.map((v) => [v.versionId, v.isLatest]), [['v1', true], ['null', false]]);
    assert.deepEqual((await store.getVersion('b', 'k', 'null'))?.parts.map((p) => p.blobId), ['blob1']);
  } finally {
    await store.close();
  }
});
