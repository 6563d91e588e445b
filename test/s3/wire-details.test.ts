/** S3 wire details real clients trip on: 304 validators, CreateBucket repeats, anonymous NoSuchBucket, ListBuckets paging, empty delimiter, tag count on HEAD, Content-Encoding verbatim. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, ListBucketsCommand, PutObjectCommand, S3ServiceException, paginateListBuckets,
} from '@aws-sdk/client-s3';
import { bucketName, s3Client } from '../helpers/clients.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { startServer } from '../helpers/start-server.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite('wire');

test('304 Not Modified carries ETag and Last-Modified (If-None-Match and If-Modified-Since)', async () => {
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'cond', Body: 'hello' }));
  const first = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/cond` });
  assert.equal(first.status, 200);
  const lastModified = first.headers['last-modified'] as string;
  for (const headers of [{ 'if-none-match': put.ETag! }, { 'if-modified-since': lastModified }] as Array<Record<string, string>>) {
    for (const method of ['GET', 'HEAD']) {
      const res = await rawRequest(suite.server.url, { method, path: `/${suite.bucket}/cond`, headers });
      assert.equal(res.status, 304, `${method} ${JSON.stringify(headers)}`);
      assert.equal(res.headers.etag, put.ETag);
      assert.equal(res.headers['last-modified'], lastModified);
      assert.equal(res.body, '');
    }
  }
});

test('CreateBucket of a bucket you already own answers 200 in us-east-1 and leaves it as it was', async () => {
  const name = bucketName('again');
  await suite.s3.send(new CreateBucketCommand({ Bucket: name }));
  await suite.s3.send(new PutObjectCommand({ Bucket: name, Key: 'kept', Body: 'x' }));
  const again = await suite.s3.send(new CreateBucketCommand({ Bucket: name }));
  assert.equal(again.$metadata.httpStatusCode, 200);
  assert.equal(again.Location, `/${name}`);
  const list = await rawRequest(suite.server.url, { method: 'GET', path: `/${name}?list-type=2` });
  assert.match(list.body, /<Key>kept<\/Key>/);
});

test('CreateBucket of a bucket you already own is 409 BucketAlreadyOwnedByYou outside us-east-1', async () => {
  const server = await startServer({ args: ['--region', 'eu-west-1'] });
  const s3 = s3Client(server, { region: 'eu-west-1' });
  try {
    const name = bucketName('eu');
    await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await assert.rejects(s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
      (e: S3ServiceException) => e.name === 'BucketAlreadyOwnedByYou' && e.$metadata.httpStatusCode === 409);
  } finally {
    s3.destroy();
    await server.stop();
  }
});

test('an anonymous request to a missing bucket is NoSuchBucket; to an existing one AccessDenied', async () => {
  const missing = await rawRequest(suite.server.url, { method: 'GET', path: `/${bucketName('nobody')}/key`, unsigned: true });
  assert.equal(missing.status, 404);
  assert.equal(errorCode(missing.body), 'NoSuchBucket');
  const listing = await rawRequest(suite.server.url, { method: 'GET', path: `/${bucketName('nobody')}`, unsigned: true });
  assert.equal(listing.status, 404);
  assert.equal(errorCode(listing.body), 'NoSuchBucket');
  const existing = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/key`, unsigned: true });
  assert.equal(existing.status, 403);
  assert.equal(errorCode(existing.body), 'AccessDenied');
  // Creating a bucket anonymously is still refused, not answered with NoSuchBucket.
  const create = await rawRequest(suite.server.url, { method: 'PUT', path: `/${bucketName('anon')}`, unsigned: true });
  assert.equal(create.status, 403);
  assert.equal(errorCode(create.body), 'AccessDenied');
});

test('ListBuckets honours max-buckets, continuation-token, prefix and bucket-region, and echoes Prefix', async () => {
  const prefix = `lb${Date.now().toString(36)}-`;
  const names = ['a', 'b', 'c', 'd', 'e'].map((s) => `${prefix}${s}`);
  for (const name of names) await suite.s3.send(new CreateBucketCommand({ Bucket: name }));
  const first = await suite.s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: prefix }));
  assert.deepEqual(first.Buckets?.map((b) => b.Name), names.slice(0, 2));
  assert.equal(first.Prefix, prefix);
  assert.ok(first.ContinuationToken, 'a truncated page carries a ContinuationToken');
  const second = await suite.s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: prefix, ContinuationToken: first.ContinuationToken }));
  assert.deepEqual(second.Buckets?.map((b) => b.Name), names.slice(2, 4));
  const paged: string[] = [];
  for await (const page of paginateListBuckets({ client: suite.s3, pageSize: 2 }, { Prefix: prefix })) {
    paged.push(...(page.Buckets ?? []).map((b) => b.Name!));
  }
  assert.deepEqual(paged, names);
  const last = await suite.s3.send(new ListBucketsCommand({ MaxBuckets: 5, Prefix: prefix }));
  assert.equal(last.Buckets?.length, 5);
  assert.equal(last.ContinuationToken, undefined, 'the last page has no token');
  const here = await suite.s3.send(new ListBucketsCommand({ Prefix: prefix, BucketRegion: 'us-east-1' }));
  assert.equal(here.Buckets?.length, 5);
  const elsewhere = await suite.s3.send(new ListBucketsCommand({ Prefix: prefix, BucketRegion: 'eu-west-1' }));
  assert.deepEqual(elsewhere.Buckets ?? [], []);
  for (const bad of ['abc', '0', '10001']) {
    const res = await rawRequest(suite.server.url, { method: 'GET', path: `/?max-buckets=${bad}` });
    assert.equal(res.status, 400, bad);
    assert.equal(errorCode(res.body), 'InvalidArgument');
  }
  const badToken = await rawRequest(suite.server.url, { method: 'GET', path: '/?continuation-token=not-a-token' });
  assert.equal(badToken.status, 400);
  assert.equal(errorCode(badToken.body), 'InvalidArgument');
});

test('an empty ?delimiter= is not echoed back by ListObjects or ListObjectsV2', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'dir/file', Body: 'x' }));
  for (const path of [`/${suite.bucket}?delimiter=`, `/${suite.bucket}?list-type=2&delimiter=`]) {
    const res = await rawRequest(suite.server.url, { method: 'GET', path });
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.body, /<Delimiter/, path);
    assert.match(res.body, /<Key>dir\/file<\/Key>/, path);
  }
  const given = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?list-type=2&delimiter=%2F` });
  assert.match(given.body, /<Delimiter>\/<\/Delimiter>/);
});

test('HEAD answers x-amz-tagging-count when the object has tags, and not when it has none', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'tagged', Body: 'x', Tagging: 'a=1&b=2&c=3' }));
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'plain', Body: 'x' }));
  const head = await rawRequest(suite.server.url, { method: 'HEAD', path: `/${suite.bucket}/tagged` });
  assert.equal(head.status, 200);
  assert.equal(head.headers['x-amz-tagging-count'], '3');
  const plain = await rawRequest(suite.server.url, { method: 'HEAD', path: `/${suite.bucket}/plain` });
  assert.equal(plain.headers['x-amz-tagging-count'], undefined);
});

test('Content-Encoding is stored and returned verbatim; only the aws-chunked framing token is removed', async () => {
  const cases: Array<[string, string]> = [
    ['gzip', 'gzip'], ['br', 'br'], ['identity', 'identity'], ['gzip, br', 'gzip, br'], ['aws-chunked,gzip', 'gzip'], ['aws-chunked, br', 'br'],
  ];
  for (const [i, [sent, expected]] of cases.entries()) {
    const key = `enc-${i}`;
    const put = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/${key}`, headers: { 'content-encoding': sent }, body: 'payload' });
    assert.equal(put.status, 200, `${sent}: ${put.body}`);
    for (const method of ['HEAD', 'GET']) {
      const res = await rawRequest(suite.server.url, { method, path: `/${suite.bucket}/${key}` });
      assert.equal(res.headers['content-encoding'], expected, `${method} after PUT with ${sent}`);
    }
  }
});
