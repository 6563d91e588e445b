/** UpdateObjectEncryption and CopyObject onto itself: data keys resealed under a KMS key without moving data (blob bytes, ETag, checksums and dates kept). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand,
  UpdateObjectEncryptionCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { serverSuite } from '../helpers/suite.js';
import { refused } from '../helpers/policy-rig.js';
import { blobPath, objectParts } from '../helpers/data-dir.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';

const suite = serverSuite('update-enc');
const MiB = 1024 * 1024;

async function newKey(alias?: string): Promise<{ id: string; arn: string }> {
  const kms = new KMSClient({ endpoint: suite.server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
  const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  if (alias) await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: k.KeyId! }));
  return { id: k.KeyId!, arn: k.Arn! };
}

async function fileHash(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Every blob of an object with the SHA-256 of its file, and the sealed keys. */
async function blobState(key: string) {
  const parts = objectParts(suite.server.dataDir, suite.bucket, key);
  const hashes = [];
  for (const p of parts) hashes.push(p.blob_id === '' ? 'inline' : `${p.blob_id}:${await fileHash(blobPath(suite.server.dataDir, p.blob_id))}`);
  return { hashes, sealed: parts.map((p) => p.sealed_key.toString('hex')) };
}

test('UpdateObjectEncryption on a 1 GiB SSE-S3 object (8 parts made by UploadPartCopy): SSE-KMS in well under a second, blob bytes, ETag, checksum and dates untouched, readable after', async () => {
  const source = randomBytes(128 * MiB);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'src', Body: source }));
  const created = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'big', ChecksumAlgorithm: 'CRC32' }));
  const parts = [];
  for (let n = 1; n <= 8; n++) {
    const r = await suite.s3.send(new UploadPartCopyCommand({ Bucket: suite.bucket, Key: 'big', UploadId: created.UploadId, PartNumber: n, CopySource: `${suite.bucket}/src` }));
    parts.push({ PartNumber: n, ETag: r.CopyPartResult!.ETag, ChecksumCRC32: r.CopyPartResult!.ChecksumCRC32 });
  }
  await suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'big', UploadId: created.UploadId, MultipartUpload: { Parts: parts } }));
  const before = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'big', ChecksumMode: 'ENABLED' }));
  assert.equal(before.ContentLength, 1024 * MiB);
  assert.equal(before.ServerSideEncryption, 'AES256');
  const blobsBefore = await blobState('big');

  const key = await newKey();
  const started = performance.now();
  await suite.s3.send(new UpdateObjectEncryptionCommand({ Bucket: suite.bucket, Key: 'big', ObjectEncryption: { SSEKMS: { KMSKeyArn: key.arn } } }));
  const took = performance.now() - started;
  assert.ok(took < 1000, `UpdateObjectEncryption of 1 GiB took ${took.toFixed(0)} ms`);

  const after = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'big', ChecksumMode: 'ENABLED' }));
  assert.equal(after.ServerSideEncryption, 'aws:kms');
  assert.equal(after.SSEKMSKeyId, key.arn);
  assert.equal(after.ETag, before.ETag);
  assert.equal(after.ChecksumCRC32, before.ChecksumCRC32);
  assert.equal(after.LastModified?.getTime(), before.LastModified?.getTime());
  const blobsAfter = await blobState('big');
  assert.deepEqual(blobsAfter.hashes, blobsBefore.hashes, 'no blob byte changed');
  assert.equal(blobsAfter.sealed.filter((s, i) => s === blobsBefore.sealed[i]).length, 0, 'every part\'s data key was resealed');
  const tail = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'big', Range: `bytes=${1024 * MiB - 100}-${1024 * MiB - 1}` }));
  assert.ok(Buffer.from(await tail.Body!.transformToByteArray()).equals(source.subarray(128 * MiB - 100)));
});

