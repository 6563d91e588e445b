/** A committed write is answered success even when releasing the blob it replaced fails: release is best effort, logged, left to the sweeper. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { s3Client } from '../helpers/clients.js';
import { startServer } from '../helpers/start-server.js';
import { blobPath, objectParts } from '../helpers/data-dir.js';

const suite = serverSuite('release-fail');

/**
 * The server runs as root here, so a read-only directory would not stop it: the old blob file is
 * replaced by a non-empty directory of the same name, which unlink() cannot remove.
 */
function makeUndeletable(key: string): string {
  const [part] = objectParts(suite.server.dataDir, suite.bucket, key);
  assert.ok(part && part.blob_id !== '', 'the object must live in a blob file');
  const path = blobPath(suite.server.dataDir, part.blob_id);
  rmSync(path);
  mkdirSync(path);
  writeFileSync(join(path, 'keep'), 'x');
  return path;
}

test('an overwrite PUT answers 200 and serves the new bytes although the old blob cannot be deleted', async () => {
  const { s3, bucket } = suite;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stuck', Body: randomBytes(100 * 1024) }));
  const path = makeUndeletable('stuck');
  const next = randomBytes(100 * 1024);
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stuck', Body: next }));
  assert.equal(put.$metadata.httpStatusCode, 200);
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stuck' }));
  assert.ok(Buffer.from(await res.Body!.transformToByteArray()).equals(next));
  assert.match(suite.server.stderr(), new RegExp(`"msg":"blob release failed; left to the orphan sweeper".*${path.split('/').pop()}`));
  rmSync(path, { recursive: true });
});

test('a DeleteObject answers 204 although its blob cannot be deleted, and the key is gone', async () => {
  const { s3, bucket } = suite;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stuck-delete', Body: randomBytes(100 * 1024) }));
  const path = makeUndeletable('stuck-delete');
  const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'stuck-delete' }));
  assert.equal(del.$metadata.httpStatusCode, 204);
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stuck-delete' })), { name: 'NoSuchKey' });
  rmSync(path, { recursive: true });
});

test('a blob the orphan sweeper cannot delete is logged at start, and the server still starts and serves', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'strongroom-sweep-'));
  try {
    let server = await startServer({ dataDir });
    let s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'sweep' }));
    await s3.send(new PutObjectCommand({ Bucket: 'sweep', Key: 'k', Body: randomBytes(100 * 1024) }));
    const [part] = objectParts(dataDir, 'sweep', 'k');
    const path = blobPath(dataDir, part!.blob_id);
    rmSync(path);
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'x');
    const next = randomBytes(100 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: 'sweep', Key: 'k', Body: next }));
    s3.destroy();
    await server.stop();

    server = await startServer({ dataDir });
    s3 = s3Client(server);
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: 'sweep', Key: 'k' }));
      assert.ok(Buffer.from(await res.Body!.transformToByteArray()).equals(next));
      assert.match(server.stderr(), new RegExp(`"msg":"orphan sweep could not delete some blobs".*${part!.blob_id}`));
    } finally {
      s3.destroy();
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
