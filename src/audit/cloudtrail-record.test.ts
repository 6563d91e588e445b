/** The record serialiser: CloudTrail's field order, the three identity shapes, a key use invoked by S3, optional fields absent rather than null. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../common/principal.js';
import { toCloudTrailRecord, uuidFrom } from './cloudtrail-record.js';

const user: Principal = {
  accessKeyId: 'AKIAUSER0000000000001', arn: 'arn:aws:iam::111122223333:user/ops/alice', accountId: '111122223333',
  displayName: 'acct', canonicalId: 'c'.repeat(64), type: 'user', userName: 'alice', userId: 'AIDAEXAMPLE0000000001',
};
const eventTime = new Date('2026-11-30T19:00:01.987Z');

test('an IAM user\'s call: IAMUser identity, CloudTrail\'s field order, time to the second, no absent optional field written', () => {
  const r = toCloudTrailRecord({ eventSource: 'iam.amazonaws.com', eventName: 'GetUser', eventTime, requestId: 'R1', principal: user, readOnly: true, managementEvent: true }, 'E1', 'eu-west-1', '111122223333');
  assert.deepEqual(Object.keys(r), ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
    'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory']);
  assert.deepEqual(r.userIdentity, { type: 'IAMUser', principalId: 'AIDAEXAMPLE0000000001', arn: user.arn, accountId: '111122223333', accessKeyId: user.accessKeyId, userName: 'alice' });
  assert.equal(r.eventTime, '2026-11-30T19:00:01Z');
  assert.equal(r.awsRegion, 'eu-west-1');
  assert.equal(r.requestParameters, null);
  assert.equal(r.eventCategory, 'Management');
});

test('a key use S3 made on the caller\'s behalf: invokedBy in the identity, s3.amazonaws.com as source and agent', () => {
  const r = toCloudTrailRecord({
    eventSource: 'kms.amazonaws.com', eventName: 'GenerateDataKey', eventTime, requestId: 'R2', principal: user, invokedBy: 's3.amazonaws.com', readOnly: true, managementEvent: true,
    requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' } }, resources: [{ ARN: 'arn:aws:kms:us-east-1:111122223333:key/k1', type: 'AWS::KMS::Key' }],
  }, 'E2', 'us-east-1', '111122223333');
  assert.equal(r.userIdentity.invokedBy, 's3.amazonaws.com');
  assert.equal(r.sourceIPAddress, 's3.amazonaws.com');
  assert.equal(r.userAgent, 's3.amazonaws.com');
  assert.deepEqual(r.resources, [{ type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:us-east-1:111122223333:key/k1' }]);
});

test('an anonymous S3 data event with an error: AWSAccount / ANONYMOUS_PRINCIPAL, errorCode and errorMessage after userAgent, Data category', () => {
  const r = toCloudTrailRecord({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime, requestId: 'R3', readOnly: true, managementEvent: false, sourceIPAddress: '10.0.0.1', errorCode: 'AccessDenied', errorMessage: 'Access Denied' }, 'E3', 'us-east-1', '111122223333');
  assert.deepEqual(r.userIdentity, { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' });
  assert.deepEqual(Object.keys(r).slice(7, 10), ['userAgent', 'errorCode', 'errorMessage']);
  assert.equal(r.eventCategory, 'Data');
  assert.equal(r.recipientAccountId, '111122223333');
});

test('uuidFrom makes a version-4 UUID from 16 bytes', () => {
  assert.equal(uuidFrom(Buffer.alloc(16, 0xff)), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  assert.equal(uuidFrom(Buffer.alloc(16, 0)), '00000000-0000-4000-8000-000000000000');
});
