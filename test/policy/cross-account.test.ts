/** Two accounts: the second's keys cannot see, read, list or delete the first's bucket, until a bucket policy grants its account one prefix — exactly that prefix. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutBucketPolicyCommand,
  PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { bucketName } from '../helpers/clients.js';
import { clientFor, createUser, refused } from '../helpers/policy-rig.js';
import { startTwoAccounts, type TwoAccounts } from '../helpers/two-accounts.js';

const bucket = bucketName('xacct');
let rig: TwoAccounts;
let one: S3Client;
let two: S3Client;

before(async () => {
  rig = await startTwoAccounts('xacct');
  one = clientFor(rig.server.url, rig.first);
  two = clientFor(rig.server.url, rig.second);
  await one.send(new CreateBucketCommand({ Bucket: bucket }));
  await one.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared/a.txt', Body: 'shared' }));
  await one.send(new PutObjectCommand({ Bucket: bucket, Key: 'private/b.txt', Body: 'private' }));
});
after(async () => {
  one?.destroy();
  two?.destroy();
  await rig?.stop();
});

test('without a bucket policy the second account cannot see, read, list or delete the first account\'s bucket', async () => {
  const listed = await two.send(new ListBucketsCommand({}));
  assert.ok(!(listed.Buckets ?? []).some((b) => b.Name === bucket));
  await refused(two.send(new GetObjectCommand({ Bucket: bucket, Key: 'shared/a.txt' })), 'AccessDenied', 403);
  await refused(two.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'shared/' })), 'AccessDenied', 403);
  await refused(two.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'shared/a.txt' })), 'AccessDenied', 403);
  await refused(two.send(new DeleteBucketCommand({ Bucket: bucket })), 'AccessDenied', 403);
});

test('a bucket policy granting the second account s3:GetObject on shared/* and s3:ListBucket with s3:prefix shared/ lets its root read exactly that prefix; its IAM user needs its own allow too', async () => {
  await one.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadShared', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${rig.secondAccountId}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/shared/*` },
      { Sid: 'ListShared', Effect: 'Allow', Principal: { AWS: rig.secondAccountId }, Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': 'shared/*' } } },
    ],
  }) }));
  const got = await two.send(new GetObjectCommand({ Bucket: bucket, Key: 'shared/a.txt' }));
  assert.equal(await got.Body!.transformToString(), 'shared');
  await refused(two.send(new GetObjectCommand({ Bucket: bucket, Key: 'private/b.txt' })), 'AccessDenied', 403);
  const listed = await two.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'shared/' }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ['shared/a.txt']);
  await refused(two.send(new ListObjectsV2Command({ Bucket: bucket })), 'AccessDenied', 403);
  await refused(two.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'private/' })), 'AccessDenied', 403);
  await refused(two.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared/planted', Body: 'x' })), 'AccessDenied', 403);
  await refused(two.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'shared/a.txt' })), 'AccessDenied', 403);

  // Cross-account needs both sides: the second account's user without an identity allow is refused, with one it reads.
  const bare = clientFor(rig.server.url, await createUser(rig.server.url, 'xbare', {}, rig.second));
  await refused(bare.send(new GetObjectCommand({ Bucket: bucket, Key: 'shared/a.txt' })), 'AccessDenied', 403);
  const reader = clientFor(rig.server.url, await createUser(rig.server.url, 'xreader', {
    read: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
  }, rig.second));
  const read = await reader.send(new GetObjectCommand({ Bucket: bucket, Key: 'shared/a.txt' }));
  assert.equal(await read.Body!.transformToString(), 'shared');
  await refused(reader.send(new GetObjectCommand({ Bucket: bucket, Key: 'private/b.txt' })), 'AccessDenied', 403);
  bare.destroy();
  reader.destroy();
});
