/** Large writes (≥ 8 MiB, alone and several at once): the ETag is the plaintext MD5, Content-MD5 and checksums are verified, concurrent PUTs and parts keep their own digests, aborts leave nothing behind — a guard for any change to how large bodies are hashed (PERFORMANCE.md, "Issue 9, fourth pass: PUT"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { eventually, openRequest, pump, signedHeaders } from '../helpers/slow-client.js';

const suite = serverSuite('put-large-md5');
const MiB = 1024 * 1024;
const md5Hex = (b: Buffer) => createHash('md5').update(b).digest('hex');
const tmpFiles = () => readdirSync(join(suite.server.dataDir, 'blobs', '.tmp'));
const exists = async (key: string) => (await rawRequest(suite.server.url, { method: 'HEAD', path: `/${suite.bucket}/${key}` })).status === 200;

async function getBytes(key: string): Promise<Buffer> {
  const out = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

test('a 9 MiB + 3 byte SSE-S3 PUT answers the plaintext MD5 as its ETag and reads back whole', { timeout: 120_000 }, async () => {
  const body = randomBytes(9 * MiB + 3);
  const res = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/nine`, body, headers: { 'x-amz-server-side-encryption': 'AES256' } });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers.etag, `"${md5Hex(body)}"`);
  assert.ok((await getBytes('nine')).equals(body));
});

test('a large PUT with a right Content-MD5 is stored; a wrong one is 400 BadDigest and leaves nothing behind', { timeout: 120_000 }, async () => {
  const body = randomBytes(8 * MiB + 65536 * 3);
  const right = createHash('md5').update(body).digest('base64');
  const ok = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/md5-right`, body, headers: { 'content-md5': right } });
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.headers.etag, `"${md5Hex(body)}"`);
  const flipped = Buffer.from(body);
  flipped[flipped.length - 1]! ^= 1;
  const bad = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/md5-wrong`, body: flipped, headers: { 'content-md5': right } });
  assert.equal(bad.status, 400, bad.body);
  assert.equal(errorCode(bad.body), 'BadDigest');
  assert.equal(await exists('md5-wrong'), false);
  assert.deepEqual(tmpFiles(), []);
});

test('concurrent large PUTs and parts each get their own MD5', { timeout: 180_000 }, async () => {
  const bodies = Array.from({ length: 5 }, (_, i) => randomBytes(8 * MiB + i * 70_001));
  const upload = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'multi' }));
  const [parts, ...puts] = await Promise.all([
    Promise.all(bodies.slice(0, 2).map((b, i) => suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'multi', UploadId: upload.UploadId, PartNumber: i + 1, Body: b })))),
    ...bodies.map((b, i) => suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: `c${i}`, Body: b, ChecksumAlgorithm: i % 2 === 0 ? 'SHA256' : undefined }))),
  ]);
  puts.forEach((p, i) => assert.equal((p as { ETag?: string }).ETag, `"${md5Hex(bodies[i]!)}"`, `object c${i}`));
  parts.forEach((p, i) => assert.equal(p.ETag, `"${md5Hex(bodies[i]!)}"`, `part ${i + 1}`));
  await suite.s3.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key: 'multi', UploadId: upload.UploadId, MultipartUpload: { Parts: parts.map((p, i) => ({ ETag: p.ETag, PartNumber: i + 1 })) },
  }));
  assert.ok((await getBytes('multi')).equals(Buffer.concat(bodies.slice(0, 2))));
  for (const i of [0, 3]) assert.ok((await getBytes(`c${i}`)).equals(bodies[i]!), `c${i} reads back`);
});

test('large PUTs whose client vanishes mid-body leave nothing behind, and the next large PUT still gets its MD5', { timeout: 120_000 }, async () => {
  // Three at once: an offloaded hash (7504950) must drop every abandoned write, not only a lone one.
  await Promise.all([0, 1, 2].map(async (i) => {
    const path = `/${suite.bucket}/gone-${i}`;
    const headers = await signedHeaders(suite.server.url, { method: 'PUT', path, headers: { 'content-length': String(24 * MiB) } });
    const { req, answer } = openRequest(suite.server.url, 'PUT', path, headers);
    await pump(req, randomBytes(MiB), (3 + i) * MiB, () => false);
    await new Promise((r) => setTimeout(r, 100));
    req.destroy();
    await answer.catch(() => undefined);
  }));
  assert.ok(await eventually(() => tmpFiles().length === 0, 5000), `temp files left: ${tmpFiles().join(', ')}`);
  for (let i = 0; i < 3; i++) assert.equal(await exists(`gone-${i}`), false);
  const body = randomBytes(10 * MiB);
  const res = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/after`, body });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers.etag, `"${md5Hex(body)}"`);
});
