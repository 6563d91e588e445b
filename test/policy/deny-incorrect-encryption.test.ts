/** AWS's DenyIncorrectEncryptionHeader bucket policy verbatim (bucket name changed), its Null variant and an aws:SecureTransport policy, through PUT, POST, multipart and copy. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketPolicyCommand, GetObjectCommand,
  ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { bucketName } from '../helpers/clients.js';
import { refused } from '../helpers/policy-rig.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI } from '../helpers/python-tools.js';

const suite = serverSuite('deny-sse');

/** SSE-REFERENCE.md / the S3 User Guide's example, verbatim but for the bucket name. */
const denyIncorrectEncryptionHeader = (bucket: string) => ({
  Version: '2012-10-17',
  Id: 'PutObjectPolicy',
  Statement: [{
    Sid: 'DenyIncorrectEncryptionHeader',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } },
  }],
});

async function policyBucket(label: string, policy: (bucket: string) => unknown): Promise<string> {
  const bucket = bucketName(label);
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await suite.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy(bucket)) }));
  return bucket;
}

test('DenyIncorrectEncryptionHeader put with the aws CLI: PUT without the header → 403 AccessDenied, AES256 → 200, aws:kms → 403 AccessDenied (compared before SSE-KMS would answer)', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const bucket = bucketName('deny-cli');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const put = await aws(suite.server, ['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(denyIncorrectEncryptionHeader(bucket))]);
  assert.equal(put.code, 0, put.stderr);
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' })), 'AccessDenied', 403);
  const ok = await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse', Body: 'x', ServerSideEncryption: 'AES256' }));
  assert.equal(ok.$metadata.httpStatusCode, 200);
  assert.equal(ok.ServerSideEncryption, 'AES256');
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms' })), 'AccessDenied', 403);
  // Nothing was stored by the refused requests.
  const listed = await suite.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ['sse']);
});

test('the Null-condition variant denies a PUT without the header and lets AES256 through; aws:kms is not denied by it and reaches the operation', async () => {
  const bucket = await policyBucket('deny-null', (b) => ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DenyUnencryptedObjectUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${b}/*`, Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } }],
  }));
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' })), 'AccessDenied', 403);
  const ok = await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse', Body: 'x', ServerSideEncryption: 'AES256' }));
  assert.equal(ok.$metadata.httpStatusCode, 200);
  // The header is present, so the Null policy has nothing to deny: the write is stored under the aws/s3 key.
  const kms = await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms' }));
  assert.equal(kms.$metadata.httpStatusCode, 200);
  assert.equal(kms.ServerSideEncryption, 'aws:kms');
});

test('a policy denying aws:SecureTransport false refuses every plain-HTTP request (GET, PUT, list), even the owner\'s; the owner root may still delete the policy', async () => {
  const bucket = bucketName('deny-http');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'x' }));
  await suite.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'AllowSSLRequestsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
  }) }));
  await refused(suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' })), 'AccessDenied', 403);
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: 'x', ServerSideEncryption: 'AES256' })), 'AccessDenied', 403);
  await refused(suite.s3.send(new ListObjectsV2Command({ Bucket: bucket })), 'AccessDenied', 403);
  // "The root principal of the bucket owner account can … DeleteBucketPolicy even if the policy explicitly denies" it.
  await suite.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  const got = await suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' }));
  assert.equal(await got.Body!.transformToString(), 'x');
});

test('the same policy through a POST form: without the x-amz-server-side-encryption field → 403 AccessDenied, nothing stored; with AES256 → 204', async () => {
  const bucket = await policyBucket('deny-post', denyIncorrectEncryptionHeader);
  const bare = signedFields(bucket, [{ key: 'form-plain' }], { key: 'form-plain' });
  const refusedPost = await postForm(`${suite.server.url}/${bucket}`, formBody(bare, 'data'));
  assert.equal(refusedPost.status, 403, refusedPost.body);
  assert.match(refusedPost.body, /<Code>AccessDenied<\/Code>/);
  const fields = signedFields(bucket, [{ key: 'form-sse' }, { 'x-amz-server-side-encryption': 'AES256' }], { key: 'form-sse', 'x-amz-server-side-encryption': 'AES256' });
  const accepted = await postForm(`${suite.server.url}/${bucket}`, formBody(fields, 'data'));
  assert.equal(accepted.status, 204, accepted.body);
  const listed = await suite.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ['form-sse']);
});

test('the same policy on multipart: CreateMultipartUpload without the header → 403; with AES256 the upload\'s parts and completion (which carry no SSE header) are allowed', async () => {
  const bucket = await policyBucket('deny-mpu', denyIncorrectEncryptionHeader);
  await refused(suite.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big' })), 'AccessDenied', 403);
  const created = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big', ServerSideEncryption: 'AES256' }));
  const part = await suite.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'big', UploadId: created.UploadId, PartNumber: 1, Body: 'part one' }));
  const done = await suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'big', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  assert.equal(done.$metadata.httpStatusCode, 200);
  assert.equal(done.ServerSideEncryption, 'AES256');
});

test('the same policy on CopyObject: the target request without the header → 403, with AES256 → 200', async () => {
  const bucket = await policyBucket('deny-copy', denyIncorrectEncryptionHeader);
  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'copy me', ServerSideEncryption: 'AES256' }));
  await refused(suite.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src` })), 'AccessDenied', 403);
  const ok = await suite.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src`, ServerSideEncryption: 'AES256' }));
  assert.equal(ok.$metadata.httpStatusCode, 200);
});
