/** Known-answer vector of the sealed data-key record (docs/FORMAT.md), recomputed through the SSE-S3 sealing; the hex was checked with pyca/cryptography. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyManager } from '../kms/key-manager.js';
import { Secret } from '../common/secret.js';
import type { Random } from '../common/random.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteKeyStore } from '../stores/sqlite/sqlite-key-store.js';
import { openSseS3, sealSseS3 } from './seal-sse-s3.js';
import { decodeRecord } from './sealed-key-record.js';

const RECORD = '010100000001' + '66'.repeat(12) + '3b07ad527722cb84f7f2487dd9cccb6d174b31ed4a859789d87f0789ab15abd8ff5faa3e7dc326b83c2525f7714b76f8';
const binding = { bucket: 'bucket', key: 'key', writeId: 'write-1', partNumber: 1 };

/** Hands out the given values in order (the master key, its record's salt, then the record nonce). */
function queue(...values: Buffer[]): Random {
  return { bytes: (n) => { const v = values.shift(); assert.equal(v?.length, n); return Buffer.from(v!); } };
}

test('sealed data-key record v1: master key 33…33 (version 1), data key 77…77, nonce 66…66, bound to bucket/key/write-1/1', async () => {
  const random = queue(Buffer.alloc(32, 0x33), Buffer.alloc(32, 0x22), Buffer.alloc(12, 0x66));
  const db = openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'strongroom-kat-')), 'meta.sqlite'));
  const keys = await KeyManager.open({ store: new SqliteKeyStore(db), rootKey: new Secret(Buffer.alloc(32, 1)), clock: { now: () => new Date() }, random, rotationDays: 365 });
  const record = sealSseS3(keys, random, new Secret(Buffer.alloc(32, 0x77)), binding);
  assert.equal(record.toString('hex'), RECORD);
  assert.deepEqual({ ...decodeRecord(record), nonce: undefined, sealed: undefined }, { kind: 'sse-s3', masterKeyVersion: 1, nonce: undefined, sealed: undefined });
  assert.ok(openSseS3(keys, Buffer.from(RECORD, 'hex'), binding).reveal().equals(Buffer.alloc(32, 0x77)));
  assert.throws(() => openSseS3(keys, Buffer.from(RECORD, 'hex'), { ...binding, partNumber: 2 }), /did not open/);
  db.close();
});
