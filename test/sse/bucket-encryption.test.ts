/** Bucket default encryption: the SDK and the aws CLI see what S3 shows; validation errors as S3 words them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketEncryptionCommand, GetBucketEncryptionCommand, HeadObjectCommand,
  PutBucketEncryptionCommand, PutObjectCommand, S3ServiceException,
} from '@aws-sdk/client-s3';
import { bucketName } from '../helpers/clients.js';
import { serverSuite } from '../helpers/suite.js';
import { rawRequest } from '../helpers/raw-request.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI } from '../helpers/python-tools.js';

const suite = serverSuite('encryption');

async function newBucket(label: string): Promise<string> {
  const name = bucketName(label);
  await suite.s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** Raw XML bodies: the SDK would re-serialize them. */
const putRaw = (bucket: string, xml: string) => rawRequest(suite.server.url, { method: 'PUT', path: `/${bucket}?encryption`, body: xml });

test('an unconfigured bucket reports the AES256 default, never 404', async () => {
  const bucket = await newBucket('enc-default');
  const got = await suite.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  const rule = got.ServerSideEncryptionConfiguration?.Rules?.[0];
  assert.equal(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
  assert.equal(rule?.BucketKeyEnabled, false);
  assert.deepEqual(rule?.BlockedEncryptionTypes?.EncryptionType, ['SSE-C']);
});

test('put, get, delete (twice) the configuration', async () => {
  const bucket = await newBucket('enc-cycle');
  await suite.s3.send(new PutBucketEncryptionCommand({
    Bucket: bucket,
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/my-key' }, BucketKeyEnabled: true }] },
  }));
  const got = await suite.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  const rule = got.ServerSideEncryptionConfiguration?.Rules?.[0];
  assert.equal(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'aws:kms');
  assert.equal(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID, 'alias/my-key');
  assert.equal(rule?.BucketKeyEnabled, true);
  assert.equal((await suite.s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket }))).$metadata.httpStatusCode, 204);
  assert.equal((await suite.s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket }))).$metadata.httpStatusCode, 204);
  const back = await suite.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  assert.equal(back.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
});

test('KMSMasterKeyID with AES256 is InvalidArgument', async () => {
  const bucket = await newBucket('enc-invalid');
  await assert.rejects(suite.s3.send(new PutBucketEncryptionCommand({
    Bucket: bucket,
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'k' } }] },
  })), (e: S3ServiceException) => e.name === 'InvalidArgument' && e.$metadata.httpStatusCode === 400
    && /KMSMasterKeyID is not applicable/.test(e.message));
});

test('zero or two rules, or garbage, is MalformedXML and changes nothing', async () => {
  const bucket = await newBucket('enc-malformed');
  const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
  const rule = '<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>';
  for (const body of [`<ServerSideEncryptionConfiguration ${ns}></ServerSideEncryptionConfiguration>`,
    `<ServerSideEncryptionConfiguration ${ns}>${rule}${rule}</ServerSideEncryptionConfiguration>`, '<not xml', '<Other/>']) {
    const res = await putRaw(bucket, body);
    assert.equal(res.status, 400, body);
    assert.match(res.body, /<Code>MalformedXML<\/Code>/, body);
  }
  const got = await suite.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  assert.equal(got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
});

test('objects written without headers report AES256', async () => {
  const bucket = await newBucket('enc-objects');
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'hello' }));
  assert.equal(put.ServerSideEncryption, 'AES256');
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain' }));
  assert.equal(head.ServerSideEncryption, 'AES256');
});

test('aws CLI: put-bucket-encryption, get-bucket-encryption, delete-bucket-encryption, head-object', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const bucket = await newBucket('enc-cli');
  const config = JSON.stringify({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] });
  const put = await aws(suite.server, ['s3api', 'put-bucket-encryption', '--bucket', bucket, '--server-side-encryption-configuration', config]);
  assert.equal(put.code, 0, put.stderr);
  const get = await aws(suite.server, ['s3api', 'get-bucket-encryption', '--bucket', bucket, '--output', 'json']);
  assert.equal(get.code, 0, get.stderr);
  const parsed = JSON.parse(get.stdout) as { ServerSideEncryptionConfiguration: { Rules: Array<{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: string } }> } };
  assert.equal(parsed.ServerSideEncryptionConfiguration.Rules[0]!.ApplyServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: 'data' }));
  const head = await aws(suite.server, ['s3api', 'head-object', '--bucket', bucket, '--key', 'obj', '--output', 'json']);
  assert.equal(head.code, 0, head.stderr);
  assert.equal((JSON.parse(head.stdout) as { ServerSideEncryption: string }).ServerSideEncryption, 'AES256');
  const del = await aws(suite.server, ['s3api', 'delete-bucket-encryption', '--bucket', bucket]);
  assert.equal(del.code, 0, del.stderr);
});
