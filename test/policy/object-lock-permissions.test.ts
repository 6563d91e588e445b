/** Object Lock for IAM users: lock headers (PUT, Copy, CreateMultipartUpload) and form fields (POST) need s3:PutObjectRetention / s3:PutObjectLegalHold; x-amz-bypass-governance-retention needs s3:BypassGovernanceRetention. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, GetObjectRetentionCommand,
  ListMultipartUploadsCommand, ListObjectVersionsCommand, PutObjectCommand, PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { bucketName } from '../helpers/clients.js';
import { clientFor, createUser, iamCall, refused } from '../helpers/policy-rig.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';

const Bucket = bucketName('lock-perms');
const suite = serverSuite('lock-perms-plain', async ({ s3 }) => {
  await s3.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
});

const inDays = (d: number) => new Date(Math.ceil((Date.now() + d * 86_400_000) / 1000) * 1000);
const MD5_OF_X = 'ndTkYSaMgDT1yFZOFVxnpg==';
const policy = (actions: string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: [`arn:aws:s3:::${Bucket}`, `arn:aws:s3:::${Bucket}/*`] }] });
const WRITER = ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObjectRetention'];

test('an IAM user without s3:PutObjectRetention / s3:PutObjectLegalHold cannot set a lock by PUT, Copy, CreateMultipartUpload or POST (403 AccessDenied, nothing stored); with them it can', async () => {
  const keys = await createUser(suite.server.url, 'lockless', { writer: policy(WRITER) });
  const user = clientFor(suite.server.url, keys);
  const retention = { ObjectLockMode: 'GOVERNANCE' as const, ObjectLockRetainUntilDate: inDays(1) };
  // Without lock headers the bucket default applies and no lock permission is asked.
  await user.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'x' }));
  await refused(user.send(new PutObjectCommand({ Bucket, Key: 'held', Body: 'x', ContentMD5: MD5_OF_X, ...retention })), 'AccessDenied', 403);
  await refused(user.send(new PutObjectCommand({ Bucket, Key: 'held', Body: 'x', ContentMD5: MD5_OF_X, ObjectLockLegalHoldStatus: 'ON' })), 'AccessDenied', 403);
  await refused(user.send(new CopyObjectCommand({ Bucket, Key: 'held', CopySource: `${Bucket}/src`, ObjectLockLegalHoldStatus: 'ON' })), 'AccessDenied', 403);
  await refused(user.send(new CreateMultipartUploadCommand({ Bucket, Key: 'held', ...retention })), 'AccessDenied', 403);
  const fields = { 'Content-MD5': MD5_OF_X, 'x-amz-object-lock-legal-hold': 'ON' };
  const conditions = [{ key: 'held' }, ...Object.entries(fields).map(([k, v]) => ({ [k]: v }))];
  const form = await postForm(`${suite.server.url}/${Bucket}`, formBody(signedFields(Bucket, conditions, { key: 'held', ...fields }, 60_000, keys), 'x'));
  assert.deepEqual([form.status, errorCode(form.body)], [403, 'AccessDenied'], form.body);
  assert.equal((await suite.s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'held' }))).Versions, undefined, 'nothing stored');
  assert.equal((await suite.s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads, undefined, 'no upload stored');

  await iamCall(suite.server.url, { Action: 'PutUserPolicy', UserName: 'lockless', PolicyName: 'lock', PolicyDocument: JSON.stringify(policy(['s3:PutObjectRetention', 's3:PutObjectLegalHold'])) });
  const put = await user.send(new PutObjectCommand({ Bucket, Key: 'held', Body: 'x', ContentMD5: MD5_OF_X, ...retention }));
  assert.equal((await user.send(new GetObjectRetentionCommand({ Bucket, Key: 'held', VersionId: put.VersionId }))).Retention?.Mode, 'GOVERNANCE');
  const upload = await user.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp', ObjectLockLegalHoldStatus: 'ON' }));
  assert.ok(upload.UploadId);
  user.destroy();
});

test('x-amz-bypass-governance-retention from an IAM user without s3:BypassGovernanceRetention is refused for a GOVERNANCE version (AccessDenied, the version stays); with the permission it deletes', async () => {
  await suite.s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }));
  const locked = await suite.s3.send(new PutObjectCommand({ Bucket, Key: 'gov', Body: 'keep me', ChecksumAlgorithm: 'CRC32', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(1) }));
  const keys = await createUser(suite.server.url, 'governor', { writer: policy(WRITER) });
  const user = clientFor(suite.server.url, keys);
  const bypassDelete = () => rawRequest(suite.server.url, {
    method: 'DELETE', path: `/${Bucket}/gov?versionId=${locked.VersionId}`, headers: { 'x-amz-bypass-governance-retention': 'true' }, ...keys,
  });
  const denied = await bypassDelete();
  assert.deepEqual([denied.status, errorCode(denied.body)], [403, 'AccessDenied'], denied.body);
  const still = await suite.s3.send(new GetObjectCommand({ Bucket, Key: 'gov', VersionId: locked.VersionId }));
  assert.equal(await still.Body!.transformToString(), 'keep me');
  // Without the header the same user is refused too: the retention is in force.
  await refused(user.send(new DeleteObjectCommand({ Bucket, Key: 'gov', VersionId: locked.VersionId })), 'AccessDenied', 403);

  await iamCall(suite.server.url, { Action: 'PutUserPolicy', UserName: 'governor', PolicyName: 'bypass', PolicyDocument: JSON.stringify(policy(['s3:BypassGovernanceRetention'])) });
  const allowed = await bypassDelete();
  assert.equal(allowed.status, 204, allowed.body);
  const gone = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}/gov?versionId=${locked.VersionId}` });
  assert.deepEqual([gone.status, errorCode(gone.body)], [404, 'NoSuchVersion']);
  user.destroy();
});
