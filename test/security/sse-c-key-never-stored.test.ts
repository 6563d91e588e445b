/** INVARIANT (SSE-C): the customer key is never kept — not in the data directory (blobs, SQLite and its WAL, the audit trail), not in the server's logs — in raw, base64 or hex form; the insecure switch says so loudly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand,
  PutBucketEncryptionCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { rawRequest } from '../helpers/raw-request.js';

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** The forms a leaked key would take: raw bytes, base64, base64url, hex (both cases), and its MD5 (raw, base64): the MD5 is not kept either. */
function forms(key: Buffer): Array<[string, Buffer]> {
  const md5 = createHash('md5').update(key).digest();
  return [
    ['raw', key], ['base64', Buffer.from(key.toString('base64'))], ['hex', Buffer.from(key.toString('hex'))],
    ['HEX', Buffer.from(key.toString('hex').toUpperCase())], ['base64url', Buffer.from(key.toString('base64url'))],
    ['raw MD5', md5], ['base64 MD5', Buffer.from(md5.toString('base64'))],
  ];
}

test('the customer keys of PUT, multipart, copy, rotation and failed requests are found nowhere in the data directory or the logs', async () => {
  const server = await startServer({ args: ['--allow-insecure-sse-c'] });
  const s3 = s3Client(server);
  const bucket = bucketName('never-stored');
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const wrong = randomBytes(32);
  const ssec = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: k.toString('base64') });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    // Inline (small) and blob-file (large) objects.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: 'small object', ...ssec(k1) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'large', Body: randomBytes(300_000), ...ssec(k1) }));
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi', ...ssec(k1) }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'multi', UploadId: up.UploadId!, PartNumber: 1, Body: randomBytes(100_000), ...ssec(k1) }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'multi', UploadId: up.UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    // An upload left open keeps only its check too.
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'open-upload', ...ssec(k2) }));
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copied', CopySource: `${bucket}/large`, CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: k1.toString('base64'), ...ssec(k2) }));
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'small', CopySource: `${bucket}/small`, CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: k1.toString('base64'), ...ssec(k2) }));
    // Failed requests: a wrong key, and a bad signature whose error echoes the canonical request.
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'large', ...ssec(wrong) })));
    const md5 = (k: Buffer) => createHash('md5').update(k).digest('base64');
    const bad = await rawRequest(server.url, {
      method: 'PUT', path: `/${bucket}/sig`, body: 'x', secretKey: 'not-the-secret',
      headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': wrong.toString('base64'), 'x-amz-server-side-encryption-customer-key-md5': md5(wrong) },
    });
    assert.equal(bad.status, 403);
    assert.ok(!bad.body.includes(wrong.toString('base64')), 'the error answer echoes the key');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'small', ...ssec(k2) }));
    assert.equal(await got.Body!.transformToString(), 'small object');
  } finally {
    s3.destroy();
    await server.stop({ remove: false });
  }
  try {
    const everything = files(server.dataDir);
    assert.ok(everything.some((f) => f.endsWith('meta.sqlite')), 'the SQLite file is searched');
    assert.ok(everything.some((f) => f.includes('blobs')), 'the blob files are searched');
    assert.ok(everything.some((f) => f.includes(`${sep}audit${sep}`)), 'the audit trail files are searched');
    const sources: Array<[string, Buffer]> = [
      ...everything.map((f): [string, Buffer] => [f, readFileSync(f)]),
      ['server stdout', Buffer.from(server.stdout())], ['server stderr', Buffer.from(server.stderr())],
    ];
    for (const [name, bytes] of sources) {
      for (const [which, key] of [['k1', k1], ['k2', k2], ['wrong', wrong]] as const) {
        for (const [form, needle] of forms(key)) assert.equal(bytes.indexOf(needle), -1, `${which} found as ${form} in ${name}`);
      }
    }
  } finally {
    await server.stop();
  }
});

test('--allow-insecure-sse-c says so loudly at start; without it nothing is said and SSE-C over HTTP is refused', async () => {
  const insecure = await startServer({ args: ['--allow-insecure-sse-c'] });
  const plain = await startServer();
  try {
    assert.match(insecure.stderr(), /WARNING: --allow-insecure-sse-c: SSE-C requests are accepted over plain HTTP/);
    assert.ok(!plain.stderr().includes('allow-insecure-sse-c'));
    const bucket = bucketName('insecure');
    await rawRequest(plain.url, { method: 'PUT', path: `/${bucket}` });
    const key = randomBytes(32);
    const res = await rawRequest(plain.url, {
      method: 'GET', path: `/${bucket}/any`,
      headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': key.toString('base64'), 'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(key).digest('base64') },
    });
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>InvalidRequest<\/Code><Message>Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.<\/Message>/);
  } finally {
    await insecure.stop();
    await plain.stop();
  }
});
