/** aws:SecureTransport is true for requests over the built-in TLS listener and for X-Forwarded-Proto: https from a --trust-forwarded-proto peer only. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bucketName, s3Client } from '../helpers/clients.js';
import { refused } from '../helpers/policy-rig.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { startServer, type TestServer } from '../helpers/start-server.js';

/** The S3 User Guide's AllowSSLRequestsOnly policy. */
const sslOnly = (bucket: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{
    Sid: 'AllowSSLRequestsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }],
});

async function sslOnlyBucket(s3: S3Client, label: string): Promise<string> {
  const bucket = bucketName(label);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'secret' }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: sslOnly(bucket) }));
  return bucket;
}

describe('over the built-in TLS listener (forwarded proto trusted from 10.9.8.7 only)', () => {
  let server: TestServer;
  let http: S3Client;
  let https: S3Client;
  let bucket: string;
  before(async () => {
    server = await startServer({ args: ['--listen-tls', '127.0.0.1:0', '--tls-self-signed', '--trust-forwarded-proto', '10.9.8.7'] });
    const ca = readFileSync(join(server.dataDir, 'tls', 'localhost.crt'));
    http = s3Client(server);
    https = s3Client({ url: server.tlsUrl! }, { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) });
    bucket = await sslOnlyBucket(http, 'secure-transport');
  });
  after(async () => {
    http.destroy();
    https.destroy();
    await server.stop();
  });

  test('a policy denying aws:SecureTransport false: HTTP is refused 403 AccessDenied, HTTPS is allowed', async () => {
    await refused(http.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' })), 'AccessDenied', 403);
    await refused(http.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: 'x' })), 'AccessDenied', 403);
    const got = await https.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' }));
    assert.equal(await got.Body!.transformToString(), 'secret');
    const put = await https.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: 'x' }));
    assert.equal(put.$metadata.httpStatusCode, 200);
  });

  test('X-Forwarded-Proto: https from a peer not listed in --trust-forwarded-proto is ignored', async () => {
    const r = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/a`, headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(r.status, 403);
    assert.equal(errorCode(r.body), 'AccessDenied');
  });
});

describe('behind a TLS-terminating proxy at 127.0.0.1 (--trust-forwarded-proto 10.9.8.7,127.0.0.1)', () => {
  let server: TestServer;
  let bucket: string;
  before(async () => {
    server = await startServer({ args: ['--trust-forwarded-proto', '10.9.8.7,127.0.0.1'] });
    const s3 = s3Client(server);
    bucket = await sslOnlyBucket(s3, 'forwarded-proto');
    s3.destroy();
  });
  after(() => server.stop());

  test('X-Forwarded-Proto: https from the listed peer counts as secure; http or no header does not', async () => {
    const secure = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/a`, headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(secure.status, 200, secure.body);
    assert.equal(secure.body, 'secret');
    for (const headers of [{ 'x-forwarded-proto': 'http' }, {}, { 'x-forwarded-proto': 'http, https' }] as Record<string, string>[]) {
      const plain = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/a`, headers });
      assert.equal(plain.status, 403, JSON.stringify(headers));
      assert.equal(errorCode(plain.body), 'AccessDenied');
    }
  });
});
