/** Bucket tags: Put/Get/DeleteBucketTagging with the SDK and the aws CLI, S3's limits and errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteBucketTaggingCommand, GetBucketTaggingCommand, GetObjectTaggingCommand, PutBucketTaggingCommand, PutObjectCommand,
  S3ServiceException, type Tag,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI } from '../helpers/python-tools.js';

const suite = serverSuite('bucket-tagging');

const noTagSet = (e: S3ServiceException) => e.name === 'NoSuchTagSet' && e.$metadata.httpStatusCode === 404;

test('PutBucketTagging replaces the tag set, GetBucketTagging returns it, DeleteBucketTagging removes it', async () => {
  await assert.rejects(suite.s3.send(new GetBucketTaggingCommand({ Bucket: suite.bucket })), noTagSet);
  const tags: Tag[] = [{ Key: 'project', Value: 'apollo' }, { Key: 'cost centre', Value: '' }, { Key: 'k'.repeat(128), Value: 'v'.repeat(256) }];
  const put = await suite.s3.send(new PutBucketTaggingCommand({ Bucket: suite.bucket, Tagging: { TagSet: tags } }));
  assert.equal(put.$metadata.httpStatusCode, 204);
  assert.deepEqual((await suite.s3.send(new GetBucketTaggingCommand({ Bucket: suite.bucket }))).TagSet, tags);
  await suite.s3.send(new PutBucketTaggingCommand({ Bucket: suite.bucket, Tagging: { TagSet: [{ Key: 'only', Value: 'this' }] } }));
  assert.deepEqual((await suite.s3.send(new GetBucketTaggingCommand({ Bucket: suite.bucket }))).TagSet, [{ Key: 'only', Value: 'this' }]);
  // The bucket's tags are not its objects' tags.
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'o', Body: 'x' }));
  assert.deepEqual((await suite.s3.send(new GetObjectTaggingCommand({ Bucket: suite.bucket, Key: 'o' }))).TagSet ?? [], []);
  assert.equal((await suite.s3.send(new DeleteBucketTaggingCommand({ Bucket: suite.bucket }))).$metadata.httpStatusCode, 204);
  await assert.rejects(suite.s3.send(new GetBucketTaggingCommand({ Bucket: suite.bucket })), noTagSet);
});

test('50 tags are accepted; 51, duplicate keys, aws: keys and over-long keys or values are InvalidTag and change nothing', async () => {
  const fifty = Array.from({ length: 50 }, (_, i): Tag => ({ Key: `k${i}`, Value: `v${i}` }));
  await suite.s3.send(new PutBucketTaggingCommand({ Bucket: suite.bucket, Tagging: { TagSet: fifty } }));
  assert.equal((await suite.s3.send(new GetBucketTaggingCommand({ Bucket: suite.bucket }))).TagSet?.length, 50);
  const cases: Array<[string, Tag[], string]> = [
    ['51 tags', [...fifty, { Key: 'k50', Value: 'v' }], 'Bucket tag count cannot be greater than 50'],
    ['duplicate key', [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }], 'Cannot provide multiple Tags with the same key'],
    ['aws: prefix', [{ Key: 'aws:cloudformation:stack-name', Value: 's' }], 'System tags cannot be added/updated by requester'],
    ['AWS: prefix in capitals', [{ Key: 'AWS:x', Value: 's' }], 'System tags cannot be added/updated by requester'],
    ['key of 129 characters', [{ Key: 'k'.repeat(129), Value: 'v' }], 'The TagKey you have provided is invalid'],
    ['value of 257 characters', [{ Key: 'k', Value: 'v'.repeat(257) }], 'The TagValue you have provided is invalid'],
  ];
  for (const [label, tagSet, message] of cases) {
    await assert.rejects(suite.s3.send(new PutBucketTaggingCommand({ Bucket: suite.bucket, Tagging: { TagSet: tagSet } })), (e: S3ServiceException) => {
      assert.equal(e.name, 'InvalidTag', label);
      assert.equal(e.$metadata.httpStatusCode, 400, label);
      assert.equal(e.message, message, label);
      return true;
    });
  }
  assert.deepEqual((await suite.s3.send(new GetBucketTaggingCommand({ Bucket: suite.bucket }))).TagSet, fifty);
  await suite.s3.send(new DeleteBucketTaggingCommand({ Bucket: suite.bucket }));
});

test('bucket tagging of a missing bucket is NoSuchBucket', async () => {
  await assert.rejects(suite.s3.send(new GetBucketTaggingCommand({ Bucket: 'no-such-bucket-tagging' })), (e: S3ServiceException) => e.name === 'NoSuchBucket');
  await assert.rejects(suite.s3.send(new PutBucketTaggingCommand({ Bucket: 'no-such-bucket-tagging', Tagging: { TagSet: [] } })), (e: S3ServiceException) => e.name === 'NoSuchBucket');
});

test('aws s3api put-bucket-tagging, get-bucket-tagging, delete-bucket-tagging', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const cli = async (args: string[]) => aws(suite.server, ['s3api', ...args, '--bucket', suite.bucket, '--output', 'json']);
  const put = await cli(['put-bucket-tagging', '--tagging', 'TagSet=[{Key=team,Value=storage},{Key=env,Value=test}]']);
  assert.equal(put.code, 0, put.stderr);
  const got = await cli(['get-bucket-tagging']);
  assert.equal(got.code, 0, got.stderr);
  assert.deepEqual(JSON.parse(got.stdout), { TagSet: [{ Key: 'team', Value: 'storage' }, { Key: 'env', Value: 'test' }] });
  const refused = await cli(['put-bucket-tagging', '--tagging', 'TagSet=[{Key=aws:owner,Value=me}]']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /InvalidTag/);
  assert.equal((await cli(['delete-bucket-tagging'])).code, 0);
  const gone = await cli(['get-bucket-tagging']);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /NoSuchTagSet/);
});
