/** Object tags: x-amz-tagging on PUT, Put/Get/DeleteObjectTagging, validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import {
  DeleteObjectTaggingCommand, GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand,
  PutObjectTaggingCommand, S3ServiceException,
} from '@aws-sdk/client-s3';

const suite = serverSuite('tagging');


test('tags from x-amz-tagging, replaced, read, counted on GET, deleted', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 't', Body: 'x', Tagging: 'project=apollo&stage=one%20two' }));
  const tags = await suite.s3.send(new GetObjectTaggingCommand({ Bucket: suite.bucket, Key: 't' }));
  assert.deepEqual(tags.TagSet, [{ Key: 'project', Value: 'apollo' }, { Key: 'stage', Value: 'one two' }]);
  const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 't' }));
  assert.equal(got.TagCount, 2);
  await got.Body!.transformToByteArray();
  await suite.s3.send(new PutObjectTaggingCommand({ Bucket: suite.bucket, Key: 't', Tagging: { TagSet: [{ Key: 'only', Value: 'this' }] } }));
  assert.deepEqual((await suite.s3.send(new GetObjectTaggingCommand({ Bucket: suite.bucket, Key: 't' }))).TagSet, [{ Key: 'only', Value: 'this' }]);
  assert.equal((await suite.s3.send(new DeleteObjectTaggingCommand({ Bucket: suite.bucket, Key: 't' }))).$metadata.httpStatusCode, 204);
  assert.deepEqual((await suite.s3.send(new GetObjectTaggingCommand({ Bucket: suite.bucket, Key: 't' }))).TagSet ?? [], []);
});

test('invalid tags and missing objects', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'v', Body: 'x' }));
  await assert.rejects(suite.s3.send(new PutObjectTaggingCommand({ Bucket: suite.bucket, Key: 'v', Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: 'v' }] } })),
    (e: S3ServiceException) => e.name === 'InvalidTag' && e.$metadata.httpStatusCode === 400);
  await assert.rejects(suite.s3.send(new PutObjectTaggingCommand({ Bucket: suite.bucket, Key: 'v', Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] } })),
    (e: S3ServiceException) => e.name === 'InvalidTag');
  await assert.rejects(suite.s3.send(new GetObjectTaggingCommand({ Bucket: suite.bucket, Key: 'missing' })), (e: S3ServiceException) => e.name === 'NoSuchKey' && e.$metadata.httpStatusCode === 404);
});
