/** INVARIANT 1: a known marker uploaded through every write path appears nowhere in the data directory, in whole or in any 64-byte window. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { allFiles } from '../helpers/data-dir.js';
import { BOTO3_MISSING, HAS_BOTO3, python } from '../helpers/python-tools.js';

const MIB = 1024 * 1024;
let server: TestServer;
let s3: S3Client;
let bucket: string;
/** A random marker, repeated to fill objects, so any plaintext leak of any size would contain a 64-byte window of it. */
const marker = randomBytes(256);
const body = (size: number) => Buffer.concat(Array.from({ length: Math.ceil(size / marker.length) }, () => marker)).subarray(0, size);
const applied: Array<[string, string | undefined]> = [];

before(async () => {
  server = await startServer();
  s3 = s3Client(server);
  bucket = bucketName('marker');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
after(async () => {
  s3.destroy();
  await server.stop();
});

test('PUT', async () => {
  const r = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: body(300_000) }));
  applied.push(['PUT', r.ServerSideEncryption]);
});

test('multipart upload', async () => {
  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multipart' }));
  applied.push(['CreateMultipartUpload', up.ServerSideEncryption]);
  const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'multipart', UploadId: up.UploadId, PartNumber: 1, Body: body(5 * MIB) }));
  const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'multipart', UploadId: up.UploadId, PartNumber: 2, Body: body(1000) }));
  applied.push(['UploadPart', p1.ServerSideEncryption]);
  const done = await s3.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: 'multipart', UploadId: up.UploadId,
    MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
  }));
  applied.push(['CompleteMultipartUpload', done.ServerSideEncryption]);
});

test('copy and UploadPartCopy', async () => {
  const c = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/put` }));
  applied.push(['CopyObject', c.ServerSideEncryption]);
  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'part-copy' }));
  const pc = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'part-copy', UploadId: up.UploadId, PartNumber: 1, CopySource: `${bucket}/put` }));
  applied.push(['UploadPartCopy', pc.ServerSideEncryption]);
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: 'part-copy', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: pc.CopyPartResult?.ETag }] },
  }));
});

test('POST Object (boto3 presigned post)', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const script = `
import boto3, requests, sys, os
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
post = s3.generate_presigned_post(sys.argv[1], 'post', Fields={'x-amz-server-side-encryption': 'AES256'}, Conditions=[{'x-amz-server-side-encryption': 'AES256'}])
r = requests.post(post['url'], data=post['fields'], files={'file': ('f', bytes.fromhex(sys.argv[2]) * 400)})
print(r.status_code, r.headers.get('x-amz-server-side-encryption'))
`;
  const r = await python(server, script, [bucket, marker.toString('hex')]);
  assert.equal(r.code, 0, r.stderr);
  const [status, sse] = r.stdout.trim().split(' ');
  assert.equal(status, '204', r.stdout);
  applied.push(['PostObject', sse]);
});

test('every path reported AES256 and every object reads back', async () => {
  for (const [path, sse] of applied) assert.equal(sse, 'AES256', path);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'multipart' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([body(5 * MIB), body(1000)])));
});

test('no file in the data dir (blobs, SQLite, WAL, logs) holds the marker or any 64-byte window of it', async () => {
  // Objects are the marker repeated, so any 64-byte window of their plaintext starts at one of the marker's 256 offsets.
  const doubled = Buffer.concat([marker, marker]);
  const files = allFiles(server.dataDir);
  assert.ok(files.some((f) => f.endsWith('meta.sqlite')) && files.some((f) => f.includes('/blobs/')), 'the data dir has blobs and metadata');
  for (const file of files) {
    const bytes = readFileSync(file);
    for (let i = 0; i < marker.length; i++) {
      if (bytes.indexOf(doubled.subarray(i, i + 64)) !== -1) assert.fail(`${file} contains a 64-byte window of the marker at offset ${i}`);
    }
  }
  // The server's log output is part of "logs".
  assert.equal(server.stderr().includes(marker.toString('hex')), false);
});

test('small objects stored inline in SQLite are ciphertext too, and read back', async () => {
  const small = body(20_000);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'inline', Body: small }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'inline' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(small));
  const { objectParts } = await import('../helpers/data-dir.js');
  const [part] = objectParts(server.dataDir, bucket, 'inline');
  assert.equal(part?.blob_id, '', 'a 20 KB object lives inline, not in a blob file');
  const doubled = Buffer.concat([marker, marker]);
  for (const file of allFiles(server.dataDir)) {
    const bytes = readFileSync(file);
    for (let i = 0; i < marker.length; i++) assert.equal(bytes.indexOf(doubled.subarray(i, i + 64)), -1, `${file} holds plaintext`);
  }
});
