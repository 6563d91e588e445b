/** Every S3 operation the route table serves has its IAM action(s), agreeing with the route table's own action column. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_S3_ACTIONS, S3_OPERATION_PERMISSIONS, isKnownS3ActionPattern, primaryS3Actions } from './s3-actions.js';
import { s3ResourceArn } from './s3-resource-arn.js';
// The route table itself (a test may reach across layers), so a new route without an IAM action fails here.
import { S3_ROUTES as routes } from '../../edge/s3-route-table.js';


test('every operation in edge/s3-route-table.ts has IAM permissions, including the action the route table names', () => {
  assert.ok(routes.length >= 29, `read only ${routes.length} routes from the route table`);
  for (const { operation, action } of routes) {
    const permissions = S3_OPERATION_PERMISSIONS[operation];
    assert.ok(permissions && permissions.length > 0, `${operation} has no IAM action in s3-actions.ts`);
    assert.ok(primaryS3Actions(operation).includes(action), `${operation}: route table says ${action}, s3-actions.ts says ${primaryS3Actions(operation).join(', ')}`);
  }
});

test('the mappings of the AWS page "Required permissions for Amazon S3 API operations"', () => {
  const expected: Record<string, string[]> = {
    PutObject: ['s3:PutObject'], PostObject: ['s3:PutObject'], UploadPart: ['s3:PutObject'], CompleteMultipartUpload: ['s3:PutObject'],
    CreateMultipartUpload: ['s3:PutObject'], CopyObject: ['s3:PutObject'], UploadPartCopy: ['s3:PutObject'],
    GetObject: ['s3:GetObject'], HeadObject: ['s3:GetObject'], ListObjects: ['s3:ListBucket'], ListObjectsV2: ['s3:ListBucket'], HeadBucket: ['s3:ListBucket'],
    ListObjectVersions: ['s3:ListBucketVersions'], ListMultipartUploads: ['s3:ListBucketMultipartUploads'], ListParts: ['s3:ListMultipartUploadParts'],
    AbortMultipartUpload: ['s3:AbortMultipartUpload'], DeleteObject: ['s3:DeleteObject'], DeleteObjects: ['s3:DeleteObject'],
    PutBucketEncryption: ['s3:PutEncryptionConfiguration'], DeleteBucketEncryption: ['s3:PutEncryptionConfiguration'], GetBucketEncryption: ['s3:GetEncryptionConfiguration'],
    PutObjectTagging: ['s3:PutObjectTagging'], DeleteBucketCors: ['s3:PutBucketCORS'], DeletePublicAccessBlock: ['s3:PutBucketPublicAccessBlock'],
    DeleteBucketOwnershipControls: ['s3:PutBucketOwnershipControls'], DeleteBucketTagging: ['s3:PutBucketTagging'], ListBuckets: ['s3:ListAllMyBuckets'],
  };
  for (const [operation, actions] of Object.entries(expected)) assert.deepEqual(primaryS3Actions(operation), actions, operation);
  assert.deepEqual(primaryS3Actions('GetObject', true), ['s3:GetObjectVersion'], 'a read by version needs s3:GetObjectVersion');
  assert.deepEqual(primaryS3Actions('DeleteObject', true), ['s3:DeleteObjectVersion']);
  const copySource = S3_OPERATION_PERMISSIONS.CopyObject!.find((p) => p.on === 'copy-source');
  assert.deepEqual(copySource, { action: 's3:GetObject', on: 'copy-source', versioned: 's3:GetObjectVersion' }, 'a copy reads its source with s3:GetObject');
  assert.ok(S3_OPERATION_PERMISSIONS.PutObject!.some((p) => p.action === 's3:PutObjectTagging' && p.whenPresent === 'x-amz-tagging'));
});

test('bucket-policy action validation accepts S3 actions and patterns, refuses others', () => {
  for (const a of ['*', 's3:*', 's3:Get*', 's3:GetObject', 'S3:getobject', 's3:ListBucket', 's3:PutEncryptionConfiguration']) assert.ok(isKnownS3ActionPattern(a), a);
  for (const a of ['s3:GetObjects', 's3:Nope*', 'iam:*', 'kms:Decrypt']) assert.ok(!isKnownS3ActionPattern(a), a);
  assert.ok(KNOWN_S3_ACTIONS.includes('s3:GetObjectVersion'));
});

test('resource ARNs of buckets and objects', () => {
  assert.equal(s3ResourceArn('bucket'), 'arn:aws:s3:::bucket');
  assert.equal(s3ResourceArn('bucket', 'a/b c'), 'arn:aws:s3:::bucket/a/b c');
});
