/** Object tags: x-amz-tagging on PUT, Put/Get/DeleteObjectTagging, validation. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteObjectTaggingCommand, GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand,
  PutObjectTaggingCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';

let server: TestServer;
let s3: S3Client;
const bucket = bucketName('tagging');

before(async () => {
  server = await startServer();
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
after(async () => {
  s3.destroy();
  await server.stop();
});

test('tags from x-amz-tagging, replaced, read, counted on GET, deleted', async () => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 't', Body: 'x', Tagging: 'project=apollo&stage=one%20two' }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 't' }));
  assert.deepEqual(tags.TagSet, [{ Key: 'project', Value: 'apollo' }, { Key: 'stage', Value: 'one two' }]);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 't' }));
  assert.equal(got.TagCount, 2);
  await got.Body!.transformToByteArray();
  await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 't', Tagging: { TagSet: [{ Key: 'only', Value: 'this' }] } }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 't' }))).TagSet, [{ Key: 'only', Value: 'this' }]);
  assert.equal((await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 't' }))).$metadata.httpStatusCode, 204);
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 't' }))).TagSet ?? [], []);
});

test('invalid tags and missing objects', async () => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'v', Body: 'x' }));
  await assert.rejects(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'v', Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: 'v' }] } })),
    (e: S3ServiceException) => e.name === 'InvalidTag' && e.$metadata.httpStatusCode === 400);
  await assert.rejects(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'v', Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] } })),
    (e: S3ServiceException) => e.name === 'InvalidTag');
  await assert.rejects(s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'missing' })), (e: S3ServiceException) => e.name === 'NoSuchKey' && e.$metadata.httpStatusCode === 404);
});
