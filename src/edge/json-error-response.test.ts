/** jsonErrorResponse: KMS errors as AWS JSON 1.1 documents; S3-coded auth failures translated; anything else opaque. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmsError, s3Error } from '../common/api-error.js';
import { jsonErrorResponse } from './json-error-response.js';

const ctx = { requestId: 'REQ1', hostId: 'HOST', sourceIp: '127.0.0.1', secure: false, startedAt: 0 };
const quiet = () => {};

test('a KMS exception: its status, application/x-amz-json-1.1, {"__type", "message"}', () => {
  const res = jsonErrorResponse(kmsError('DisabledException', { message: 'arn:aws:kms:us-east-1:1:key/k is disabled.' }), ctx, quiet);
  assert.equal(res.status, 400);
  assert.equal(res.headers?.['content-type'], 'application/x-amz-json-1.1');
  assert.deepEqual(JSON.parse(String(res.body)), { __type: 'DisabledException', message: 'arn:aws:kms:us-east-1:1:key/k is disabled.' });
});

test('AccessDeniedException is 400 in KMS, and S3-coded auth failures become KMS common errors', () => {
  assert.equal(jsonErrorResponse(kmsError('AccessDeniedException'), ctx, quiet).status, 400);
  const cases: Array<[string, string, number]> = [
    ['InvalidAccessKeyId', 'UnrecognizedClientException', 400],
    ['SignatureDoesNotMatch', 'InvalidSignatureException', 400],
    ['AuthorizationHeaderMalformed', 'IncompleteSignature', 400],
    ['AccessDenied', 'AccessDeniedException', 400],
    ['EntityTooLarge', 'ValidationException', 400],
  ];
  for (const [s3, kms, status] of cases) {
    const res = jsonErrorResponse(s3Error(s3 as 'AccessDenied'), ctx, quiet);
    assert.equal(JSON.parse(String(res.body)).__type, kms, s3);
    assert.equal(res.status, status, s3);
  }
});

test('a bug is logged and answered 500 KMSInternalException without its text', () => {
  const logged: string[] = [];
  const res = jsonErrorResponse(new TypeError('secret detail'), ctx, (m) => logged.push(m));
  assert.equal(res.status, 500);
  assert.deepEqual(Object.keys(JSON.parse(String(res.body))), ['__type', 'message']);
  assert.equal(JSON.parse(String(res.body)).__type, 'KMSInternalException');
  assert.doesNotMatch(String(res.body), /secret detail/);
  assert.equal(logged.length, 1);
});