test('UpdateObjectEncryption from SSE-KMS to another key with a bucket key; the refusals: alias instead of ARN, DSSE-KMS source, missing key, another account\'s key, no SSE-KMS element', async () => {
  const first = await newKey();
  const second = await newKey('alias/update-target');
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'kms', Body: 'rewrap me', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: first.id }));
  const etag = (await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'kms' }))).ETag;
  await suite.s3.send(new UpdateObjectEncryptionCommand({ Bucket: suite.bucket, Key: 'kms', ObjectEncryption: { SSEKMS: { KMSKeyArn: second.arn, BucketKeyEnabled: true } } }));
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'kms' }));
  assert.equal(head.SSEKMSKeyId, second.arn);
  assert.equal(head.BucketKeyEnabled, true);
  assert.equal(head.ETag, etag);
  assert.equal(await (await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'kms' }))).Body!.transformToString(), 'rewrap me');

  await refused(suite.s3.send(new UpdateObjectEncryptionCommand({ Bucket: suite.bucket, Key: 'kms', ObjectEncryption: { SSEKMS: { KMSKeyArn: 'alias/update-target' } } })), 'InvalidRequest', 400);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'dsse', Body: 'x', ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: first.id }));
  await refused(suite.s3.send(new UpdateObjectEncryptionCommand({ Bucket: suite.bucket, Key: 'dsse', ObjectEncryption: { SSEKMS: { KMSKeyArn: second.arn } } })), 'InvalidRequest', 400);
  await refused(suite.s3.send(new UpdateObjectEncryptionCommand({ Bucket: suite.bucket, Key: 'missing', ObjectEncryption: { SSEKMS: { KMSKeyArn: second.arn } } })), 'NoSuchKey', 404);
  await refused(suite.s3.send(new UpdateObjectEncryptionCommand({ Bucket: suite.bucket, Key: 'kms', ObjectEncryption: { SSEKMS: { KMSKeyArn: 'arn:aws:kms:us-east-1:999999999999:key/11111111-2222-4333-8444-555555555555' } } })), 'AccessDenied', 403);
  await refused(suite.s3.send(new UpdateObjectEncryptionCommand({ Bucket: suite.bucket, Key: 'kms', ObjectEncryption: {} as never })), 'InvalidRequest', 400);
  assert.equal((await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'kms' }))).SSEKMSKeyId, second.arn, 'refusals changed nothing');
});

test('CopyObject onto itself that changes only the encryption reseals the data keys without rewriting the blob (same blob, same bytes), and answers the new key', async () => {
  const key = await newKey();
  const data = randomBytes(6 * MiB);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'self', Body: data }));
  const before = await blobState('self');
  const copied = await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'self', CopySource: `${suite.bucket}/self`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.id }));
  assert.equal(copied.ServerSideEncryption, 'aws:kms');
  assert.equal(copied.SSEKMSKeyId, key.arn);
  const after = await blobState('self');
  assert.deepEqual(after.hashes, before.hashes, 'the blob was neither rewritten nor replaced');
  assert.notDeepEqual(after.sealed, before.sealed);
  const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'self' }));
  assert.equal(got.SSEKMSKeyId, key.arn);
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
});

test('UpdateObjectEncryption requires Content-MD5 or an x-amz-checksum-* (botocore: requestChecksumRequired) and checks it: none → 400 InvalidRequest, a wrong one → 400 BadDigest, a malformed MD5 → 400 InvalidDigest; the object stays SSE-S3 until a request with a matching one', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'digest-needed', Body: 'keep me' }));
  const key = await newKey();
  const body = `<ObjectEncryption xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><SSE-KMS><KMSKeyArn>${key.arn}</KMSKeyArn></SSE-KMS></ObjectEncryption>`;
  const send = (headers: Record<string, string>) => rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/digest-needed?encryption`, body, headers });
  const before = await blobState('digest-needed');
  const stillSseS3 = async () => {
    assert.equal((await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'digest-needed' }))).ServerSideEncryption, 'AES256');
    assert.deepEqual(await blobState('digest-needed'), before, 'nothing resealed');
  };

  const none = await send({});
  assert.equal(none.status, 400, none.body);
  assert.equal(errorCode(none.body), 'InvalidRequest');
  assert.match(none.body, /Missing required header for this request: Content-MD5/);
  await stillSseS3();
  const wrongMd5 = await send({ 'content-md5': createHash('md5').update('another body').digest('base64') });
  assert.equal(wrongMd5.status, 400, wrongMd5.body);
  assert.equal(errorCode(wrongMd5.body), 'BadDigest');
  await stillSseS3();
  const badMd5 = await send({ 'content-md5': 'not-an-md5' });
  assert.equal(badMd5.status, 400, badMd5.body);
  assert.equal(errorCode(badMd5.body), 'InvalidDigest');
  await stillSseS3();
  const wrongCrc = await send({ 'x-amz-checksum-crc32': 'AAAAAA==' });
  assert.equal(wrongCrc.status, 400, wrongCrc.body);
  assert.equal(errorCode(wrongCrc.body), 'BadDigest');
  await stillSseS3();

  const withSha = await send({ 'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64') });
  assert.equal(withSha.status, 200, withSha.body);
  const after = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'digest-needed' }));
  assert.equal(after.ServerSideEncryption, 'aws:kms');
  assert.equal(after.SSEKMSKeyId, key.arn);
  const withMd5 = await send({ 'content-md5': createHash('md5').update(body).digest('base64') });
  assert.equal(withMd5.status, 200, withMd5.body);
});
