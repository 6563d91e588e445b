/** Calls refused before routing (bad signature, unknown access key, malformed Authorization) are recorded too, as CloudTrail records failed authentications: errorCode and the access key id the caller gave, durable before the answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { rawRequest, sendHttp } from '../helpers/raw-request.js';
import { TEST_ACCESS_KEY } from '../helpers/start-server.js';
import { trailRecords, type TrailRecord } from '../helpers/audit-trail.js';

const suite = serverSuite('trail-refused');

function recordOf(requestId: string): TrailRecord {
  const found = trailRecords(suite.server.dataDir).filter((r) => r['requestID'] === requestId);
  assert.equal(found.length, 1, `one record of request ${requestId}, got ${found.length}`);
  return found[0]!;
}

test('a PUT with a bad signature (the root key, a wrong secret) is recorded before its 403: SignatureDoesNotMatch, PutObject, the access key id, the object', async () => {
  const res = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/forged.txt`, body: 'x', secretKey: 'not-the-secret-key-at-all-0000000000000000' });
  assert.equal(res.status, 403);
  // Read right after the answer: a refused call's record is durable before its response.
  const r = recordOf(String(res.headers['x-amz-request-id']));
  assert.equal(r['errorCode'], 'SignatureDoesNotMatch');
  assert.equal(r['eventName'], 'PutObject');
  assert.equal(r['eventSource'], 's3.amazonaws.com');
  assert.equal(r['userIdentity']['accessKeyId'], TEST_ACCESS_KEY);
  assert.equal(r['userIdentity']['type'], 'Unknown');
  assert.equal(r['readOnly'], false);
  assert.deepEqual(r['resources'], [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${suite.bucket}/forged.txt` }, { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${suite.bucket}` }]);
  assert.equal(r['requestParameters']['key'], 'forged.txt');
});

test('a GET with an unknown access key is recorded: InvalidAccessKeyId, GetObject, the key id the caller gave', async () => {
  const res = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/any.txt`, accessKey: 'AKIAUNKNOWN000000000', secretKey: 'whatever' });
  assert.equal(res.status, 403);
  const r = recordOf(String(res.headers['x-amz-request-id']));
  assert.equal(r['errorCode'], 'InvalidAccessKeyId');
  assert.equal(r['eventName'], 'GetObject');
  assert.equal(r['userIdentity']['accessKeyId'], 'AKIAUNKNOWN000000000');
  assert.equal(r['readOnly'], true);
});

test('a malformed Authorization header is recorded: its error code, no access key id, and no part of the header itself', async () => {
  const url = new URL(suite.server.url);
  const authorization = 'AWS4-HMAC-SHA256 Credential=garbage, SignedHeaders=host, Signature=deadbeefcafe';
  const res = await sendHttp({ host: url.hostname, port: url.port, method: 'GET', path: `/${suite.bucket}`, headers: { host: url.host, authorization, 'x-amz-date': '20250101T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, Buffer.alloc(0));
  assert.equal(res.status, 400, res.body);
  const code = /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1];
  const r = recordOf(String(res.headers['x-amz-request-id']));
  assert.equal(r['errorCode'], code);
  assert.equal(r['eventName'], 'ListObjects');
  assert.equal(r['userIdentity']['accessKeyId'], undefined);
  assert.ok(!JSON.stringify(r).includes('deadbeefcafe'), 'the signature is not in the record');
});
