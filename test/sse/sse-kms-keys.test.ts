/** KMS keys acting on S3 objects: Bucket Keys (KMS calls counted from the audit trail), key policies on kms:EncryptionContext:aws:s3:arn, crypto-shredding after deletion, `strongroom kms impact`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, GenerateDataKeyCommand, KMSClient, PutKeyPolicyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { serverSuite } from '../helpers/suite.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { clientFor, createUser, refused, type Keys } from '../helpers/policy-rig.js';
import { trailRecords } from '../helpers/audit-trail.js';
import { blobPath, objectParts, strongroomCommand } from '../helpers/data-dir.js';
import { startServer, TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';

const suite = serverSuite('kms-keys');

function kms(url = suite.server.url, keys: Keys = { accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }): KMSClient {
  return new KMSClient({ endpoint: url, region: TEST_REGION, credentials: { accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey }, maxAttempts: 1 });
}

/** GenerateDataKey events S3 made on a caller's behalf whose context names `arnPrefix`, waiting for the trail to catch up to `atLeast`. */
async function dataKeyEvents(dataDir: string, match: (arn: string) => boolean, atLeast = 0): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const n = trailRecords(dataDir).filter((r) => r['eventSource'] === 'kms.amazonaws.com' && r['eventName'] === 'GenerateDataKey'
      && match(String(r['requestParameters']?.['encryptionContext']?.['aws:s3:arn'] ?? ''))).length;
    if (n >= atLeast || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function putMany(bucket: string, prefix: string, count: number, params: Record<string, unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < count) {
      const i = next++;
      await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${i}`, Body: `object ${i}`, ...params }));
    }
  }));
}

test('S3 Bucket Keys: 1,000 SSE-KMS PUTs with a bucket key cause at most 5 KMS GenerateDataKey (audit trail), 1,000 without cause 1,000; every object reads back', async () => {
  const key = (await kms().send(new CreateKeyCommand({}))).KeyMetadata!;
  const bucket = bucketName('bucket-key');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await putMany(bucket, 'with/', 1000, { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.KeyId, BucketKeyEnabled: true });
  await putMany(bucket, 'without/', 1000, { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.KeyId });
  const withBucketKey = await dataKeyEvents(suite.server.dataDir, (arn) => arn === `arn:aws:s3:::${bucket}`);
  const perObject = await dataKeyEvents(suite.server.dataDir, (arn) => arn.startsWith(`arn:aws:s3:::${bucket}/without/`), 1000);
  assert.ok(withBucketKey >= 1 && withBucketKey <= 5, `${withBucketKey} GenerateDataKey with a bucket key`);
  assert.equal(perObject, 1000);
  for (const i of [0, 499, 999]) {
    const got = await suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `with/${i}` }));
    assert.equal(got.BucketKeyEnabled, true);
    assert.equal(await got.Body!.transformToString(), `object ${i}`);
  }
});

test('a key policy with kms:EncryptionContext:aws:s3:arn (and kms:ViaService, kms:CallerAccount) lets a user use the key for one path and denies another (403 AccessDenied naming the KMS action); direct KMS use is denied', async () => {
  const bucket = bucketName('ctx-policy');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const user = await createUser(suite.server.url, 'ctx-user', {
    s3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` }] },
  });
  const key = (await kms().send(new CreateKeyCommand({}))).KeyMetadata!;
  const account = key.Arn!.split(':')[4]!;
  await kms().send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'allowed-path-through-s3', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/ctx-user` }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*',
        Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}/allowed/*` }, StringEquals: { 'kms:ViaService': `s3.${TEST_REGION}.amazonaws.com`, 'kms:CallerAccount': account } } },
      { Sid: 'never-secret', Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${account}:user/ctx-user` }, Action: 'kms:*', Resource: '*',
        Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}/secret/*` } } },
    ],
  }) }));
  const s3 = clientFor(suite.server.url, user);
  const put = (k: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.KeyId }));
  assert.equal((await put('allowed/a')).SSEKMSKeyId, key.Arn);
  assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'allowed/a' }))).Body!.transformToString(), 'allowed/a');
  const deniedWith = (action: string) => (e: Error & { $metadata: { httpStatusCode: number } }) => {
    assert.equal(e.name, 'AccessDenied');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.match(e.message, new RegExp(`not authorized to perform: ${action} on resource: ${key.Arn}`));
    return true;
  };
  await assert.rejects(put('other/b'), deniedWith('kms:GenerateDataKey'));
  await assert.rejects(put('secret/c'), deniedWith('kms:GenerateDataKey'));
  // Written by the root (allowed by the admin statement); the user may GET the object but not use the key for it.
  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/by-root', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.KeyId }));
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'other/by-root' })), deniedWith('kms:Decrypt'));
  await refused(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'other/b' })), 'NoSuchKey', 404);
  // Outside S3 (no kms:ViaService) the same context does not unlock the key.
  await assert.rejects(kms(suite.server.url, user).send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucket}/allowed/x` } })),
    (e: Error) => e.name === 'AccessDeniedException');
});

test('crypto-shredding: `strongroom kms impact` lists every version under a key; once the key is deleted for good, GET answers 400 KMS.NotFoundException saying the object can no longer be decrypted, and the blob is still ciphertext', async () => {
  const server = await startServer();
  try {
    const s3 = s3Client(server);
    const bucket = bucketName('shred');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const doomed = (await kms(server.url).send(new CreateKeyCommand({}))).KeyMetadata!;
    const kept = (await kms(server.url).send(new CreateKeyCommand({}))).KeyMetadata!;
    const secret = Buffer.concat([Buffer.from('SHRED-ME-'), randomBytes(100_000)]);
    const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: secret, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: doomed.KeyId }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: secret, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: doomed.Arn }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'other', Body: 'kept', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kept.KeyId }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'sse-s3' }));

    const impact = await strongroomCommand(['kms', 'impact', doomed.Arn!, '--data', server.dataDir]);
    assert.equal(impact.code, 0, impact.stderr);
    const lines = impact.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, -1).sort(), [
      `${bucket}/doc\tversion ${v1.VersionId}\tsse-kms\t1 part`,
      `${bucket}/doc\tversion ${v2.VersionId}\tdsse-kms\t1 part`,
    ].sort());
    assert.equal(lines.at(-1), `kms impact: key ${doomed.KeyId} protects 2 object versions.`);

    await kms(server.url).send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    await server.stop({ remove: false });
    // Seven days pass: the deletion date is moved into the past in the stopped server's KMS table.
    const db = new Database(join(server.dataDir, 'meta.sqlite'));
    const row = db.prepare('SELECT doc FROM kms_keys WHERE key_id = ?').get(doomed.KeyId) as { doc: string };
    db.prepare('UPDATE kms_keys SET doc = ?, due_at = ? WHERE key_id = ?').run(JSON.stringify({ ...JSON.parse(row.doc), deletionDate: Date.now() - 1000 }), Date.now() - 1000, doomed.KeyId);
    db.close();

    const again = await startServer({ dataDir: server.dataDir });
    try {
      const s3b = s3Client(again);
      for (const versionId of [v1.VersionId, v2.VersionId]) {
        await assert.rejects(s3b.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: versionId })), (e: Error & { $metadata: { httpStatusCode: number } }) => {
          assert.equal(e.name, 'KMS.NotFoundException');
          assert.equal(e.$metadata.httpStatusCode, 400);
          assert.match(e.message, new RegExp(`${doomed.KeyId}.*can no longer be decrypted`));
          return true;
        });
      }
      assert.equal(await (await s3b.send(new GetObjectCommand({ Bucket: bucket, Key: 'other' }))).Body!.transformToString(), 'kept');
      const parts = objectParts(again.dataDir, bucket, 'doc');
      assert.equal(parts.length, 2);
      for (const p of parts) {
        const blob = readFileSync(blobPath(again.dataDir, p.blob_id));
        assert.ok(blob.length > secret.length, 'the blob is still there');
        assert.equal(blob.indexOf(Buffer.from('SHRED-ME-')), -1, 'and holds no plaintext');
        assert.equal(blob.indexOf(secret.subarray(9, 41)), -1);
      }
    } finally {
      await again.stop();
    }
  } finally {
    await server.stop();
  }
});
