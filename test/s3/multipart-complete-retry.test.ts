/** A repeated CompleteMultipartUpload (a client retry after a lost response) answers 200 with the same result while the object it made stands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand,
  S3ServiceException, UploadPartCommand, type CompletedPart,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { blobFiles } from '../helpers/data-dir.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';

const MIB = 1024 * 1024;
const suite = serverSuite('complete-retry');

/** An upload of two parts (5 MiB + 1 MiB), not yet completed. */
async function upload(Key: string) {
  const { UploadId } = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key }));
  const data = [randomBytes(5 * MIB), randomBytes(MIB)];
  const parts: CompletedPart[] = [];
  for (const [i, Body] of data.entries()) {
    const { ETag } = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key, UploadId, PartNumber: i + 1, Body }));
    parts.push({ PartNumber: i + 1, ETag });
  }
  return { UploadId: UploadId!, parts, bytes: Buffer.concat(data) };
}

const completeXml = (parts: CompletedPart[]) =>
  `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.PartNumber}</PartNumber><ETag>${p.ETag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

const completeRaw = (Key: string, UploadId: string, parts: CompletedPart[]) =>
  rawRequest(suite.server.url, { method: 'POST', path: `/${suite.bucket}/${Key}?uploadId=${encodeURIComponent(UploadId)}`, body: completeXml(parts) });

test('repeating a successful Complete answers 200 with the same body and headers, and changes nothing', async () => {
  const { UploadId, parts, bytes } = await upload('retried');
  const first = await completeRaw('retried', UploadId, parts);
  assert.equal(first.status, 200, first.body);
  const blobs = blobFiles(suite.server.dataDir).length;
  const again = await completeRaw('retried', UploadId, parts);
  assert.equal(again.status, 200, again.body);
  assert.equal(again.body, first.body);
  assert.equal(again.headers['x-amz-server-side-encryption'], 'AES256');
  assert.equal(blobFiles(suite.server.dataDir).length, blobs);
  const sdk = await suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'retried', UploadId, MultipartUpload: { Parts: parts } }));
  assert.match(sdk.ETag!, /-2"$/);
  const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'retried' }));
  assert.equal(got.ETag, sdk.ETag);
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes));
});

test('a repeat with another part list, or after the object was overwritten or deleted, is NoSuchUpload', async () => {
  const { UploadId, parts } = await upload('replaced');
  assert.equal((await completeRaw('replaced', UploadId, parts)).status, 200);
  const other = await completeRaw('replaced', UploadId, parts.slice(0, 1));
  assert.deepEqual([other.status, errorCode(other.body)], [404, 'NoSuchUpload']);
  const elsewhere = await completeRaw('other-key', UploadId, parts);
  assert.deepEqual([elsewhere.status, errorCode(elsewhere.body)], [404, 'NoSuchUpload']);

  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'replaced', Body: 'newer' }));
  const overwritten = await completeRaw('replaced', UploadId, parts);
  assert.deepEqual([overwritten.status, errorCode(overwritten.body)], [404, 'NoSuchUpload']);

  const second = await upload('deleted');
  assert.equal((await completeRaw('deleted', second.UploadId, second.parts)).status, 200);
  await suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'deleted' }));
  await assert.rejects(
    suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'deleted', UploadId: second.UploadId, MultipartUpload: { Parts: second.parts } })),
    (e: S3ServiceException) => e.name === 'NoSuchUpload' && e.$metadata.httpStatusCode === 404,
  );
});
