/** SSE-KMS and DSSE-KMS in S3 through real clients: headers per operation, key ids of every form, the bucket default, multipart, copy, POST, key states, bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  PutBucketEncryptionCommand, PutObjectCommand, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient, ListAliasesCommand, ScheduleKeyDeletionCommand, CancelKeyDeletionCommand } from '@aws-sdk/client-kms';
import { serverSuite } from '../helpers/suite.js';
import { bucketName } from '../helpers/clients.js';
import { refused } from '../helpers/policy-rig.js';
import { signV2Headers } from '../helpers/aws-signing.js';
import { rawRequest, sendHttp } from '../helpers/raw-request.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';

const suite = serverSuite('sse-kms');
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const KEY_ARN = /^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/;

function kms(): KMSClient {
  return new KMSClient({ endpoint: suite.server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
}

async function newKey(alias?: string): Promise<{ id: string; arn: string }> {
  const k = (await kms().send(new CreateKeyCommand({ Description: 'sse-kms test' }))).KeyMetadata!;
  if (alias) await kms().send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: k.KeyId! }));
  return { id: k.KeyId!, arn: k.Arn! };
}

async function body(key: string, bucket = suite.bucket): Promise<Buffer> {
  const r = await suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

test('PUT aws:kms by key id, key ARN, alias name and alias ARN: every response names the full key ARN, GET returns the bytes, the ETag is not the MD5', async () => {
  const key = await newKey('alias/sse-kms-forms');
  const account = key.arn.split(':')[4]!;
  const data = randomBytes(70_000);
  for (const [name, ref] of [['by-id', key.id], ['by-arn', key.arn], ['by-alias', 'alias/sse-kms-forms'], ['by-alias-arn', `arn:aws:kms:us-east-1:${account}:alias/sse-kms-forms`]] as const) {
    const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: name, Body: data, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ref }));
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    assert.equal(put.SSEKMSKeyId, key.arn, name);
    assert.equal(put.SSEKMSEncryptionContext, undefined, 'no context echoed when none was sent');
    assert.notEqual(put.ETag, `"${md5(data)}"`, 'an SSE-KMS ETag is not the MD5 of the data');
    const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: name }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, key.arn);
    assert.equal(head.BucketKeyEnabled, undefined);
    assert.equal(head.ETag, put.ETag);
    assert.ok((await body(name)).equals(data), name);
  }
});

test('the encryption context: echoed (merged with aws:s3:arn) on PUT only, not on GET/HEAD; invalid base64 JSON is 400 InvalidArgument', async () => {
  const key = await newKey();
  const context = Buffer.from(JSON.stringify({ department: 'finance' })).toString('base64');
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'ctx', Body: 'context', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.id, SSEKMSEncryptionContext: context }));
  assert.deepEqual(JSON.parse(Buffer.from(put.SSEKMSEncryptionContext!, 'base64').toString()), { department: 'finance', 'aws:s3:arn': `arn:aws:s3:::${suite.bucket}/ctx` });
  for (const method of ['GET', 'HEAD']) {
    const got = await rawRequest(suite.server.url, { method, path: `/${suite.bucket}/ctx` });
    assert.equal(got.status, 200);
    assert.equal(got.headers['x-amz-server-side-encryption-context'], undefined, method);
    assert.equal(got.headers['x-amz-server-side-encryption-aws-kms-key-id'], key.arn, method);
    if (method === 'GET') assert.equal(got.body, 'context');
  }
  for (const bad of ['not base64!', Buffer.from('[1,2]').toString('base64'), Buffer.from('{"a":1}').toString('base64'), Buffer.from('{"aws:s3:arn":"arn:aws:s3:::other/x"}').toString('base64')]) {
    await refused(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'bad-ctx', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSEncryptionContext: bad })), 'InvalidArgument', 400);
  }
  await refused(suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'bad-ctx' })), 'NotFound', 404);
});

test('a key id without aws:kms is 400 InvalidArgument; an unknown key is 400 KMS.NotFoundException; nothing is stored', async () => {
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'no-alg', Body: 'x', SSEKMSKeyId: 'alias/whatever' })), 'InvalidArgument', 400);
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'unknown', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: '11111111-2222-4333-8444-555555555555' })), 'KMS.NotFoundException', 400);
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'unknown', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/never-made' })), 'KMS.NotFoundException', 400);
  await refused(suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'unknown' })), 'NotFound', 404);
});

test('key states act on objects: disabled → PUT and GET 400 KMS.DisabledException "arn:… is disabled."; enabled → readable; pending deletion → 400 KMS.KMSInvalidStateException; cancelled and enabled → readable', async () => {
  const key = await newKey();
  const data = randomBytes(1000);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'states', Body: data, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.id }));
  await kms().send(new DisableKeyCommand({ KeyId: key.id }));
  const disabled = (e: unknown) => {
    const err = e as { name: string; message: string; $metadata: { httpStatusCode: number } };
    assert.equal(err.name, 'KMS.DisabledException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, `${key.arn} is disabled.`);
    return true;
  };
  await assert.rejects(suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'states' })), disabled);
  await assert.rejects(suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'states-2', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.id })), disabled);
  // HEAD does not use the key (as on S3): it still answers.
  assert.equal((await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'states' }))).SSEKMSKeyId, key.arn);
  await kms().send(new EnableKeyCommand({ KeyId: key.id }));
  assert.ok((await body('states')).equals(data));
  await kms().send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
  await assert.rejects(suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'states' })), (e: Error & { $metadata: { httpStatusCode: number } }) => {
    assert.equal(e.name, 'KMS.KMSInvalidStateException');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, `${key.arn} is pending deletion.`);
    return true;
  });
  await kms().send(new CancelKeyDeletionCommand({ KeyId: key.id }));
  await kms().send(new EnableKeyCommand({ KeyId: key.id }));
  assert.ok((await body('states')).equals(data));
});

test('bucket default aws:kms without a key id uses the aws/s3 key of the account (created on first use); with KMSMasterKeyID that key; BucketKeyEnabled is reported', async () => {
  const bucket = bucketName('kms-default');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await suite.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } }));
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'managed', Body: 'managed' }));
  assert.equal(put.ServerSideEncryption, 'aws:kms');
  assert.match(put.SSEKMSKeyId!, KEY_ARN);
  const aliases = (await kms().send(new ListAliasesCommand({}))).Aliases ?? [];
  const managed = aliases.find((a) => a.AliasName === 'alias/aws/s3');
  assert.ok(managed, 'alias/aws/s3 exists after the first default SSE-KMS write');
  assert.ok(put.SSEKMSKeyId!.endsWith(`key/${managed.TargetKeyId}`));
  assert.equal(await (await suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'managed' }))).Body!.transformToString(), 'managed');

  const key = await newKey('alias/bucket-default');
  await suite.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/bucket-default' }, BucketKeyEnabled: true }] } }));
  const withKey = await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'chosen', Body: 'chosen' }));
  assert.equal(withKey.SSEKMSKeyId, key.arn);
  assert.equal(withKey.BucketKeyEnabled, true);
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'chosen' }));
  assert.equal(head.BucketKeyEnabled, true);
  assert.equal(head.SSEKMSKeyId, key.arn);
  assert.equal(await (await suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'chosen' }))).Body!.transformToString(), 'chosen');
  // AES256 asked for explicitly still wins over the default.
  assert.equal((await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'aes', Body: 'x', ServerSideEncryption: 'AES256' }))).ServerSideEncryption, 'AES256');
});

test('multipart: CreateMultipartUpload resolves the key (ARN, context echoed), parts inherit it, UploadPart/UploadPartCopy/Complete answer with the key ARN', async () => {
  const key = await newKey('alias/sse-kms-multipart');
  const context = Buffer.from(JSON.stringify({ project: 'mp' })).toString('base64');
  const created = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mp', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/sse-kms-multipart', SSEKMSEncryptionContext: context, BucketKeyEnabled: true }));
  assert.equal(created.SSEKMSKeyId, key.arn);
  assert.equal(created.BucketKeyEnabled, true);
  assert.ok(created.SSEKMSEncryptionContext);
  const first = randomBytes(5 * 1024 * 1024);
  const p1 = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'mp', UploadId: created.UploadId, PartNumber: 1, Body: first }));
  assert.equal(p1.ServerSideEncryption, 'aws:kms');
  assert.equal(p1.SSEKMSKeyId, key.arn);
  assert.equal(p1.BucketKeyEnabled, true);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'mp-source', Body: 'tail of the object', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.id }));
  const p2 = await suite.s3.send(new UploadPartCopyCommand({ Bucket: suite.bucket, Key: 'mp', UploadId: created.UploadId, PartNumber: 2, CopySource: `${suite.bucket}/mp-source` }));
  assert.equal(p2.SSEKMSKeyId, key.arn);
  const done = await suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mp', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] } }));
  assert.equal(done.ServerSideEncryption, 'aws:kms');
  assert.equal(done.SSEKMSKeyId, key.arn);
  assert.equal(done.BucketKeyEnabled, true);
  assert.ok((await body('mp')).equals(Buffer.concat([first, Buffer.from('tail of the object')])));
  // UploadPart refuses SSE headers as S3 does.
  const other = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'mp2', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.id }));
  const part = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/mp2?partNumber=1&uploadId=${encodeURIComponent(other.UploadId!)}`, headers: { 'x-amz-server-side-encryption': 'aws:kms' }, body: 'x' });
  assert.equal(part.status, 400);
  assert.match(part.body, /<Code>InvalidArgument<\/Code>/);
});

test('CopyObject: the target takes the request\'s SSE-KMS (context resupplied) or the destination default, never the source\'s; a KMS source is read for the caller', async () => {
  const key = await newKey();
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'copy-src', Body: 'copy me', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.id }));
  const plain = await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'copy-plain', CopySource: `${suite.bucket}/copy-src` }));
  assert.equal(plain.ServerSideEncryption, 'AES256');
  assert.equal(plain.SSEKMSKeyId, undefined);
  const context = Buffer.from(JSON.stringify({ copy: 'yes' })).toString('base64');
  const kmsCopy = await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'copy-kms', CopySource: `${suite.bucket}/copy-plain`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn, SSEKMSEncryptionContext: context }));
  assert.equal(kmsCopy.SSEKMSKeyId, key.arn);
  assert.deepEqual(JSON.parse(Buffer.from(kmsCopy.SSEKMSEncryptionContext!, 'base64').toString()), { copy: 'yes', 'aws:s3:arn': `arn:aws:s3:::${suite.bucket}/copy-kms` });
  assert.equal(await (await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'copy-kms' }))).Body!.transformToString(), 'copy me');
});

test('DSSE-KMS: round trip with the key ARN reported, the bucket-key flag ignored, and key states acting as on SSE-KMS', async () => {
  const key = await newKey();
  const data = randomBytes(300_000);
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'dsse', Body: data, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: key.id, BucketKeyEnabled: true }));
  assert.equal(put.ServerSideEncryption, 'aws:kms:dsse');
  assert.equal(put.SSEKMSKeyId, key.arn);
  assert.equal(put.BucketKeyEnabled, undefined);
  assert.notEqual(put.ETag, `"${md5(data)}"`);
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'dsse' }));
  assert.equal(head.ServerSideEncryption, 'aws:kms:dsse');
  assert.ok((await body('dsse')).equals(data));
  const ranged = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'dsse', Range: 'bytes=100000-100009' }));
  assert.ok(Buffer.from(await ranged.Body!.transformToByteArray()).equals(data.subarray(100000, 100010)));
  await kms().send(new DisableKeyCommand({ KeyId: key.id }));
  await refused(suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'dsse' })), 'KMS.DisabledException', 400);
  await kms().send(new EnableKeyCommand({ KeyId: key.id }));
});

test('POST form with x-amz-server-side-encryption aws:kms and a key id field: stored under that key', async () => {
  const key = await newKey();
  const fields = signedFields(suite.bucket, [['starts-with', '$key', 'form/'], { 'x-amz-server-side-encryption': 'aws:kms' }, { 'x-amz-server-side-encryption-aws-kms-key-id': key.id }],
    { key: 'form/kms', 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': key.id });
  const r = await postForm(`${suite.server.url}/${suite.bucket}`, formBody(fields, 'posted'));
  assert.equal(r.status, 204, r.body);
  assert.equal(r.headers['x-amz-server-side-encryption'], 'aws:kms');
  assert.equal(r.headers['x-amz-server-side-encryption-aws-kms-key-id'], key.arn);
  assert.equal(await (await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'form/kms' }))).Body!.transformToString(), 'posted');
});

test('SSE-KMS needs SigV4 (or TLS): a SigV2 PUT asking for aws:kms and a SigV2 GET of an SSE-KMS object over plain HTTP are 400 InvalidArgument', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'v2-read', Body: 'x', ServerSideEncryption: 'aws:kms' }));
  const u = new URL(suite.server.url);
  const v2 = (method: string, path: string, headers: Array<[string, string]>, payload: string) =>
    sendHttp({ host: u.hostname, port: u.port, method, path, headers: Object.fromEntries(signV2Headers(method, path, u.host, headers)) }, payload);
  const put = await v2('PUT', `/${suite.bucket}/v2-write`, [['x-amz-server-side-encryption', 'aws:kms'], ['content-length', '1']], 'x');
  assert.equal(put.status, 400, put.body);
  assert.match(put.body, /<Code>InvalidArgument<\/Code>.*require AWS Signature Version 4/s);
  const get = await v2('GET', `/${suite.bucket}/v2-read`, [], '');
  assert.equal(get.status, 400, get.body);
  assert.match(get.body, /<Code>InvalidArgument<\/Code>.*require AWS Signature Version 4/s);
  await refused(suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'v2-write' })), 'NotFound', 404);
});
