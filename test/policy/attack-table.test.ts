/** A table of tried attacks, each refused: anonymous access, another account's keys, a forged signature, a deleted user's key, and a policy-denied action through every path. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command,
  PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bucketName } from '../helpers/clients.js';
import { clientFor, createUser, iamCall, refused, type Keys } from '../helpers/policy-rig.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';
import { startTwoAccounts, type TwoAccounts } from '../helpers/two-accounts.js';

const bucket = bucketName('attacks');
let rig: TwoAccounts;
let owner: S3Client;
let limited: S3Client;
let limitedKeys: Keys;

before(async () => {
  rig = await startTwoAccounts('attacks');
  owner = clientFor(rig.server.url, rig.first);
  await owner.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const key of ['allowed/a', 'allowed/b', 'denied/src']) await owner.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }));
  limitedKeys = await createUser(rig.server.url, 'limited', {
    prefix: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${bucket}/allowed/*` },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
      ],
    },
  });
  limited = clientFor(rig.server.url, limitedKeys);
});
after(async () => {
  owner?.destroy();
  limited?.destroy();
  await rig?.stop();
});

async function stillThere(key: string): Promise<void> {
  const head = await owner.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(head.$metadata.httpStatusCode, 200);
}

async function absent(key: string): Promise<void> {
  await refused(owner.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), 'NotFound', 404);
}

test('anonymous GET and list of a private bucket → 403 AccessDenied', async () => {
  const get = await fetch(`${rig.server.url}/${bucket}/allowed/a`);
  assert.equal(get.status, 403);
  assert.match(await get.text(), /<Code>AccessDenied<\/Code>/);
  const list = await fetch(`${rig.server.url}/${bucket}`);
  assert.equal(list.status, 403);
  const put = await fetch(`${rig.server.url}/${bucket}/allowed/anon`, { method: 'PUT', body: 'x' });
  assert.equal(put.status, 403);
  await absent('allowed/anon');
});

test('another account\'s keys → 403 AccessDenied on read, list, write', async () => {
  const other = clientFor(rig.server.url, rig.second);
  await refused(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'allowed/a' })), 'AccessDenied', 403);
  await refused(other.send(new ListObjectsV2Command({ Bucket: bucket })), 'AccessDenied', 403);
  await refused(other.send(new PutObjectCommand({ Bucket: bucket, Key: 'allowed/planted', Body: 'x' })), 'AccessDenied', 403);
  await absent('allowed/planted');
  other.destroy();
});

test('a forged signature (the owner\'s key id, a wrong secret) → 403 SignatureDoesNotMatch', async () => {
  const forged = clientFor(rig.server.url, { accessKey: rig.first.accessKey, secretKey: 'not-the-secret-not-the-secret-not-the-se' });
  await refused(forged.send(new GetObjectCommand({ Bucket: bucket, Key: 'allowed/a' })), 'SignatureDoesNotMatch', 403);
  forged.destroy();
});

test('a deleted user\'s key → 403 InvalidAccessKeyId', async () => {
  const keys = await createUser(rig.server.url, 'gone', { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } });
  const gone = clientFor(rig.server.url, keys);
  await gone.send(new GetObjectCommand({ Bucket: bucket, Key: 'allowed/a' }));
  await iamCall(rig.server.url, { Action: 'DeleteUserPolicy', UserName: 'gone', PolicyName: 'all' });
  await iamCall(rig.server.url, { Action: 'DeleteAccessKey', UserName: 'gone', AccessKeyId: keys.accessKey });
  await iamCall(rig.server.url, { Action: 'DeleteUser', UserName: 'gone' });
  await refused(gone.send(new GetObjectCommand({ Bucket: bucket, Key: 'allowed/a' })), 'InvalidAccessKeyId', 403);
  gone.destroy();
});

test('policy-denied PUT → 403, nothing stored', async () => {
  await refused(limited.send(new PutObjectCommand({ Bucket: bucket, Key: 'denied/put', Body: 'x' })), 'AccessDenied', 403);
  await absent('denied/put');
});

test('policy-denied POST form (signed by the user) → 403, nothing stored; the same form to an allowed key → 204', async () => {
  const denied = signedFields(bucket, [{ key: 'denied/post' }], { key: 'denied/post' }, 60_000, limitedKeys);
  const r = await postForm(`${rig.server.url}/${bucket}`, formBody(denied, 'x'));
  assert.equal(r.status, 403, r.body);
  assert.match(r.body, /<Code>AccessDenied<\/Code>/);
  await absent('denied/post');
  const allowed = signedFields(bucket, [{ key: 'allowed/post' }], { key: 'allowed/post' }, 60_000, limitedKeys);
  assert.equal((await postForm(`${rig.server.url}/${bucket}`, formBody(allowed, 'x'))).status, 204);
});

test('policy-denied multipart part: UploadPart into an upload on a denied key → 403', async () => {
  const upload = await owner.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'denied/big' }));
  await refused(limited.send(new UploadPartCommand({ Bucket: bucket, Key: 'denied/big', UploadId: upload.UploadId, PartNumber: 1, Body: 'x' })), 'AccessDenied', 403);
  await refused(limited.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'denied/big2' })), 'AccessDenied', 403);
});

test('policy-denied copy source (s3:GetObject on the source) and copy target (s3:PutObject) → 403, nothing stored', async () => {
  await refused(limited.send(new CopyObjectCommand({ Bucket: bucket, Key: 'allowed/copy', CopySource: `${bucket}/denied/src` })), 'AccessDenied', 403);
  await absent('allowed/copy');
  await refused(limited.send(new CopyObjectCommand({ Bucket: bucket, Key: 'denied/copy', CopySource: `${bucket}/allowed/a` })), 'AccessDenied', 403);
  await absent('denied/copy');
});

test('DeleteObjects: each key decided alone — the allowed key deleted, the denied key an AccessDenied entry and still there', async () => {
  const r = await limited.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'allowed/b' }, { Key: 'denied/src' }] } }));
  assert.deepEqual(r.Deleted?.map((d) => d.Key), ['allowed/b']);
  assert.deepEqual(r.Errors?.map((e) => [e.Key, e.Code]), [['denied/src', 'AccessDenied']]);
  await stillThere('denied/src');
  await absent('allowed/b');
});

test('a presigned URL carries its signer\'s rights: GET of a denied key → 403, of an allowed key → 200', async () => {
  const denied = await getSignedUrl(limited, new GetObjectCommand({ Bucket: bucket, Key: 'denied/src' }), { expiresIn: 300 });
  const r = await fetch(denied);
  assert.equal(r.status, 403);
  assert.match(await r.text(), /<Code>AccessDenied<\/Code>/);
  const allowed = await getSignedUrl(limited, new GetObjectCommand({ Bucket: bucket, Key: 'allowed/a' }), { expiresIn: 300 });
  const ok = await fetch(allowed);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'body of allowed/a');
});
