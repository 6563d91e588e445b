/** CopyObject and UploadPartCopy: metadata directives, copy-source conditions, copy onto itself, ranged part copies, encryption of the target. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, PutObjectCommand, S3ServiceException, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { objectParts } from '../helpers/data-dir.js';

const MIB = 1024 * 1024;
const suite = serverSuite('copy', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'src', Body: source, ContentType: 'image/png', Metadata: { origin: 'camera' }, Tagging: 'kind=photo' }));
});
const source = randomBytes(11 * MIB);


const rejects = (p: Promise<unknown>, name: string, status: number) =>
  assert.rejects(p, (e: S3ServiceException) => e.name === name && e.$metadata.httpStatusCode === status);
const read = async (key: string) => Buffer.from(await (await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key }))).Body!.transformToByteArray());

test('COPY keeps metadata; REPLACE takes the request\'s; the copy is a new write with its own key', async () => {
  const copy = await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'copied', CopySource: `${suite.bucket}/src` }));
  assert.equal(copy.ServerSideEncryption, 'AES256');
  assert.equal(copy.CopyObjectResult?.ETag, `"${createHash('md5').update(source).digest('hex')}"`);
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'copied' }));
  assert.equal(head.ContentType, 'image/png');
  assert.deepEqual(head.Metadata, { origin: 'camera' });
  assert.ok((await read('copied')).equals(source));
  const [src] = objectParts(suite.server.dataDir, suite.bucket, 'src');
  const [dst] = objectParts(suite.server.dataDir, suite.bucket, 'copied');
  assert.notEqual(dst!.blob_id, src!.blob_id);
  assert.ok(!dst!.sealed_key.equals(src!.sealed_key));
  await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'replaced', CopySource: `${suite.bucket}/src`, MetadataDirective: 'REPLACE', ContentType: 'text/plain', Metadata: { origin: 'scanner' } }));
  const replaced = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'replaced' }));
  assert.equal(replaced.ContentType, 'text/plain');
  assert.deepEqual(replaced.Metadata, { origin: 'scanner' });
});

test('copy-source conditions: If-Match fails with 412', async () => {
  await rejects(suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'cond', CopySource: `${suite.bucket}/src`, CopySourceIfMatch: '"nope"' })), 'PreconditionFailed', 412);
  await rejects(suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'cond', CopySource: `${suite.bucket}/missing` })), 'NoSuchKey', 404);
  await assert.rejects(suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'cond' })));
});

test('copy onto itself needs a change', async () => {
  await rejects(suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'src', CopySource: `${suite.bucket}/src` })), 'InvalidRequest', 400);
  await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'src', CopySource: `${suite.bucket}/src`, MetadataDirective: 'REPLACE', Metadata: { origin: 'edited' } }));
  assert.deepEqual((await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'src' }))).Metadata, { origin: 'edited' });
  await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'src', CopySource: `${suite.bucket}/src`, ServerSideEncryption: 'AES256' }));
  assert.ok((await read('src')).equals(source));
});

test('UploadPartCopy with ranges assembles an object from another', async () => {
  const { UploadId } = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'assembled' }));
  const first = await suite.s3.send(new UploadPartCopyCommand({ Bucket: suite.bucket, Key: 'assembled', UploadId, PartNumber: 1, CopySource: `${suite.bucket}/src`, CopySourceRange: `bytes=0-${6 * MIB - 1}` }));
  const second = await suite.s3.send(new UploadPartCopyCommand({ Bucket: suite.bucket, Key: 'assembled', UploadId, PartNumber: 2, CopySource: `${suite.bucket}/src`, CopySourceRange: `bytes=${6 * MIB}-${11 * MIB - 1}` }));
  assert.equal(first.ServerSideEncryption, 'AES256');
  await rejects(suite.s3.send(new UploadPartCopyCommand({ Bucket: suite.bucket, Key: 'assembled', UploadId, PartNumber: 3, CopySource: `${suite.bucket}/src`, CopySourceRange: `bytes=0-${20 * MIB}` })), 'InvalidRange', 416);
  await suite.s3.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key: 'assembled', UploadId,
    MultipartUpload: { Parts: [{ PartNumber: 1, ETag: first.CopyPartResult?.ETag }, { PartNumber: 2, ETag: second.CopyPartResult?.ETag }] },
  }));
  assert.ok((await read('assembled')).equals(source));
});
