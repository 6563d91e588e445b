/** Every file the server creates in the data dir is 0600 and every directory 0700, whatever the umask and the data dir's own mode. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';

const work = mkdtempSync(join(tmpdir(), 'strongroom-modes-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** [path, mode] of everything under `dir` (not `dir` itself). */
function entries(dir: string): Array<[string, number, boolean]> {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = statSync(p);
    const here: [string, number, boolean] = [p, st.mode & 0o777, st.isDirectory()];
    return st.isDirectory() ? [here, ...entries(p)] : [here];
  });
}

test('umask 022 and a 0755 data dir: meta.sqlite (+ -wal, -shm), blobs, key files are 0600, directories 0700', async () => {
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  // The child inherits the umask: the common default that makes files world-readable.
  const previous = process.umask(0o022);
  // No root key given: the development start writes root.key into the data dir, which must be 0600 too.
  const server = await startServer({ dataDir, env: { STRONGROOM_ROOT_ACCESS_KEY: '', STRONGROOM_ROOT_SECRET_KEY: '' } });
  process.umask(previous);
  const s3 = s3Client(server, { credentials: { accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(server.stdout())![1]!, secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(server.stdout())![1]! } });
  try {
    const bucket = bucketName('modes');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'inline', Body: randomBytes(100) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'blob', Body: randomBytes(300_000) }));
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: up.UploadId, PartNumber: 1, Body: randomBytes(5 * 1024 * 1024) }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    // While the server runs: the WAL and shared-memory files exist now.
    const running = entries(dataDir);
    const names = running.map(([p]) => p.slice(dataDir.length + 1));
    for (const expected of ['meta.sqlite', 'meta.sqlite-wal', 'meta.sqlite-shm', 'root.key', 'blobs', 'blobs/.tmp']) {
      assert.ok(names.includes(expected), `${expected} missing from ${names.join(', ')}`);
    }
    assert.ok(running.filter(([p, , dir]) => !dir && p.includes('/blobs/')).length >= 2, 'expected blob files');
    const wrong = running.filter(([, mode, dir]) => mode !== (dir ? 0o700 : 0o600)).map(([p, mode]) => `${p} ${mode.toString(8)}`);
    assert.deepEqual(wrong, []);
  } finally {
    s3.destroy();
    await server.stop({ remove: false });
  }
  const stopped = entries(dataDir).filter(([, mode, dir]) => mode !== (dir ? 0o700 : 0o600)).map(([p, mode]) => `${p} ${mode.toString(8)}`);
  assert.deepEqual(stopped, []);
});
