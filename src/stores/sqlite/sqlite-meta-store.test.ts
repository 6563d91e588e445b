/** Runs the MetaStore contract against SQLite in a real temporary database file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMetaStoreContract } from '../meta-store.contract.js';
import { openSqliteDatabase } from './sqlite-database.js';
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
