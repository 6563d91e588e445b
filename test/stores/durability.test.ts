/** Durability and atomic replace: acknowledged writes survive SIGKILL, concurrent PUTs leave one whole winner, orphans are swept, memory stays flat. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { blobFiles, objectParts } from '../helpers/data-dir.js';
import { withPeakRss } from '../helpers/rss.js';

const MB = 1000 * 1000;
const MIB = 1024 * 1024;

test('a PUT acknowledged with 200 survives kill -9 right after', async () => {
  const first = await startServer();
  const s3 = s3Client(first);
  const bucket = bucketName('crash');
  const body = randomBytes(300_000);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'acked', Body: body }));
  await first.kill();
  s3.destroy();
  const second = await startServer({ dataDir: first.dataDir });
  const s3b = s3Client(second);
  try {
    const got = await s3b.send(new GetObjectCommand({ Bucket: bucket, Key: 'acked' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  } finally {
    s3b.destroy();
    await second.stop();
  }
});

test('20 concurrent PUTs of one key leave exactly one complete winner and one blob', async () => {
  const server = await startServer();
  const s3 = s3Client(server, { requestHandler: { httpAgent: { maxSockets: 32 } } as never });
  try {
    const bucket = bucketName('race');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const bodies = Array.from({ length: 20 }, () => randomBytes(200_000 + Math.floor(Math.random() * 100_000)));
    await Promise.all(bodies.map((Body) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'contended', Body }))));
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'contended' }))).Body!.transformToByteArray());
    assert.ok(bodies.some((b) => b.equals(got)), 'the object is one of the bodies, whole');
    assert.equal(objectParts(server.dataDir, bucket, 'contended').length, 1);
    assert.equal(blobFiles(server.dataDir).length, 1, 'the losers\' blobs were released');
  } finally {
    s3.destroy();
    await server.stop();
  }
});

test('orphan blobs and interrupted temporary files are swept at start', async () => {
  const first = await startServer();
  const s3 = s3Client(first);
  const bucket = bucketName('orphans');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const kept = Buffer.alloc(100_000, 'kept'); // above the inline limit: it has a blob file
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept', Body: kept }));
  s3.destroy();
  assert.equal(await first.stop({ remove: false }), 0, 'SIGTERM is a clean shutdown: exit code 0');
  const orphan = 'ab'.padEnd(32, '0');
  mkdirSync(join(first.dataDir, 'blobs', 'ab'), { recursive: true });
  writeFileSync(join(first.dataDir, 'blobs', 'ab', orphan), 'leftover');
  writeFileSync(join(first.dataDir, 'blobs', '.tmp', 'f'.repeat(32)), 'half-written');
  const second = await startServer({ dataDir: first.dataDir });
  try {
    const files = blobFiles(second.dataDir);
    assert.equal(files.length, 1);
    assert.ok(!files.some((f) => f.endsWith(orphan)));
    assert.match(second.stderr(), /swept unreferenced blobs/);
    const s3b = s3Client(second);
    assert.ok(Buffer.from(await (await s3b.send(new GetObjectCommand({ Bucket: bucket, Key: 'kept' }))).Body!.transformToByteArray()).equals(kept));
    s3b.destroy();
  } finally {
    await second.stop();
  }
});

test('PUT and GET of a 256 MiB object stream in flat memory (peak RSS < 200 MB)', async () => {
  const server = await startServer();
  const s3 = s3Client(server);
  try {
    const bucket = bucketName('flat');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const block = randomBytes(MIB);
    async function* body() { for (let i = 0; i < 256; i++) yield block; }
    const { peak } = await withPeakRss(server.process.pid!, async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: Readable.from(body()), ContentLength: 256 * MIB }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
      const hash = createHash('sha256');
      for await (const chunk of got.Body as Readable) hash.update(chunk as Buffer);
      const expected = createHash('sha256');
      for (let i = 0; i < 256; i++) expected.update(block);
      assert.equal(hash.digest('hex'), expected.digest('hex'));
    });
    console.log(`256 MiB PUT+GET peak server RSS ${(peak / MB).toFixed(0)} MB`);
    assert.ok(peak < 200 * MB, `peak ${(peak / MB).toFixed(0)} MB`);
  } finally {
    s3.destroy();
    await server.stop();
  }
});
