/** Tampering with real blobs and sealed keys on disk: nothing tampered is ever served as data, and scrub reports each case. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, truncateSync, appendFileSync } from 'node:fs';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Envelope } from '../../src/sse/envelope.js';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { blobPath, flipInlineBit, objectParts, setSealedKey, strongroomCommand } from '../helpers/data-dir.js';

const PACKAGE = 64 * 1024;
/** Ciphertext layout derived from the envelope's own length function (docs/FORMAT.md). */
const TAG = 16; // AES-GCM tag
const HEADER = Envelope.ciphertextLength(1) - 1 - TAG;
const STRIDE = PACKAGE + TAG;

let server: TestServer;
let s3: S3Client;
let bucket: string;
const originals = new Map<string, Buffer>();

before(async () => {
  server = await startServer();
  s3 = s3Client(server);
  bucket = bucketName('tamper');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const name of ['flip', 'drop', 'swap', 'truncate', 'append', 'blob-a', 'blob-b', 'key-a', 'key-b', 'untouched', 'small-flip', 'small-untouched']) {
    // small-* objects are below the inline limit: their ciphertext lives in the SQLite row.
    const body = randomBytes(name.startsWith('small-') ? 5000 : 4 * PACKAGE + 1000);
    originals.set(name, body);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: body }));
  }
});

after(async () => {
  s3.destroy();
  await server.stop();
});

/** GET must fail: an error status, or a body that is cut short / errors. Never the full original bytes. */
async function assertNotServed(key: string): Promise<void> {
  let bytes: Buffer | undefined;
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    bytes = Buffer.from(await res.Body!.transformToByteArray());
  } catch {
    return; // an error status or a dropped connection: not served
  }
  assert.ok(!bytes.equals(originals.get(key)!), `${key}: tampered object was served whole`);
  assert.ok(bytes.length < originals.get(key)!.length, `${key}: served a full-length body`);
}

function blobOf(key: string): string {
  const parts = objectParts(server.dataDir, bucket, key);
  assert.equal(parts.length, 1);
  return blobPath(server.dataDir, parts[0]!.blob_id);
}

test('the layout the tests rely on matches the envelope', () => {
  assert.equal(Envelope.ciphertextLength(4 * PACKAGE + 1000), HEADER + 4 * STRIDE + 1000 + TAG);
  assert.equal(readFileSync(blobOf('untouched')).length, Envelope.ciphertextLength(4 * PACKAGE + 1000));
});

test('one bit flipped in a middle package', async () => {
  const path = blobOf('flip');
  const b = readFileSync(path);
  b[HEADER + 2 * STRIDE + 100]! ^= 0x01;
  writeFileSync(path, b);
  await assertNotServed('flip');
});

test('a package dropped', async () => {
  const path = blobOf('drop');
  const b = readFileSync(path);
  writeFileSync(path, Buffer.concat([b.subarray(0, HEADER + STRIDE), b.subarray(HEADER + 2 * STRIDE)]));
  await assertNotServed('drop');
});

test('two packages swapped', async () => {
  const path = blobOf('swap');
  const b = readFileSync(path);
  const p1 = b.subarray(HEADER + STRIDE, HEADER + 2 * STRIDE);
  const p2 = b.subarray(HEADER + 2 * STRIDE, HEADER + 3 * STRIDE);
  writeFileSync(path, Buffer.concat([b.subarray(0, HEADER + STRIDE), p2, p1, b.subarray(HEADER + 3 * STRIDE)]));
  await assertNotServed('swap');
});

test('truncated at a package boundary (the final package removed)', async () => {
  const path = blobOf('truncate');
  truncateSync(path, HEADER + 4 * STRIDE);
  await assertNotServed('truncate');
});

test('bytes appended are never served, and scrub catches them', async () => {
  appendFileSync(blobOf('append'), randomBytes(STRIDE));
  // The ranged read stops at the authenticated end, so the data served is still the original:
  // appended garbage is never served; scrub (below) reports the blob as damaged.
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'append' }));
  const bytes = Buffer.from(await res.Body!.transformToByteArray());
  assert.ok(bytes.equals(originals.get('append')!));
});

test("two objects' blobs swapped", async () => {
  const a = blobOf('blob-a');
  const b = blobOf('blob-b');
  renameSync(a, `${a}.x`);
  renameSync(b, a);
  renameSync(`${a}.x`, b);
  await assertNotServed('blob-a');
  await assertNotServed('blob-b');
});

test("a sealed key copied onto another object's row", async () => {
  const from = objectParts(server.dataDir, bucket, 'key-a')[0]!;
  setSealedKey(server.dataDir, bucket, 'key-b', 1, from.sealed_key);
  await assertNotServed('key-b');
});

test('one bit flipped in an inline (SQLite-stored) ciphertext', async () => {
  const [part] = objectParts(server.dataDir, bucket, 'small-flip');
  assert.equal(part?.blob_id, '');
  flipInlineBit(server.dataDir, bucket, 'small-flip', HEADER + 100);
  await assertNotServed('small-flip');
});

test('the untouched object still reads back', async () => {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'untouched' }));
  assert.ok(Buffer.from(await res.Body!.transformToByteArray()).equals(originals.get('untouched')!));
});

test('strongroom scrub reports every tampered object and exits non-zero', async () => {
  const r = await strongroomCommand(['scrub', '--data', server.dataDir]);
  assert.equal(r.code, 1, r.stderr);
  for (const key of ['flip', 'drop', 'swap', 'truncate', 'append', 'blob-a', 'blob-b', 'key-b', 'small-flip']) {
    assert.match(r.stdout, new RegExp(`FAILED s3://${bucket}/${key} `), key);
  }
  assert.doesNotMatch(r.stdout, new RegExp(`FAILED s3://${bucket}/(untouched|key-a|small-untouched) `));
});
