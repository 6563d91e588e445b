/** A range GET decrypts only the packages it touches: a 1-byte range of a 1 GiB object opens at most 2 packages. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startApp, type RunningApp } from '../../src/app.js';
import { serveConfig } from '../../src/config/config.js';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const dir = mkdtempSync(join(tmpdir(), 'strongroom-range-'));
let app: RunningApp;
let s3: S3Client;
const bucket = bucketName('range');
/** The 1 GiB object is this 1 MiB block repeated, so the test can know every byte without holding the object. */
const block = randomBytes(MIB);

before(async () => {
  // In-process so the test can read the envelope's package counter; the server is the real one.
  app = await startApp(serveConfig(['--listen', '127.0.0.1:0', '--data', dir], {
    STRONGROOM_ROOT_ACCESS_KEY: TEST_ACCESS_KEY, STRONGROOM_ROOT_SECRET_KEY: TEST_SECRET_KEY,
  }), () => undefined);
  s3 = s3Client({ url: app.url });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: block }));
  // DSSE-KMS (two layers, a second tag per package) under the account's aws/s3 key: 8 MiB, 128 packages.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dsse', Body: Buffer.concat(Array.from({ length: 8 }, () => block)), ServerSideEncryption: 'aws:kms:dsse' }));
  async function* big() { for (let i = 0; i < GIB / MIB; i++) yield block; }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: Readable.from(big()), ContentLength: GIB }));
});

after(async () => {
  s3.destroy();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rangeGet(key: string, start: number, end: number): Promise<{ bytes: Buffer; packages: number; ms: number }> {
  const before = app.data.envelope.stats.packagesDecrypted;
  const t0 = performance.now();
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }));
  const bytes = Buffer.from(await res.Body!.transformToByteArray());
  return { bytes, packages: app.data.envelope.stats.packagesDecrypted - before, ms: performance.now() - t0 };
}

test('a 1-byte range of a 1 GiB object decrypts one package and returns the right byte', async () => {
  const offset = 700 * MIB + 12345;
  const r = await rangeGet('big', offset, offset);
  assert.deepEqual(r.bytes, block.subarray(offset % MIB, (offset % MIB) + 1));
  assert.equal(r.packages, 1);
});

test('a range spanning a package boundary decrypts exactly two packages', async () => {
  const offset = 512 * MIB + 64 * 1024 - 2;
  const r = await rangeGet('big', offset, offset + 3);
  assert.deepEqual(r.bytes, Buffer.concat([block, block]).subarray(offset % MIB, (offset % MIB) + 4));
  assert.equal(r.packages, 2);
});

test('DSSE-KMS (two layers): a 1-byte range opens one package and a range across a boundary two, at offsets that count both tags', async () => {
  const one = await rangeGet('dsse', 5 * MIB + 777, 5 * MIB + 777);
  assert.deepEqual(one.bytes, block.subarray(777, 778));
  assert.equal(one.packages, 1);
  const offset = 3 * MIB + 64 * 1024 - 2;
  const two = await rangeGet('dsse', offset, offset + 3);
  assert.deepEqual(two.bytes, block.subarray(offset % MIB, (offset % MIB) + 4));
  assert.equal(two.packages, 2);
});

test('range GET cost follows the range, not the object (latencies printed; packages asserted)', async () => {
  const timings: Record<string, number[]> = { small: [], big: [] };
  for (let i = 0; i < 20; i++) {
    for (const key of ['small', 'big'] as const) {
      const r = await rangeGet(key, 1000, 1000);
      assert.ok(r.packages <= 2);
      timings[key]!.push(r.ms);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`1-byte range GET median: 1 MiB object ${median(timings.small!).toFixed(2)} ms, 1 GiB object ${median(timings.big!).toFixed(2)} ms`);
});

test('the whole 1 GiB object streams back intact', async () => {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
  const hash = createHash('sha256');
  for await (const chunk of res.Body as Readable) hash.update(chunk as Buffer);
  const expected = createHash('sha256');
  for (let i = 0; i < GIB / MIB; i++) expected.update(block);
  assert.equal(hash.digest('hex'), expected.digest('hex'));
});
