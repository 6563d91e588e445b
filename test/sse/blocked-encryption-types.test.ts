/** BlockedEncryptionTypes: new buckets block SSE-C writes (403 AccessDenied, checked before anything else about the SSE-C headers) until PutBucketEncryption unblocks them; `--sse-c-default allowed` makes new buckets allow SSE-C. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetBucketEncryptionCommand, ListObjectsV2Command,
  PutBucketEncryptionCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bucketName, s3Client } from '../helpers/clients.js';
import { refused } from '../helpers/policy-rig.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI } from '../helpers/python-tools.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { startServer, type TestServer } from '../helpers/start-server.js';

const KEY = randomBytes(32);
const SSE_C = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(KEY).digest('base64') };
const SSE_C_HEADERS = {
  'x-amz-server-side-encryption-customer-algorithm': 'AES256',
  'x-amz-server-side-encryption-customer-key': SSE_C.SSECustomerKey,
  'x-amz-server-side-encryption-customer-key-md5': SSE_C.SSECustomerKeyMD5,
};
const UNBLOCK = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const }, BlockedEncryptionTypes: { EncryptionType: ['NONE' as const] } }] };

/** Whatever SSE-C answers once allowed (stored, or NotImplemented until it lands): not the block's 403 AccessDenied. */
async function notBlocked(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    assert.ok(!(err.name === 'AccessDenied' && err.$metadata?.httpStatusCode === 403), `still blocked: ${err.name} ${err.message}`);
  }
}

async function httpsServer(args: string[] = []): Promise<{ server: TestServer; s3: S3Client }> {
  const server = await startServer({ args: ['--listen-tls', '127.0.0.1:0', '--tls-self-signed', ...args] });
  const ca = readFileSync(join(server.dataDir, 'tls', 'localhost.crt'));
  return { server, s3: s3Client({ url: server.tlsUrl! }, { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) }) };
}

async function blockedTypes(s3: S3Client, bucket: string): Promise<string[] | undefined> {
  const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  return got.ServerSideEncryptionConfiguration?.Rules?.[0]?.BlockedEncryptionTypes?.EncryptionType;
}

describe('S3 defaults: new buckets block SSE-C', () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => ({ server, s3 } = await httpsServer()));
  after(async () => {
    s3.destroy();
    await server.stop();
  });

  test('a new bucket refuses SSE-C PUT, COPY, CreateMultipartUpload (HTTPS) and POST with 403 AccessDenied, storing nothing, until PutBucketEncryption unblocks it', async () => {
    const bucket = bucketName('ssec-blocked');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    assert.deepEqual(await blockedTypes(s3, bucket), ['SSE-C']);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' }));
    await refused(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: 'x', ...SSE_C })), 'AccessDenied', 403);
    await refused(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/plain`, ...SSE_C })), 'AccessDenied', 403);
    await refused(s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', ...SSE_C })), 'AccessDenied', 403);
    const fields = signedFields(bucket, [{ key: 'form' }, ['starts-with', '$x-amz-server-side-encryption-customer-algorithm', ''], ['starts-with', '$x-amz-server-side-encryption-customer-key', ''], ['starts-with', '$x-amz-server-side-encryption-customer-key-MD5', '']],
      { key: 'form', 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': SSE_C.SSECustomerKey, 'x-amz-server-side-encryption-customer-key-MD5': SSE_C.SSECustomerKeyMD5 });
    const post = await postForm(`${server.url}/${bucket}`, formBody(fields, 'data'));
    assert.equal(post.status, 403, post.body);
    assert.equal(errorCode(post.body), 'AccessDenied');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['plain']);

    await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: UNBLOCK }));
    assert.equal(await blockedTypes(s3, bucket), undefined);
    await notBlocked(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'put', Body: 'x', ...SSE_C })));
    await notBlocked(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/plain`, ...SSE_C })));
    await notBlocked(s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', ...SSE_C })));
  });

  test('the block answers first: an SSE-C PUT over plain HTTP to a blocking bucket is 403 AccessDenied, not the secure-connection 400', async () => {
    const bucket = bucketName('ssec-order');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const r = await rawRequest(server.url, { method: 'PUT', path: `/${bucket}/k`, body: 'x', headers: SSE_C_HEADERS });
    assert.equal(r.status, 403, r.body);
    assert.equal(errorCode(r.body), 'AccessDenied');
    // A key without its algorithm does not name SSE-C: the block does not answer; the SSE-C header checks do
    // (on plain HTTP the secure-connection check comes first, as for every SSE-C header).
    const noAlgorithm = await rawRequest(server.url, { method: 'PUT', path: `/${bucket}/k`, body: 'x', headers: { 'x-amz-server-side-encryption-customer-key': SSE_C.SSECustomerKey } });
    assert.equal(noAlgorithm.status, 400, noAlgorithm.body);
    assert.equal(errorCode(noAlgorithm.body), 'InvalidRequest');
    assert.match(noAlgorithm.body, /must be made over a secure connection/);
  });

  test('the aws CLI unblocks with put-bucket-encryption (EncryptionType NONE) and blocks again (SSE-C)', { skip: !HAS_AWS_CLI && AWS_CLI_MISSING }, async () => {
    const bucket = bucketName('ssec-cli');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const unblock = await aws(server, ['s3api', 'put-bucket-encryption', '--bucket', bucket, '--server-side-encryption-configuration', JSON.stringify(UNBLOCK)]);
    assert.equal(unblock.code, 0, unblock.stderr);
    await notBlocked(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ...SSE_C })));
    const block = await aws(server, ['s3api', 'put-bucket-encryption', '--bucket', bucket, '--server-side-encryption-configuration',
      JSON.stringify({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }] })]);
    assert.equal(block.code, 0, block.stderr);
    const shown = await aws(server, ['s3api', 'get-bucket-encryption', '--bucket', bucket]);
    assert.deepEqual(JSON.parse(shown.stdout).ServerSideEncryptionConfiguration.Rules[0].BlockedEncryptionTypes, { EncryptionType: ['SSE-C'] });
    await refused(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k2', Body: 'x', ...SSE_C })), 'AccessDenied', 403);
  });
});

describe('--sse-c-default allowed', () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => ({ server, s3 } = await httpsServer(['--sse-c-default', 'allowed'])));
  after(async () => {
    s3.destroy();
    await server.stop();
  });

  test('new buckets allow SSE-C (GetBucketEncryption shows no block) and keep allowing it after DeleteBucketEncryption; a bucket may still block it', async () => {
    const bucket = bucketName('ssec-allowed');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    assert.equal(await blockedTypes(s3, bucket), undefined);
    await notBlocked(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ...SSE_C })));
    await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }] } }));
    await refused(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ...SSE_C })), 'AccessDenied', 403);
    const deleted = await rawRequest(server.url, { method: 'DELETE', path: `/${bucket}?encryption` });
    assert.equal(deleted.status, 204);
    assert.equal(await blockedTypes(s3, bucket), undefined);
    await notBlocked(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ...SSE_C })));
  });
});
