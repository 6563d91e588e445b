/** Bucket operations through @aws-sdk/client-s3 against a real server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketCommand, GetBucketLocationCommand, GetBucketVersioningCommand,
  HeadBucketCommand, ListBucketsCommand, PutObjectCommand, DeleteObjectCommand, S3ServiceException,
} from '@aws-sdk/client-s3';
import { bucketName } from '../helpers/clients.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite('buckets');

async function rejectsWith(p: Promise<unknown>, name: string, status: number): Promise<void> {
  await assert.rejects(p, (e: S3ServiceException) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

test('create, list, head, locate, delete a bucket', async () => {
  const name = bucketName('life');
  const created = await suite.s3.send(new CreateBucketCommand({ Bucket: name }));
  assert.equal(created.Location, `/${name}`);
  const list = await suite.s3.send(new ListBucketsCommand({}));
  const mine = list.Buckets?.find((b) => b.Name === name);
  assert.ok(mine?.CreationDate instanceof Date);
  assert.ok(list.Owner?.ID && list.Owner.ID.length === 64);
  const head = await suite.s3.send(new HeadBucketCommand({ Bucket: name }));
  assert.equal(head.BucketRegion, 'us-east-1');
  assert.equal((await suite.s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint, undefined);
  assert.equal((await suite.s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, undefined);
  await suite.s3.send(new DeleteBucketCommand({ Bucket: name }));
  await rejectsWith(suite.s3.send(new HeadBucketCommand({ Bucket: name })), 'NotFound', 404);
});

test('creating a bucket twice in us-east-1 answers 200 (409 BucketAlreadyOwnedByYou elsewhere: test/s3/wire-details.test.ts)', async () => {
  const name = bucketName('twice');
  await suite.s3.send(new CreateBucketCommand({ Bucket: name }));
  assert.equal((await suite.s3.send(new CreateBucketCommand({ Bucket: name }))).$metadata.httpStatusCode, 200);
});

test('a LocationConstraint other than the server region is refused; the server region itself is accepted', async () => {
  await rejectsWith(
    suite.s3.send(new CreateBucketCommand({ Bucket: bucketName('far'), CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    'IllegalLocationConstraintException', 400);
  const local = bucketName('near');
  await suite.s3.send(new CreateBucketCommand({ Bucket: local, CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } }));
  await suite.s3.send(new HeadBucketCommand({ Bucket: local }));
});

test('invalid bucket names are InvalidBucketName and create nothing', async () => {
  for (const name of ['ab', 'Upper-Case', 'a..b', '192.168.5.4', 'xn--bucket', 'bucket-']) {
    await rejectsWith(suite.s3.send(new CreateBucketCommand({ Bucket: name })), 'InvalidBucketName', 400);
  }
  const list = await suite.s3.send(new ListBucketsCommand({}));
  assert.ok(!list.Buckets?.some((b) => b.Name === 'ab'));
});

test('a bucket with an object is not deleted (BucketNotEmpty); once empty it is', async () => {
  const name = bucketName('full');
  await suite.s3.send(new CreateBucketCommand({ Bucket: name }));
  await suite.s3.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'x' }));
  await rejectsWith(suite.s3.send(new DeleteBucketCommand({ Bucket: name })), 'BucketNotEmpty', 409);
  await suite.s3.send(new DeleteObjectCommand({ Bucket: name, Key: 'k' }));
  await suite.s3.send(new DeleteBucketCommand({ Bucket: name }));
});

test('operations on a missing bucket answer NoSuchBucket', async () => {
  await rejectsWith(suite.s3.send(new DeleteBucketCommand({ Bucket: bucketName('ghost') })), 'NoSuchBucket', 404);
  await rejectsWith(suite.s3.send(new PutObjectCommand({ Bucket: bucketName('ghost'), Key: 'k', Body: 'x' })), 'NoSuchBucket', 404);
});
