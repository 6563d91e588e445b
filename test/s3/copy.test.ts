/** CopyObject and UploadPartCopy: metadata directives, copy-source conditions, copy onto itself, ranged part copies, encryption of the target. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { objectParts } from '../helpers/data-dir.js';

const MIB = 1024 * 1024;
let server: TestServer;
let s3: S3Client;
const bucket = bucketName('copy');
const source = randomBytes(11 * MIB);

before(async () => {
  server = await startServer();
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: source, ContentType: 'image/png', Metadata: { origin: 'camera' }, Tagging: 'kind=photo' }));
});
after(async () => {
  s3.destroy();
  await server.stop();
});

const rejects = (p: Promise<unknown>, name: string, status: number) =>
  assert.rejects(p, (e: S3ServiceException) => e.name === name && e.$metadata.httpStatusCode === status);
const read = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());

test('COPY keeps metadata; REPLACE takes the request\'s; the copy is a new write with its own key', async () => {
  const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copied', CopySource: `${bucket}/src` }));
  assert.equal(copy.ServerSideEncryption, 'AES256');
  assert.equal(copy.CopyObjectResult?.ETag, `"${createHash('md5').update(source).digest('hex')}"`);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copied' }));
  assert.equal(head.ContentType, 'image/png');
  assert.deepEqual(head.Metadata, { origin: 'camera' });
  assert.ok((await read('copied')).equals(source));
  const [src] = objectParts(server.dataDir, bucket, 'src');
  const [dst] = objectParts(server.dataDir, bucket, 'copied');
  assert.notEqual(dst!.blob_id, src!.blob_id);
  assert.ok(!dst!.sealed_key.equals(src!.sealed_key));
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'replaced', CopySource: `${bucket}/src`, MetadataDirective: 'REPLACE', ContentType: 'text/plain', Metadata: { origin: 'scanner' } }));
  const replaced = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'replaced' }));
  assert.equal(replaced.ContentType, 'text/plain');
  assert.deepEqual(replaced.Metadata, { origin: 'scanner' });
});

test('copy-source conditions: If-Match fails with 412', async () => {
  await rejects(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'cond', CopySource: `${bucket}/src`, CopySourceIfMatch: '"nope"' })), 'PreconditionFailed', 412);
  await rejects(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'cond', CopySource: `${bucket}/missing` })), 'NoSuchKey', 404);
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond' })));
});

test('copy onto itself needs a change', async () => {
  await rejects(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src` })), 'InvalidRequest', 400);
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src`, MetadataDirective: 'REPLACE', Metadata: { origin: 'edited' } }));
  assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'src' }))).Metadata, { origin: 'edited' });
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src`, ServerSideEncryption: 'AES256' }));
  assert.ok((await read('src')).equals(source));
});

test('UploadPartCopy with ranges assembles an object from another', async () => {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'assembled' }));
  const first = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'assembled', UploadId, PartNumber: 1, CopySource: `${bucket}/src`, CopySourceRange: `bytes=0-${6 * MIB - 1}` }));
  const second = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'assembled', UploadId, PartNumber: 2, CopySource: `${bucket}/src`, CopySourceRange: `bytes=${6 * MIB}-${11 * MIB - 1}` }));
  assert.equal(first.ServerSideEncryption, 'AES256');
  await rejects(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'assembled', UploadId, PartNumber: 3, CopySource: `${bucket}/src`, CopySourceRange: `bytes=0-${20 * MIB}` })), 'InvalidRange', 416);
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: 'assembled', UploadId,
    MultipartUpload: { Parts: [{ PartNumber: 1, ETag: first.CopyPartResult?.ETag }, { PartNumber: 2, ETag: second.CopyPartResult?.ETag }] },
  }));
  assert.ok((await read('assembled')).equals(source));
});
