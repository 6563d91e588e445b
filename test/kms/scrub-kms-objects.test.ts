/** `strongroom scrub` on SSE-KMS and DSSE-KMS objects: it opens their data keys through the KMS as the bucket owner, verifies every package, reports damage as FAILED and an unusable key as SKIPPED. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { serverSuite } from '../helpers/suite.js';
import { blobPath, objectParts, strongroomCommand } from '../helpers/data-dir.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';

const suite = serverSuite('scrub-kms');

function kms(): KMSClient {
  return new KMSClient({ endpoint: suite.server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
}

let cmk: string;

test('scrub verifies SSE-KMS (customer key, aws/s3, bucket key) and DSSE-KMS objects and exits 0 when nothing is damaged', async () => {
  cmk = (await kms().send(new CreateKeyCommand({ Description: 'scrub' }))).KeyMetadata!.KeyId!;
  const big = randomBytes(200_000); // in a blob file (not inline)
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'cmk', Body: big, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: cmk }));
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'aws-s3', Body: big, ServerSideEncryption: 'aws:kms' }));
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'dsse', Body: big, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: cmk }));
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'small-dsse', Body: 'inline', ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: cmk }));
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'sse-s3', Body: big }));
  await suite.s3.send(new PutBucketEncryptionCommand({
    Bucket: suite.bucket,
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: cmk }, BucketKeyEnabled: true }] },
  }));
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'bucket-key', Body: big }));

  const r = await strongroomCommand(['scrub', '--data', suite.server.dataDir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /FAILED|SKIPPED/);
  assert.match(r.stdout, /scrub: 6 objects, 6 parts verified, 0 failed\./);
});

test('a disabled KMS key makes its objects SKIPPED (not damage, exit 0) while the others are still verified', async () => {
  const [part] = objectParts(suite.server.dataDir, suite.bucket, 'dsse');
  const file = blobPath(suite.server.dataDir, part!.blob_id);
  const bytes = readFileSync(file);
  bytes[bytes.length - 100]! ^= 0x01;
  writeFileSync(file, bytes);
  await kms().send(new DisableKeyCommand({ KeyId: cmk }));

  const r = await strongroomCommand(['scrub', '--data', suite.server.dataDir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.split('\n');
  const b = suite.bucket;
  // The damaged object cannot be opened either while its key is disabled: skipped, and caught once the key is usable (below).
  for (const key of ['cmk', 'dsse', 'small-dsse', 'bucket-key']) {
    assert.ok(lines.includes(`SKIPPED s3://${b}/${key} part 1: its KMS key cannot be used (DisabledException)`), `${key} skipped in\n${r.stdout}`);
  }
  assert.doesNotMatch(r.stdout, new RegExp(`(FAILED|SKIPPED) s3://${b}/(aws-s3|sse-s3) `));
  assert.match(r.stdout, /scrub: 6 objects, 2 parts verified, 4 skipped, 0 failed\./);
});

test('once the key is enabled again, the damaged DSSE-KMS package is FAILED with its reason and scrub exits 1', async () => {
  await kms().send(new EnableKeyCommand({ KeyId: cmk }));
  const r = await strongroomCommand(['scrub', '--data', suite.server.dataDir]);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.split('\n');
  assert.ok(lines.some((l) => l.startsWith(`FAILED s3://${suite.bucket}/dsse part 1: package authentication failed: package 3 (final) did not verify`)), r.stdout);
  assert.equal(lines.filter((l) => l.startsWith('FAILED') || l.startsWith('SKIPPED')).length, 1, r.stdout);
  assert.match(r.stdout, /scrub: 6 objects, 6 parts verified, 1 failed\./);
});
