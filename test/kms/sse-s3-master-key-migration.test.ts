/**
 * A data directory written by the build before the SSE-S3 master key became a KMS internal key
 * (test/fixtures/pre-kms-master-key.tar.gz, made by make-pre-kms-master-key.mjs with commit 9af6c4a):
 * read-only commands read it as it is; the first start moves the master key versions into the KMS store,
 * and every object written before stays readable, before and after further rotations.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Envelope } from '../../src/sse/envelope.js';
import { startServer } from '../helpers/start-server.js';
import { s3Client } from '../helpers/clients.js';
import { allFiles, objectParts, strongroomCommand } from '../helpers/data-dir.js';

const fixture = new URL('../fixtures/pre-kms-master-key.tar.gz', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'strongroom-kms-master-move-'));
const dataDir = join(work, 'data');
const keyFile = join(work, 'root.key');
const bucket = 'before-kms-master';
/** The fixture's objects and their sizes; bodies are pattern(name, size) as the generator wrote them. */
const OBJECTS = { 'v1-inline': 1000, 'v1-blob': 40000, 'v2-inline': 2000, 'kms-inline': 3000 } as const;
const SSE_S3_VERSIONS = { 'v1-inline': 1, 'v1-blob': 1, 'v2-inline': 2 } as const;
// The fixture's versions were made in 2026: a start must not rotate on its own just because time passed.
const args = ['--root-key-file', keyFile, '--sse-s3-rotation-days', '100000'];

function pattern(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  let block = createHash('sha256').update(seed).digest();
  for (let o = 0; o < n; o += 32) {
    block.copy(out, o);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

function query<T>(sql: string): T[] {
  const db = new Database(join(dataDir, 'meta.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const oldRows = () => query<{ version: number; created_at: number }>('SELECT version, created_at FROM kms_master_keys ORDER BY version');
const internalVersions = () => query<{ version: number; created_at: number }>(
  "SELECT v.version, v.created_at FROM kms_key_versions v JOIN kms_keys k ON k.key_id = v.key_id WHERE json_extract(k.doc, '$.internal') = 1 ORDER BY v.version");
const masterVersionOf = (key: string) => Envelope.prototype.describeSealedKey.call(undefined, objectParts(dataDir, bucket, key)[0]!.sealed_key).masterKeyVersion;

function snapshot(): Map<string, string> {
  return new Map(allFiles(dataDir).map((f) => [f, `${createHash('sha256').update(readFileSync(f)).digest('hex')} ${statSync(f).mtimeMs}`]));
}

async function readAll(extra: Record<string, Buffer> = {}): Promise<void> {
  const server = await startServer({ dataDir, args });
  const s3 = s3Client(server);
  try {
    const want = { ...Object.fromEntries(Object.entries(OBJECTS).map(([k, n]) => [k, pattern(k, n)])), ...extra };
    for (const [key, body] of Object.entries(want)) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), key);
    }
  } finally {
    s3.destroy();
    await server.stop({ remove: false });
  }
}

before(() => {
  execFileSync('tar', ['-xzf', fixture, '-C', work]);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('the fixture is the old layout: master key versions 1 and 2 in kms_master_keys, no internal KMS key', () => {
  assert.deepEqual(oldRows().map((r) => r.version), [1, 2]);
  assert.deepEqual(internalVersions(), []);
  for (const [key, v] of Object.entries(SSE_S3_VERSIONS)) assert.equal(masterVersionOf(key), v, key);
});

test('`keys list` and `scrub` read an old data directory as it is (its SSE-S3 objects verify) and write nothing', async () => {
  const before = snapshot();
  const list = await strongroomCommand(['keys', 'list', '--data', dataDir, ...args]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^version 1 .*\nversion 2 .*\(current\)\n$/);
  const scrub = await strongroomCommand(['scrub', '--data', dataDir, ...args]);
  const out = scrub.stdout + scrub.stderr;
  assert.match(out, /4 objects, 4 parts verified, [01] failed/);
  // Only the SSE-KMS object may fail here: scrub has no caller to use a KMS key for (the previous build's scrub does the same).
  assert.doesNotMatch(out, /FAILED s3:\/\/before-kms-master\/v[12]-/);
  assert.deepEqual(snapshot(), before);
});

test('the first start moves the master key into the KMS store (same versions, same dates) and every old object reads back', async () => {
  const old = oldRows();
  await readAll();
  assert.deepEqual(oldRows(), []);
  assert.deepEqual(internalVersions(), old);
});

test('after the move: new SSE-S3 writes use the moved current version; `keys rotate` adds KMS version 3; rewrap reseals under it; everything reads back', async () => {
  const server = await startServer({ dataDir, args });
  const s3 = s3Client(server);
  const fresh = pattern('after-move', 7000);
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after-move', Body: fresh }));
  } finally {
    s3.destroy();
    await server.stop({ remove: false });
  }
  assert.equal(masterVersionOf('after-move'), 2);
  const rotate = await strongroomCommand(['keys', 'rotate', '--data', dataDir, ...args]);
  assert.equal(rotate.code, 0, rotate.stderr);
  assert.match(rotate.stdout, /version 3 is now current/);
  assert.deepEqual(internalVersions().map((v) => v.version), [1, 2, 3]);
  assert.deepEqual(oldRows(), []);
  await readAll({ 'after-move': fresh });
  const rewrap = await strongroomCommand(['keys', 'rewrap', '--data', dataDir, ...args]);
  assert.equal(rewrap.code, 0, rewrap.stderr);
  assert.match(rewrap.stdout, /5 data keys examined, 4 resealed under master key version 3/);
  for (const key of [...Object.keys(SSE_S3_VERSIONS), 'after-move']) assert.equal(masterVersionOf(key), 3, key);
  await readAll({ 'after-move': fresh });
});
