/** Never a silent success: ACLs, grants, object lock and ownership headers the server does not implement are refused with S3's code, and nothing is stored. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, HeadBucketCommand, HeadObjectCommand,
  ListMultipartUploadsCommand, PutObjectCommand, S3ServiceException,
} from '@aws-sdk/client-s3';
import { bucketName } from '../helpers/clients.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite('unsupported');
const exists = async (Key: string) => suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key })).then(() => true, () => false);
const bucketExists = async (Bucket: string) => suite.s3.send(new HeadBucketCommand({ Bucket })).then(() => true, () => false);

async function rejects(p: Promise<unknown>, name: string, status: number) {
  await assert.rejects(p, (e: S3ServiceException) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

test('object ACLs other than private / bucket-owner-full-control are AccessControlListNotSupported (ACLs disabled, as S3 buckets default to)', async () => {
  for (const ACL of ['public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read'] as const) {
    await rejects(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: `acl-${ACL}`, Body: 'x', ACL })), 'AccessControlListNotSupported', 400);
    assert.equal(await exists(`acl-${ACL}`), false, ACL);
  }
  for (const ACL of ['private', 'bucket-owner-full-control'] as const) {
    await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: `ok-${ACL}`, Body: 'x', ACL }));
    assert.ok(await exists(`ok-${ACL}`));
  }
  await rejects(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'grant', Body: 'x', GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' })), 'AccessControlListNotSupported', 400);
  assert.equal(await exists('grant'), false);
  await rejects(suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'copy-acl', CopySource: `${suite.bucket}/ok-private`, ACL: 'public-read' })), 'AccessControlListNotSupported', 400);
  assert.equal(await exists('copy-acl'), false);
  await rejects(suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mpu-acl', GrantFullControl: 'id="someone"' })), 'AccessControlListNotSupported', 400);
});

test('object lock headers are InvalidRequest (no bucket has an Object Lock configuration) and store nothing', async () => {
  const until = new Date(Date.now() + 86_400_000);
  await rejects(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'locked', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until })), 'InvalidRequest', 400);
  await rejects(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'held', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })), 'InvalidRequest', 400);
  assert.equal(await exists('locked'), false);
  assert.equal(await exists('held'), false);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'src', Body: 'x' }));
  await rejects(suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'copy-locked', CopySource: `${suite.bucket}/src`, ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until })), 'InvalidRequest', 400);
  assert.equal(await exists('copy-locked'), false);
  await rejects(suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mpu-locked', ObjectLockLegalHoldStatus: 'ON' })), 'InvalidRequest', 400);
  const uploads = await suite.s3.send(new ListMultipartUploadsCommand({ Bucket: suite.bucket }));
  assert.equal(uploads.Uploads, undefined);
  // A legal hold OFF asks for nothing and is accepted.
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'not-held', Body: 'x', ObjectLockLegalHoldStatus: 'OFF' }));
});

test('CreateBucket: ACLs other than private are InvalidBucketAclWithObjectOwnership (BucketOwnerEnforced by default), an unknown ownership is InvalidArgument', async () => {
  const publicBucket = bucketName('public');
  await rejects(suite.s3.send(new CreateBucketCommand({ Bucket: publicBucket, ACL: 'public-read' })), 'InvalidBucketAclWithObjectOwnership', 400);
  await rejects(suite.s3.send(new CreateBucketCommand({ Bucket: publicBucket, GrantRead: 'id="someone"' })), 'InvalidBucketAclWithObjectOwnership', 400);
  assert.equal(await bucketExists(publicBucket), false);
  const writer = bucketName('writer');
  await rejects(suite.s3.send(new CreateBucketCommand({ Bucket: writer, ObjectOwnership: 'Anyone' as never })), 'InvalidArgument', 400);
  assert.equal(await bucketExists(writer), false);
  for (const ok of [{ ACL: 'private' as const }, { ObjectOwnership: 'BucketOwnerEnforced' as const }, { ObjectOwnership: 'ObjectWriter' as const }, { ObjectLockEnabledForBucket: false }]) {
    const name = bucketName('fine');
    await suite.s3.send(new CreateBucketCommand({ Bucket: name, ...ok }));
    assert.ok(await bucketExists(name), JSON.stringify(ok));
  }
});

test('x-amz-expected-bucket-owner naming another account is AccessDenied; the owner is accepted', async () => {
  const wrong = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/owned`, body: 'x', headers: { 'x-amz-expected-bucket-owner': '999999999999' } });
  assert.equal(wrong.status, 403);
  assert.equal(errorCode(wrong.body), 'AccessDenied');
  assert.equal(await exists('owned'), false);
  const head = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?list-type=2`, headers: { 'x-amz-expected-bucket-owner': '999999999999' } });
  assert.equal(head.status, 403);
  const owner = readFileSync(join(suite.server.dataDir, 'account-id'), 'utf8').trim();
  const right = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/owned`, body: 'x', headers: { 'x-amz-expected-bucket-owner': owner } });
  assert.equal(right.status, 200);
  const copy = await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'owned-copy', CopySource: `${suite.bucket}/owned`, ExpectedBucketOwner: owner, ExpectedSourceBucketOwner: owner }));
  assert.equal(copy.$metadata.httpStatusCode, 200);
  await rejects(suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'owned-copy2', CopySource: `${suite.bucket}/owned`, ExpectedSourceBucketOwner: '999999999999' })), 'AccessDenied', 403);
  assert.equal(await exists('owned-copy2'), false);
});
