/** Master-key rotation and rewrap through the operator's commands; a wrong root key changes nothing. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Envelope } from '../../src/sse/envelope.js';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { allFiles, blobFiles, strongroomCommand } from '../helpers/data-dir.js';

const work = mkdtempSync(join(tmpdir(), 'strongroom-rotation-'));
const dataDir = join(work, 'data');
const keyFile = join(work, 'root.key');
const wrongKeyFile = join(work, 'wrong.key');
const bucket = bucketName('rotation');
const objects = new Map<string, Buffer>();

before(() => {
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  writeFileSync(wrongKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
});
after(() => rmSync(work, { recursive: true, force: true }));

const serve = () => startServer({ dataDir, args: ['--root-key-file', keyFile] });

async function putSome(prefix: string, n: number): Promise<void> {
  const server = await serve();
  const s3 = s3Client(server);
  try {
    if (objects.size === 0) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (let i = 0; i < n; i++) {
      const body = randomBytes(70_000 + i);
      objects.set(`${prefix}-${i}`, body);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}-${i}`, Body: body }));
    }
  } finally {
    s3.destroy();
    await server.stop({ remove: false });
  }
}

async function readAllBack(): Promise<void> {
  const server = await serve();
  const s3 = s3Client(server);
  try {
    for (const [key, body] of objects) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), key);
    }
  } finally {
    s3.destroy();
    await server.stop({ remove: false });
  }
}

/** Master-key version that sealed each part, read from the SQLite file. */
function sealingVersions(): number[] {
  const db = new Database(join(dataDir, 'meta.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT sealed_key FROM object_parts').all() as Array<{ sealed_key: Buffer }>;
    return rows.map((r) => Envelope.prototype.describeSealedKey.call(undefined, r.sealed_key).masterKeyVersion ?? 0);
  } finally {
    db.close();
  }
}

function snapshot(files: string[]): Map<string, string> {
  return new Map(files.map((f) => [f, `${createHash('sha256').update(readFileSync(f)).digest('hex')} ${statSync(f).mtimeMs}`]));
}

test('objects written before and after a rotation all read back', async () => {
  await putSome('before', 3);
  const rotate = await strongroomCommand(['keys', 'rotate', '--data', dataDir, '--root-key-file', keyFile]);
  assert.equal(rotate.code, 0, rotate.stderr);
  assert.match(rotate.stdout, /version 2 is now current/);
  await putSome('after', 3);
  assert.deepEqual(sealingVersions().sort(), [1, 1, 1, 2, 2, 2]);
  await readAllBack();
});

test('rewrap reseals every data key under the newest version without touching blob bytes or mtimes', async () => {
  const blobsBefore = snapshot(blobFiles(dataDir));
  const r = await strongroomCommand(['keys', 'rewrap', '--data', dataDir, '--root-key-file', keyFile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /6 data keys examined, 3 resealed under master key version 2/);
  assert.deepEqual(sealingVersions(), [2, 2, 2, 2, 2, 2]);
  assert.deepEqual(snapshot(blobFiles(dataDir)), blobsBefore);
  const again = await strongroomCommand(['keys', 'rewrap', '--data', dataDir, '--root-key-file', keyFile]);
  assert.match(again.stdout, /0 resealed/);
  await readAllBack();
});

test('starting with the wrong root key fails clearly and leaves the data dir byte-identical', async () => {
  const before = snapshot(allFiles(dataDir));
  await assert.rejects(startServer({ dataDir, args: ['--root-key-file', wrongKeyFile] }), /root key/i);
  assert.deepEqual(snapshot(allFiles(dataDir)), before);
  const scrub = await strongroomCommand(['scrub', '--data', dataDir, '--root-key-file', wrongKeyFile]);
  assert.notEqual(scrub.code, 0);
  assert.match(scrub.stderr, /root key/i);
  assert.deepEqual(snapshot(allFiles(dataDir)), before);
});
