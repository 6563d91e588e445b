/** The SSE-S3 master key is an internal (AWS owned) key of the built-in KMS: its versions are KMS key versions, `keys rotate` adds one, and no KMS API call can list, describe, use or manage it. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand, GetKeyPolicyCommand, KMSClient,
  ListKeysCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { Envelope } from '../../src/sse/envelope.js';
import { startServer, TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { filesContaining, objectParts, strongroomCommand } from '../helpers/data-dir.js';

const work = mkdtempSync(join(tmpdir(), 'strongroom-kms-master-'));
const dataDir = join(work, 'data');
const keyFile = join(work, 'root.key');
writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
after(() => rmSync(work, { recursive: true, force: true }));

const serve = () => startServer({ dataDir, args: ['--root-key-file', keyFile] });
const kmsClient = (s: TestServer) => new KMSClient({ endpoint: s.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });

/** The KMS key rows flagged internal, and each one's versions with how they came to be, read straight from the SQLite file. */
function internalKeys(): Array<{ keyId: string; versions: Array<[number, string | null]> }> {
  const db = new Database(join(dataDir, 'meta.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const keys = (db.prepare('SELECT key_id, doc FROM kms_keys').all() as Array<{ key_id: string; doc: string }>).filter((r) => (JSON.parse(r.doc) as { internal?: boolean }).internal === true);
    return keys.map((k) => ({
      keyId: k.key_id,
      versions: (db.prepare('SELECT version, rotation_type FROM kms_key_versions WHERE key_id = ? ORDER BY version').all(k.key_id) as Array<{ version: number; rotation_type: string | null }>).map((v) => [v.version, v.rotation_type]),
    }));
  } finally {
    db.close();
  }
}

const masterVersionOf = (bucket: string, key: string) => Envelope.prototype.describeSealedKey.call(undefined, objectParts(dataDir, bucket, key)[0]!.sealed_key).masterKeyVersion;

test('the SSE-S3 master key is a KMS internal key: a row of the KMS key table whose versions are its rotations; ListKeys omits it and every API call naming it is NotFoundException', async () => {
  const bucket = bucketName('kms-master');
  const body1 = randomBytes(5000);
  const body2 = randomBytes(50_000);
  let server = await serve();
  let s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'one', Body: body1 }));
  assert.ok(Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'one' }))).Body!.transformToByteArray()).equals(body1));
  s3.destroy();
  await server.stop({ remove: false });
  // SSE-S3 key use is no KMS event (AWS does not log it to CloudTrail): the trail has the S3 calls and nothing from KMS.
  const trail = join(dataDir, 'audit');
  assert.ok(filesContaining(trail, Buffer.from('"eventName":"PutObject"')).length > 0, 'the trail recorded the PUT');
  assert.deepEqual(filesContaining(trail, Buffer.from('kms.amazonaws.com')), []);

  const [internal, ...more] = internalKeys();
  assert.ok(internal, 'no internal key in kms_keys');
  assert.equal(more.length, 0, 'one internal key per data directory');
  assert.deepEqual(internal.versions, [[1, null]]);
  assert.equal(masterVersionOf(bucket, 'one'), 1);

  // `strongroom keys rotate` is a KMS rotation of that key: a new version row, on demand.
  const rotate = await strongroomCommand(['keys', 'rotate', '--data', dataDir, '--root-key-file', keyFile]);
  assert.equal(rotate.code, 0, rotate.stderr);
  assert.match(rotate.stdout, /version 2 is now current/);
  assert.deepEqual(internalKeys(), [{ keyId: internal.keyId, versions: [[1, null], [2, 'ON_DEMAND']] }]);

  server = await serve();
  s3 = s3Client(server);
  const kms = kmsClient(server);
  try {
    // SSE-S3 records name the KMS key version that sealed them; both read back.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'two', Body: body2 }));
    assert.equal(masterVersionOf(bucket, 'two'), 2);
    for (const [key, body] of [['one', body1], ['two', body2]] as const) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), key);
    }

    const customer = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const listed = (await kms.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId);
    assert.ok(listed.includes(customer.KeyId), 'ListKeys lists customer keys');
    assert.ok(!listed.includes(internal.keyId), 'ListKeys shows the internal key');

    const arn = `arn:aws:kms:${TEST_REGION}:${customer.AWSAccountId}:key/${internal.keyId}`;
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: internal.keyId }))],
      ['DescribeKey by ARN', () => kms.send(new DescribeKeyCommand({ KeyId: arn }))],
      ['Encrypt', () => kms.send(new EncryptCommand({ KeyId: internal.keyId, Plaintext: Buffer.from('x') }))],
      ['DisableKey', () => kms.send(new DisableKeyCommand({ KeyId: internal.keyId }))],
      ['ScheduleKeyDeletion', () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: internal.keyId, PendingWindowInDays: 7 }))],
      ['RotateKeyOnDemand', () => kms.send(new RotateKeyOnDemandCommand({ KeyId: internal.keyId }))],
      ['GetKeyPolicy', () => kms.send(new GetKeyPolicyCommand({ KeyId: internal.keyId, PolicyName: 'default' }))],
      ['CreateAlias', () => kms.send(new CreateAliasCommand({ AliasName: 'alias/onto-internal', TargetKeyId: internal.keyId }))],
    ];
    for (const [name, call] of calls) await assert.rejects(call(), { name: 'NotFoundException' }, name);

    // A ciphertext blob that names the internal key (a customer blob with its key id swapped) is NotFoundException too, not opened.
    const blob = Buffer.from((await kms.send(new EncryptCommand({ KeyId: customer.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob!);
    Buffer.from(internal.keyId.replaceAll('-', ''), 'hex').copy(blob, 1);
    await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: blob })), { name: 'NotFoundException' });

    // None of those calls changed the key: still its two versions, SSE-S3 reads unaffected.
    assert.deepEqual(internalKeys(), [{ keyId: internal.keyId, versions: [[1, null], [2, 'ON_DEMAND']] }]);
    const again = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'one' }));
    assert.ok(Buffer.from(await again.Body!.transformToByteArray()).equals(body1));
  } finally {
    s3.destroy();
    kms.destroy();
    await server.stop({ remove: false });
  }
});
