/** The KMS key use behind an SSE-KMS PUT in the trail: `aws cloudtrail lookup-events` by the key's ARN finds S3's GenerateDataKey, invoked by s3.amazonaws.com for the caller, the object's ARN in its encryption context. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { serverSuite } from '../helpers/suite.js';
import { clientFor, createUser } from '../helpers/policy-rig.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI } from '../helpers/python-tools.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';

const suite = serverSuite('trail-sse-kms');

interface LookupEvent { EventName: string; EventSource: string; Username?: string; AccessKeyId?: string; Resources: Array<{ ResourceType: string; ResourceName: string }>; CloudTrailEvent: string }

test('aws cloudtrail lookup-events by the KMS key ARN finds the GenerateDataKey S3 made for an SSE-KMS PUT: object ARN in its context, invokedBy s3.amazonaws.com, the caller as userIdentity', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const kms = new KMSClient({ endpoint: suite.server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
  const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  kms.destroy();
  // The caller is an IAM user (not the root the tools run as), so the record's identity can only be the caller's.
  const writer = await createUser(suite.server.url, 'kms-writer', { w: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 'kms:GenerateDataKey'], Resource: '*' }] } });
  const s3 = clientFor(suite.server.url, writer);
  await s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'kms/secret.txt', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.Arn }));
  s3.destroy();

  const r = await aws(suite.server, ['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=ResourceName,AttributeValue=${key.Arn}`, '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const events = (JSON.parse(r.stdout) as { Events: LookupEvent[] }).Events;
  const use = events.filter((e) => e.EventName === 'GenerateDataKey' && JSON.parse(e.CloudTrailEvent).userIdentity.invokedBy === 's3.amazonaws.com');
  assert.equal(use.length, 1, `one GenerateDataKey made by S3 with key ${key.Arn}: ${r.stdout}`);
  const e = use[0]!;
  assert.equal(e.EventSource, 'kms.amazonaws.com');
  assert.deepEqual(e.Resources, [{ ResourceType: 'AWS::KMS::Key', ResourceName: key.Arn }]);
  assert.equal(e.Username, 'kms-writer');
  assert.equal(e.AccessKeyId, writer.accessKey);
  const record = JSON.parse(e.CloudTrailEvent);
  assert.equal(record.userIdentity.type, 'IAMUser');
  assert.equal(record.userIdentity.userName, 'kms-writer');
  assert.equal(record.userIdentity.accessKeyId, writer.accessKey);
  assert.equal(record.sourceIPAddress, 's3.amazonaws.com');
  assert.deepEqual(record.requestParameters.encryptionContext, { 'aws:s3:arn': `arn:aws:s3:::${suite.bucket}/kms/secret.txt` });
  assert.equal(record.errorCode, undefined);
});
