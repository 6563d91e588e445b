/** DeleteObject and DeleteObjects: results per key, quiet mode, limits, and the blobs of deleted objects are gone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { blobFiles } from '../helpers/data-dir.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';

const suite = serverSuite('delete');


/** Bodies above the inline limit, so each object has a blob file whose release the tests can see. */
const put = (Key: string) => suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key, Body: Buffer.alloc(100_000, Key) }));

test('DeleteObject answers 204, also for a missing key, and releases the blob', async () => {
  await put('one');
  const blobs = blobFiles(suite.server.dataDir).length;
  assert.equal((await suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'one' }))).$metadata.httpStatusCode, 204);
  assert.equal(blobFiles(suite.server.dataDir).length, blobs - 1);
  assert.equal((await suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'one' }))).$metadata.httpStatusCode, 204);
});

test('DeleteObjects verbose and quiet, with a missing key and special characters', async () => {
  for (const k of ['a', 'b c', 'd+e%f']) await put(k);
  const verbose = await suite.s3.send(new DeleteObjectsCommand({ Bucket: suite.bucket, Delete: { Objects: [{ Key: 'a' }, { Key: 'b c' }, { Key: 'never-existed' }] } }));
  assert.deepEqual(verbose.Deleted?.map((d) => d.Key).sort(), ['a', 'b c', 'never-existed']);
  assert.equal(verbose.Errors, undefined);
  const quiet = await suite.s3.send(new DeleteObjectsCommand({ Bucket: suite.bucket, Delete: { Objects: [{ Key: 'd+e%f' }], Quiet: true } }));
  assert.equal(quiet.Deleted, undefined);
  const left = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket }));
  assert.equal(left.KeyCount, 0);
  assert.equal(blobFiles(suite.server.dataDir).length, 0);
});

test('more than 1,000 keys is MalformedXML; a missing Content-MD5 is refused', async () => {
  const xml = `<Delete>${Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('')}</Delete>`;
  const md5 = createHash('md5').update(xml).digest('base64');
  const tooMany = await rawRequest(suite.server.url, { method: 'POST', path: `/${suite.bucket}?delete`, body: xml, headers: { 'content-md5': md5 } });
  assert.deepEqual([tooMany.status, errorCode(tooMany.body)], [400, 'MalformedXML']);
  const noDigest = await rawRequest(suite.server.url, { method: 'POST', path: `/${suite.bucket}?delete`, body: '<Delete><Object><Key>x</Key></Object></Delete>' });
  assert.deepEqual([noDigest.status, errorCode(noDigest.body)], [400, 'InvalidRequest']);
});
