/** Conditional deletes: If-Match on DeleteObject and <ETag> per object in DeleteObjects (412 on mismatch, NoSuchKey when missing), as S3 answers since 2024. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, DeleteObjectsCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite('conddel');
const put = async (Key: string, Body = Key) => (await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key, Body }))).ETag!;
const exists = async (Key: string) => suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key })).then(() => true, () => false);

async function rejects(p: Promise<unknown>, name: string, status: number) {
  await assert.rejects(p, (e: S3ServiceException) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

test('DeleteObject If-Match: a different ETag is 412 and the object stays; its own ETag deletes it', async () => {
  const etag = await put('one');
  await rejects(suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'one', IfMatch: '"0123456789abcdef0123456789abcdef"' })), 'PreconditionFailed', 412);
  assert.ok(await exists('one'));
  const del = await suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'one', IfMatch: etag }));
  assert.equal(del.$metadata.httpStatusCode, 204);
  assert.equal(await exists('one'), false);
});

test('DeleteObject If-Match on a missing key is 404 NoSuchKey; If-Match: * deletes what exists', async () => {
  await rejects(suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'never', IfMatch: '*' })), 'NoSuchKey', 404);
  await put('star');
  assert.equal((await suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'star', IfMatch: '*' }))).$metadata.httpStatusCode, 204);
  assert.equal(await exists('star'), false);
  // Unquoted ETags are compared too, as the aws CLI sends them.
  const etag = await put('bare');
  const raw = await rawRequest(suite.server.url, { method: 'DELETE', path: `/${suite.bucket}/bare`, headers: { 'if-match': etag.replace(/"/g, '') } });
  assert.equal(raw.status, 204);
});

test('x-amz-if-match-size and x-amz-if-match-last-modified-time (directory buckets only in S3) are NotImplemented, never ignored', async () => {
  await put('sized');
  await rejects(suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'sized', IfMatchSize: 999 })), 'NotImplemented', 501);
  await rejects(suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'sized', IfMatchLastModifiedTime: new Date(0) })), 'NotImplemented', 501);
  assert.ok(await exists('sized'));
});

test('DeleteObjects <ETag>: a mismatch is a per-key PreconditionFailed and that object stays; a match deletes; a missing key is NoSuchKey', async () => {
  const a = await put('a');
  await put('b');
  const r = await suite.s3.send(new DeleteObjectsCommand({
    Bucket: suite.bucket,
    Delete: { Objects: [{ Key: 'a', ETag: a }, { Key: 'b', ETag: '"ffffffffffffffffffffffffffffffff"' }, { Key: 'gone', ETag: a }, { Key: 'plain-missing' }] },
  }));
  assert.deepEqual(r.Deleted?.map((d) => d.Key).sort(), ['a', 'plain-missing']);
  assert.deepEqual(r.Errors?.map((e) => [e.Key, e.Code]).sort(), [['b', 'PreconditionFailed'], ['gone', 'NoSuchKey']]);
  assert.equal(await exists('a'), false);
  assert.ok(await exists('b'));
});

test('DeleteObjects <Size> / <LastModifiedTime> conditions are NotImplemented and delete nothing', async () => {
  await put('c');
  const xml = '<Delete><Object><Key>c</Key><Size>1</Size></Object></Delete>';
  const res = await rawRequest(suite.server.url, {
    method: 'POST', path: `/${suite.bucket}?delete`, body: xml, headers: { 'content-md5': createHash('md5').update(xml).digest('base64') },
  });
  assert.equal(res.status, 501);
  assert.equal(errorCode(res.body), 'NotImplemented');
  assert.ok(await exists('c'));
});
