/** The CloudTrail record of every S3, IAM and STS call, allowed or denied: identity, parameters, SSEApplied, errors; and no secret, signature or customer key anywhere in the trail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, PutBucketPolicyCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { bucketName } from '../helpers/clients.js';
import { refused } from '../helpers/policy-rig.js';
import { amzDateOf, presignV4, send, sha256hex, signHeaders } from '../helpers/hand-signer.js';
import { queryRequest } from '../helpers/query-request.js';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from '../helpers/start-server.js';
import { recordsOf, trailBytes, trailRecords, type TrailRecord } from '../helpers/audit-trail.js';

const suite = serverSuite('trail');

function only(records: TrailRecord[], what: string): TrailRecord {
  assert.equal(records.length, 1, `one record of ${what}, got ${records.length}`);
  return records[0]!;
}

function recordOf(eventName: string, key: string): TrailRecord {
  return only(trailRecords(suite.server.dataDir).filter((r) => r['eventName'] === eventName && r['requestParameters']?.['key'] === key), `${eventName} ${key}`);
}

test('a PutObject is recorded as a CloudTrail data event before its 200: root identity, bucket/key/Host, SSEApplied Default_SSE_S3 without a header and SSE_S3 with AES256', async () => {
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'default.txt', Body: 'hello' }));
  // Read right after the answer: a write's record is durable before the response is sent.
  const r = recordOf('PutObject', 'default.txt');
  assert.equal(r['eventVersion'], '1.11');
  assert.deepEqual(r['userIdentity'], { type: 'Root', principalId: r['recipientAccountId'], arn: `arn:aws:iam::${r['recipientAccountId']}:root`, accountId: r['recipientAccountId'], accessKeyId: TEST_ACCESS_KEY });
  assert.equal(r['eventSource'], 's3.amazonaws.com');
  assert.equal(r['awsRegion'], 'us-east-1');
  assert.equal(r['sourceIPAddress'], '127.0.0.1');
  assert.match(r['userAgent'], /aws-sdk-js/);
  assert.deepEqual(r['requestParameters'], { bucketName: suite.bucket, Host: new URL(suite.server.url).host, key: 'default.txt' });
  assert.equal(r['requestID'], put.$metadata.requestId);
  assert.match(r['eventID'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(r['readOnly'], false);
  assert.equal(r['eventType'], 'AwsApiCall');
  assert.equal(r['managementEvent'], false);
  assert.equal(r['eventCategory'], 'Data');
  assert.match(r['eventTime'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(r['resources'], [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${suite.bucket}/default.txt` }, { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${suite.bucket}` }]);
  const extra = r['additionalEventData'];
  assert.equal(extra['SSEApplied'], 'Default_SSE_S3');
  assert.equal(extra['SignatureVersion'], 'SigV4');
  assert.equal(extra['AuthenticationMethod'], 'AuthHeader');
  assert.equal(extra['bytesTransferredIn'], 5);
  assert.equal(extra['bytesTransferredOut'], 0);
  assert.equal(typeof extra['x-amz-id-2'], 'string');
  // Plain HTTP: no TLS, so neither tlsDetails nor a cipher suite.
  assert.equal(r['tlsDetails'], undefined);
  assert.equal(extra['CipherSuite'], undefined);
  assert.equal(r['errorCode'], undefined);

  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'asked.txt', Body: 'x', ServerSideEncryption: 'AES256' }));
  assert.equal(recordOf('PutObject', 'asked.txt')['additionalEventData']['SSEApplied'], 'SSE_S3');
});

test('a multipart upload keeps SSEApplied from its initiation: CreateMultipartUpload, UploadPart and CompleteMultipartUpload each show it', async () => {
  const created = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mp-default' }));
  const part = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'mp-default', UploadId: created.UploadId, PartNumber: 1, Body: 'part' }));
  await suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mp-default', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  for (const op of ['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']) {
    assert.equal(recordOf(op, 'mp-default')['additionalEventData']['SSEApplied'], 'Default_SSE_S3', op);
  }
  assert.equal(recordOf('UploadPart', 'mp-default')['requestParameters']['uploadId'], created.UploadId);

  const asked = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mp-asked', ServerSideEncryption: 'AES256' }));
  await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'mp-asked', UploadId: asked.UploadId, PartNumber: 1, Body: 'part' }));
  assert.equal(recordOf('UploadPart', 'mp-asked')['additionalEventData']['SSEApplied'], 'SSE_S3');
});

test('a PUT denied by the DenyIncorrectEncryptionHeader policy is recorded with errorCode AccessDenied and no SSEApplied', async () => {
  const bucket = bucketName('trail-deny');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await suite.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({
    Version: '2012-10-17', Id: 'PutObjectPolicy',
    Statement: [{ Sid: 'DenyIncorrectEncryptionHeader', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } } }],
  }) }));
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' })), 'AccessDenied', 403);
  const r = only(trailRecords(suite.server.dataDir).filter((x) => x['eventName'] === 'PutObject' && x['requestParameters']?.['bucketName'] === bucket), 'the denied PUT');
  assert.equal(r['errorCode'], 'AccessDenied');
  assert.equal(r['errorMessage'], 'Access Denied');
  assert.equal(r['additionalEventData']['SSEApplied'], undefined);
  assert.equal(r['responseElements'], null);
  const policy = only(trailRecords(suite.server.dataDir).filter((x) => x['eventName'] === 'PutBucketPolicy' && x['requestParameters']?.['bucketName'] === bucket), 'PutBucketPolicy');
  assert.equal(policy['managementEvent'], true);
  assert.equal(policy['eventCategory'], 'Management');
  assert.equal(policy['requestParameters']['policy'], '');
});

test('IAM and STS calls are recorded as management events from iam.amazonaws.com / sts.amazonaws.com, with camelCase parameters', async () => {
  const created = await queryRequest(suite.server.url, { service: 'iam', params: { Action: 'CreateUser', Version: '2010-05-08', UserName: 'trail-alice' } });
  assert.equal(created.status, 200, created.body);
  const user = only(trailRecords(suite.server.dataDir).filter((r) => r['eventName'] === 'CreateUser'), 'CreateUser');
  assert.equal(user['eventSource'], 'iam.amazonaws.com');
  assert.deepEqual(user['requestParameters'], { userName: 'trail-alice' });
  assert.equal(user['managementEvent'], true);
  assert.equal(user['readOnly'], false);
  assert.deepEqual(user['resources'], [{ type: 'AWS::IAM::User', ARN: `arn:aws:iam::${user['recipientAccountId']}:user/trail-alice` }]);
  assert.equal(user['additionalEventData'], undefined);
  const who = await queryRequest(suite.server.url, { service: 'sts', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });
  const id = /<RequestId>([^<]+)<\/RequestId>/.exec(who.body)?.[1] ?? String(who.headers['x-amz-request-id']);
  const sts = only(await recordsOf(suite.server.dataDir, id), 'GetCallerIdentity');
  assert.equal(sts['eventSource'], 'sts.amazonaws.com');
  assert.equal(sts['readOnly'], true);
});

test('the trail never holds the secret access key, a request signature, a presigned URL\'s signature or an SSE-C key (byte search of every trail file)', async () => {
  const host = new URL(suite.server.url).host;
  // A header-signed PUT: its Authorization signature.
  const body = 'signed body';
  const headers = signHeaders({ method: 'PUT', path: `/${suite.bucket}/signed`, host, headers: { 'content-length': String(body.length) }, payloadHash: sha256hex(body), amzDate: amzDateOf(new Date()) });
  const signature = /Signature=([0-9a-f]{64})/.exec(headers['authorization']!)![1]!;
  assert.equal((await send(suite.server.url, 'PUT', `/${suite.bucket}/signed`, headers, body)).status, 200);
  // A presigned GET: the X-Amz-Signature in its URL (a read: its record is waited for below).
  const presigned = presignV4({ method: 'GET', path: `/${suite.bucket}/signed`, host, amzDate: amzDateOf(new Date()) });
  const presignedSignature = /X-Amz-Signature=([0-9a-f]{64})/.exec(presigned)![1]!;
  const got = await send(suite.server.url, 'GET', presigned, { host });
  assert.equal(got.status, 200);
  assert.equal((await recordsOf(suite.server.dataDir, String(got.headers['x-amz-request-id'])))[0]?.['additionalEventData']['AuthenticationMethod'], 'QueryString');
  // An SSE-C PUT (refused: new buckets block SSE-C writes, and recorded as refused): its customer key and the key's MD5.
  const customerKey = randomBytes(32);
  const sseBody = 'sse-c body';
  const sseHeaders = signHeaders({
    method: 'PUT', path: `/${suite.bucket}/sse-c`, host, payloadHash: sha256hex(sseBody), amzDate: amzDateOf(new Date()),
    headers: {
      'content-length': String(sseBody.length), 'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': customerKey.toString('base64'),
      'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(customerKey).digest('base64'),
    },
  });
  const sse = await send(suite.server.url, 'PUT', `/${suite.bucket}/sse-c`, sseHeaders, sseBody);
  assert.equal(sse.status, 403);
  assert.equal(recordOf('PutObject', 'sse-c')['errorCode'], 'AccessDenied');

  const trail = trailBytes(suite.server.dataDir);
  const forbidden: Array<[string, string]> = [
    ['the secret access key', TEST_SECRET_KEY], ['the Authorization signature', signature], ['the presigned URL signature', presignedSignature],
    ['the SSE-C key (base64)', customerKey.toString('base64')], ['the SSE-C key (hex)', customerKey.toString('hex')],
    ['the SSE-C key MD5', createHash('md5').update(customerKey).digest('base64')], ['the X-Amz-Credential', `${TEST_ACCESS_KEY}/`],
  ];
  for (const [what, value] of forbidden) assert.equal(trail.indexOf(value), -1, `${what} is in the trail`);
  assert.ok(trail.includes(Buffer.from(`"key":"sse-c"`)), 'the byte search reads the records it means to search');
});
