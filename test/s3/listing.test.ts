/** ListObjectsV2 and ListObjects: pagination, delimiters, URL encoding, odd keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { rawRequest } from '../helpers/raw-request.js';

const many = Array.from({ length: 2500 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
const odd = ['odd/with space', 'odd/ünï/cødé', 'odd/percent%', 'odd/plus+sign', `odd/${'x'.repeat(1020)}`];
const tree = ['tree/a', 'tree/b/1', 'tree/b/2', 'tree/c/d/3', 'tree/e'];
const suite = serverSuite('listing', async () => {
  const keys = [...many, ...odd, ...tree];
  for (let i = 0; i < keys.length; i += 32) {
    await Promise.all(keys.slice(i, i + 32).map((Key) => suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key, Body: 'x' }))));
  }
});

test('ListObjectsV2 pages through 2,500 keys 1,000 at a time', async () => {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket, Prefix: 'many/', ContinuationToken: token }));
    pages++;
    assert.equal(page.KeyCount, page.Contents?.length);
    seen.push(...page.Contents!.map((c) => c.Key!));
    token = page.NextContinuationToken;
    assert.equal(page.IsTruncated, token !== undefined);
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, many);
});

test('delimiter rolls keys into CommonPrefixes; max-keys counts both', async () => {
  const top = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket, Delimiter: '/' }));
  assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ['many/', 'odd/', 'tree/']);
  assert.equal(top.Contents, undefined);
  const inTree = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket, Prefix: 'tree/', Delimiter: '/' }));
  assert.deepEqual(inTree.Contents?.map((c) => c.Key), ['tree/a', 'tree/e']);
  assert.deepEqual(inTree.CommonPrefixes?.map((p) => p.Prefix), ['tree/b/', 'tree/c/']);
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket, Prefix: 'tree/', Delimiter: '/', MaxKeys: 1, ContinuationToken: token }));
    seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
    token = page.NextContinuationToken;
  } while (token);
  assert.deepEqual(seen, ['tree/a', 'tree/b/', 'tree/c/', 'tree/e']);
});

test('start-after, and invalid parameters', async () => {
  const after = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket, Prefix: 'tree/', StartAfter: 'tree/b/1' }));
  assert.deepEqual(after.Contents?.map((c) => c.Key), ['tree/b/2', 'tree/c/d/3', 'tree/e']);
  await assert.rejects(suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket, ContinuationToken: 'garbage!' })), (e: S3ServiceException) => e.name === 'InvalidArgument');
  const bad = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?list-type=2&encoding-type=base64` });
  assert.equal(bad.status, 400);
});

test('odd keys list and round-trip, raw and with encoding-type=url', async () => {
  const plain = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket, Prefix: 'odd/' }));
  assert.deepEqual(plain.Contents?.map((c) => c.Key).sort(), [...odd].sort());
  const raw = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?list-type=2&prefix=odd%2F&encoding-type=url` });
  const keys = [...raw.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => decodeURIComponent(m[1]!.replace(/\+/g, '%20')));
  assert.deepEqual(keys.sort(), [...odd].sort());
  assert.ok(raw.body.includes('<Key>odd/with+space</Key>'));
  assert.ok(raw.body.includes('<Key>odd/plus%2Bsign</Key>'));
});

test('ListObjects v1: Marker, NextMarker with a delimiter, Owner', async () => {
  const first = await suite.s3.send(new ListObjectsCommand({ Bucket: suite.bucket, Prefix: 'tree/', MaxKeys: 2 }));
  assert.deepEqual(first.Contents?.map((c) => c.Key), ['tree/a', 'tree/b/1']);
  assert.equal(first.IsTruncated, true);
  assert.ok(first.Contents?.[0]?.Owner?.ID);
  const next = await suite.s3.send(new ListObjectsCommand({ Bucket: suite.bucket, Prefix: 'tree/', Marker: 'tree/b/1' }));
  assert.deepEqual(next.Contents?.map((c) => c.Key), ['tree/b/2', 'tree/c/d/3', 'tree/e']);
  const delimited = await suite.s3.send(new ListObjectsCommand({ Bucket: suite.bucket, Prefix: 'tree/', Delimiter: '/', MaxKeys: 2 }));
  assert.equal(delimited.NextMarker, 'tree/b/');
});
