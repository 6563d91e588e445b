/** The WAL sync barrier on a real file: a call made while a sync runs waits for the next one, calls made meanwhile share it, a failure poisons it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from './wal-sync.js';

function walFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'strongroom-walsync-')), 'meta.sqlite-wal');
  writeFileSync(path, 'frames');
  return path;
}

test('a sync asked while one runs gets the next one, shared by every call made before it starts, and settles after the running one', async () => {
  const sync = new WalSync(walFile());
  const settled: string[] = [];
  const first = sync.sync();
  const second = sync.sync();
  const third = sync.sync();
  assert.notEqual(first, second, 'the running sync may have started before the second caller wrote: it gets its own');
  assert.equal(second, third, 'calls made while the next sync waits share it (one fdatasync for all of them)');
  await Promise.all([first.then(() => settled.push('first')), second.then(() => settled.push('second'))]);
  assert.deepEqual(settled, ['first', 'second']);
  const later = sync.sync();
  assert.notEqual(later, second, 'after both settled, a new call starts a new sync');
  await later;
  await sync.close();
});

test('a failed sync fails every later one: nothing is acknowledged after an fsync error', async () => {
  const sync = new WalSync(join(mkdtempSync(join(tmpdir(), 'strongroom-walsync-')), 'missing-wal'));
  await assert.rejects(sync.sync(), { code: 'ENOENT' });
  await assert.rejects(sync.sync(), { code: 'ENOENT' });
  await sync.close();
});
