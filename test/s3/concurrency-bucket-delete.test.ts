/** Writes that finish after their bucket was deleted fail NoSuchBucket and leave nothing that reappears when the name is created again. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, Sha256 } from '../helpers/raw-request.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';
import { blobFiles } from '../helpers/data-dir.js';

const suite = serverSuite('bucket-gone');

/** A signed request whose body is sent in two halves; the second half goes only when `finish()` is called. */
async function slowRequest(method: string, path: string, body: Buffer, extra: Record<string, string> = {}) {
  const url = new URL(suite.server.url);
  const q = path.indexOf('?');
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(path.slice(q + 1))) query[k] = v;
  const signer = new SignatureV4({
    service: 's3', region: TEST_REGION, sha256: Sha256, uriEscapePath: false,
    credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
  });
  const signed = await signer.sign({
    method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: q < 0 ? path : path.slice(0, q), query,
    headers: { host: url.host, 'content-length': String(body.length), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...extra },
  });
  let resolveResponse!: (r: { status: number; body: string }) => void;
  const response = new Promise<{ status: number; body: string }>((resolve) => { resolveResponse = resolve; });
  const req = request({ host: url.hostname, port: url.port, method, path, headers: signed.headers as Record<string, string> }, (res: IncomingMessage) => {
    let text = '';
    res.on('data', (c: Buffer) => { text += c.toString(); });
    res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: text }));
  });
  req.on('error', (e) => resolveResponse({ status: 0, body: String(e) }));
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  return { response, finish: () => req.end(body.subarray(half)) };
}

async function recreatedBucketIsEmpty(bucket: string): Promise<void> {
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const list = await suite.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.equal(list.KeyCount, 0, `objects reappeared: ${JSON.stringify(list.Contents?.map((c) => c.Key))}`);
  const uploads = await suite.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  assert.equal(uploads.Uploads?.length ?? 0, 0);
  // The bucket can be deleted again: nothing hidden blocks it.
  await suite.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

test('a slow PUT whose bucket is deleted mid-body fails NoSuchBucket; the re-created bucket is empty; no blob is left', async () => {
  const bucket = `${suite.bucket}-put`;
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const before = blobFiles(suite.server.dataDir).length;
  const put = await slowRequest('PUT', `/${bucket}/late`, randomBytes(256 * 1024));
  await sleep(200);
  await suite.s3.send(new DeleteBucketCommand({ Bucket: bucket })); // empty: succeeds
  put.finish();
  const res = await put.response;
  assert.equal(res.status, 404, res.body);
  assert.equal(errorCode(res.body), 'NoSuchBucket');
  assert.equal(blobFiles(suite.server.dataDir).length, before);
  await recreatedBucketIsEmpty(bucket);
});

test('a small (inline) PUT finishing after DeleteBucket fails NoSuchBucket too', async () => {
  const bucket = `${suite.bucket}-small`;
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const put = await slowRequest('PUT', `/${bucket}/late-small`, randomBytes(1000));
  await sleep(200);
  await suite.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  put.finish();
  const res = await put.response;
  assert.equal(res.status, 404, res.body);
  assert.equal(errorCode(res.body), 'NoSuchBucket');
  await recreatedBucketIsEmpty(bucket);
});

test('CompleteMultipartUpload whose bucket is deleted while its XML is in flight fails NoSuchBucket', async () => {
  const bucket = `${suite.bucket}-mpu`;
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { UploadId } = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'late-mpu' }));
  const part = await suite.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'late-mpu', UploadId, PartNumber: 1, Body: randomBytes(1000) }));
  const xml = Buffer.from(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`);
  const complete = await slowRequest('POST', `/${bucket}/late-mpu?uploadId=${UploadId}`, xml);
  await sleep(200);
  await suite.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  complete.finish();
  const res = await complete.response;
  assert.equal(res.status, 404, res.body);
  assert.equal(errorCode(res.body), 'NoSuchBucket');
  await recreatedBucketIsEmpty(bucket);
});
