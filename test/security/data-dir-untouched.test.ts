/** A refused start (wrong or missing root key) and the read-only commands (`keys list`, `scrub`) leave every file of the data dir as it was. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { allFiles, strongroomCommand } from '../helpers/data-dir.js';

const work = mkdtempSync(join(tmpdir(), 'strongroom-untouched-'));
const dataDir = join(work, 'data');
const keyFile = join(work, 'root.key');
const wrongKeyFile = join(work, 'wrong.key');

/** Every file's content hash, size and mtime, keyed by path: any write, creation or deletion shows. */
function snapshot(): Map<string, string> {
  return new Map(allFiles(dataDir).map((f) => {
    const st = statSync(f);
    return [f, `${createHash('sha256').update(readFileSync(f)).digest('hex')} ${st.size} ${st.mtimeMs} ${st.mode}`];
  }));
}

before(async () => {
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  writeFileSync(wrongKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const server = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
  const s3 = s3Client(server);
  const bucket = bucketName('untouched');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: randomBytes(100) }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'large', Body: randomBytes(200_000) }));
  s3.destroy();
  await server.stop({ remove: false });
});
after(() => rmSync(work, { recursive: true, force: true }));

test('a start without any root key on an existing data dir is refused and writes nothing (no root.key appears)', async () => {
  const before = snapshot();
  await assert.rejects(startServer({ dataDir }), /root key/i);
  assert.deepEqual(snapshot(), before);
});

test('a start with the wrong root key is refused and writes nothing', async () => {
  const before = snapshot();
  await assert.rejects(startServer({ dataDir, args: ['--root-key-file', wrongKeyFile] }), /root key/i);
  assert.deepEqual(snapshot(), before);
});

test('`keys list` and `scrub` write nothing, even when the master key is due for rotation', async () => {
  // A rotation period of ~0.9 s: by now the master key is "due", which a writing command would act on.
  await sleep(1200);
  const before = snapshot();
  const due = ['--sse-s3-rotation-days', '0.00001'];
  const list = await strongroomCommand(['keys', 'list', '--data', dataDir, '--root-key-file', keyFile, ...due]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^version 1 .*\(current\)$/m);
  assert.doesNotMatch(list.stdout, /version 2/);
  assert.deepEqual(snapshot(), before);
  const scrub = await strongroomCommand(['scrub', '--data', dataDir, '--root-key-file', keyFile, ...due]);
  assert.equal(scrub.code, 0, scrub.stderr);
  assert.match(scrub.stdout, /2 objects, 2 parts verified, 0 failed/);
  assert.deepEqual(snapshot(), before);
  // Without the root key, the read-only commands fail and still write nothing.
  const keyless = await strongroomCommand(['keys', 'list', '--data', dataDir], { STRONGROOM_ROOT_KEY: '', STRONGROOM_ROOT_KEY_FILE: '' });
  assert.notEqual(keyless.code, 0);
  assert.match(keyless.stderr, /root key/i);
  assert.deepEqual(snapshot(), before);
});

test('`keys list` on a directory that does not exist creates nothing', async () => {
  const missing = join(work, 'no-such-dir');
  const r = await strongroomCommand(['keys', 'list', '--data', missing, '--root-key-file', keyFile]);
  assert.notEqual(r.code, 0);
  assert.throws(() => statSync(missing), /ENOENT/);
});
