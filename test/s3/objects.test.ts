/** PutObject / GetObject / HeadObject through @aws-sdk/client-s3: bytes, ranges, conditionals, overrides, metadata, checksums, conditional writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { createHash, randomBytes } from 'node:crypto';
import {
  GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException, type ChecksumAlgorithm,
} from '@aws-sdk/client-s3';

const suite = serverSuite('objects');


async function get(key: string, extra: Partial<ConstructorParameters<typeof GetObjectCommand>[0]> = {}) {
  const res = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key, ...extra }));
  return { res, bytes: Buffer.from(await res.Body!.transformToByteArray()) };
}

async function rejects(p: Promise<unknown>, name: string, status: number): Promise<void> {
  await assert.rejects(p, (e: S3ServiceException) => e.name === name && e.$metadata.httpStatusCode === status);
}

/** A 304 has no body, so the SDK cannot name it: only the status is observable. */
async function notModified(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: S3ServiceException) => e.$metadata.httpStatusCode === 304);
}

test('round trip at package boundaries: 0, 1, 64 KiB, 64 KiB + 1, 3 MiB', async () => {
  for (const size of [0, 1, 65536, 65537, 3 * 1024 * 1024]) {
    const body = randomBytes(size);
    const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: `size-${size}`, Body: body }));
    assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`, `ETag is the MD5 (${size})`);
    assert.equal(put.ServerSideEncryption, 'AES256');
    const { res, bytes } = await get(`size-${size}`);
    assert.ok(bytes.equals(body), `bytes (${size})`);
    assert.equal(res.ContentLength, size);
    assert.equal(res.ServerSideEncryption, 'AES256');
    const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: `size-${size}` }));
    assert.equal(head.ContentLength, size);
    assert.equal(head.ServerSideEncryption, 'AES256');
  }
});

test('ranges: closed, open, suffix, across a package boundary; 206 with Content-Range; 416', async () => {
  const body = randomBytes(200_000);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'ranged', Body: body }));
  for (const [range, start, end] of [['bytes=0-9', 0, 9], ['bytes=65530-65545', 65530, 65545], ['bytes=199990-', 199990, 199999], ['bytes=-5', 199995, 199999], ['bytes=100-999999', 100, 199999]] as const) {
    const { res, bytes } = await get('ranged', { Range: range });
    assert.equal(res.$metadata.httpStatusCode, 206, range);
    assert.equal(res.ContentRange, `bytes ${start}-${end}/200000`, range);
    assert.ok(bytes.equals(body.subarray(start, end + 1)), range);
  }
  await rejects(get('ranged', { Range: 'bytes=200000-' }), 'InvalidRange', 416);
});

test('conditional GET: If-Match, If-None-Match (304), If-Modified-Since, If-Unmodified-Since', async () => {
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'cond', Body: 'conditional' }));
  const etag = put.ETag!;
  assert.equal((await get('cond', { IfMatch: etag })).bytes.toString(), 'conditional');
  await rejects(get('cond', { IfMatch: '"0000"' }), 'PreconditionFailed', 412);
  await notModified(suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'cond', IfNoneMatch: etag })));
  const future = new Date(Date.now() + 3600_000);
  const past = new Date(Date.now() - 3600_000);
  await notModified(suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'cond', IfModifiedSince: future })));
  assert.equal((await get('cond', { IfModifiedSince: past })).bytes.toString(), 'conditional');
  await rejects(get('cond', { IfUnmodifiedSince: past }), 'PreconditionFailed', 412);
});

test('response-* overrides and stored headers', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'headers', Body: 'h', ContentType: 'text/plain', CacheControl: 'max-age=60', ContentDisposition: 'inline' }));
  const plain = await get('headers');
  assert.equal(plain.res.ContentType, 'text/plain');
  assert.equal(plain.res.CacheControl, 'max-age=60');
  const over = await get('headers', { ResponseContentType: 'application/json', ResponseContentDisposition: 'attachment; filename="x.json"' });
  assert.equal(over.res.ContentType, 'application/json');
  assert.equal(over.res.ContentDisposition, 'attachment; filename="x.json"');
});

test('user metadata round trip', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'meta', Body: 'm', Metadata: { color: 'blue', 'multi-word': 'a b c' } }));
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'meta' }));
  assert.deepEqual(head.Metadata, { color: 'blue', 'multi-word': 'a b c' });
});

test('checksums: each algorithm sent by the SDK is verified, stored and returned with ChecksumMode ENABLED', async () => {
  const body = randomBytes(100_000);
  for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as ChecksumAlgorithm[]) {
    const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: `sum-${alg}`, Body: body, ChecksumAlgorithm: alg }));
    const field = `Checksum${alg}` as 'ChecksumCRC32';
    assert.ok(put[field], `${alg} returned on PUT`);
    const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: `sum-${alg}`, ChecksumMode: 'ENABLED' }));
    assert.equal(head[field], put[field], `${alg} returned on HEAD`);
    const got = await get(`sum-${alg}`, { ChecksumMode: 'ENABLED' });
    assert.ok(got.bytes.equals(body));
    assert.equal(got.res[field], put[field]);
  }
});

test('conditional writes: If-None-Match: * and If-Match', async () => {
  const first = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'cw', Body: 'one', IfNoneMatch: '*' }));
  await rejects(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'cw', Body: 'two', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
  await rejects(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'cw', Body: 'two', IfMatch: '"ffff"' })), 'PreconditionFailed', 412);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'cw', Body: 'three', IfMatch: first.ETag }));
  assert.equal((await get('cw')).bytes.toString(), 'three');
});

test('keys with spaces, unicode, %, + and 1024 bytes', async () => {
  for (const key of ['with space', 'ünïcødé/日本', 'percent%25%', 'plus+sign', 'k'.repeat(1024)]) {
    await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: key, Body: key }));
    assert.equal((await get(key)).bytes.toString(), key);
  }
});
