/** SSE-KMS writes under an S3 Bucket Key through the shared per-bucket resolution: a changed bucket default applies to the next PUT, each bucket keeps its own bucket ARN, a disabled key refuses every caller without a bucket key yet, no per-object KMS event. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { serverSuite } from '../helpers/suite.js';
import { bucketName } from '../helpers/clients.js';
import { clientFor, createUser, refused } from '../helpers/policy-rig.js';
import { trailRecords, type TrailRecord } from '../helpers/audit-trail.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';

const suite = serverSuite('bucket-key-writes');

const kms = () => new KMSClient({ endpoint: suite.server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
const newKey = async () => (await kms().send(new CreateKeyCommand({}))).KeyMetadata!;
const bucketKeyDefault = (bucket: string, keyId: string) => suite.s3.send(new PutBucketEncryptionCommand({
  Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyId }, BucketKeyEnabled: true }] },
}));
const text = async (bucket: string, key: string) => (await (await suite.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString());

/** S3's KMS key uses in the trail (GenerateDataKey made on a caller's behalf), waiting up to 10 s for at least `atLeast`. */
async function dataKeyUses(match: (r: TrailRecord) => boolean, atLeast: number): Promise<TrailRecord[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = trailRecords(suite.server.dataDir).filter((r) => r['eventSource'] === 'kms.amazonaws.com' && r['eventName'] === 'GenerateDataKey' && match(r));
    if (found.length >= atLeast || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('bucket default with a bucket key: a changed default key applies to the very next PUT; a key named in the request wins; two buckets with the same default each get their own bucket ARN as context', async () => {
  const [first, second, named] = [await newKey(), await newKey(), await newKey()];
  const other = bucketName('bk-other');
  await suite.s3.send(new CreateBucketCommand({ Bucket: other }));
  await bucketKeyDefault(suite.bucket, first.KeyId!);
  await bucketKeyDefault(other, first.KeyId!);
  const put = (bucket: string, key: string, extra: Record<string, unknown> = {}) => suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${bucket}/${key}`, ...extra }));

  for (const k of ['a1', 'a2']) {
    const r = await put(suite.bucket, k);
    assert.equal(r.SSEKMSKeyId, first.Arn);
    assert.equal(r.BucketKeyEnabled, true);
  }
  assert.equal((await put(other, 'o1')).SSEKMSKeyId, first.Arn);
  await bucketKeyDefault(suite.bucket, second.KeyId!);
  assert.equal((await put(suite.bucket, 'b1')).SSEKMSKeyId, second.Arn, 'the new default applies to the next PUT');
  assert.equal((await put(other, 'o2')).SSEKMSKeyId, first.Arn, 'the other bucket keeps its own default');
  const asked = await put(suite.bucket, 'n1', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: named.KeyId, BucketKeyEnabled: true });
  assert.equal(asked.SSEKMSKeyId, named.Arn);
  assert.equal((await put(suite.bucket, 'b2')).SSEKMSKeyId, second.Arn);

  for (const [bucket, key, arn] of [[suite.bucket, 'a1', first.Arn], [suite.bucket, 'b1', second.Arn], [suite.bucket, 'n1', named.Arn], [other, 'o2', first.Arn]] as const) {
    assert.equal((await suite.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).SSEKMSKeyId, arn, `${bucket}/${key}`);
    assert.equal(await text(bucket, key), `${bucket}/${key}`);
  }
  // One bucket key per bucket and KMS key, its context that bucket's ARN: never the other bucket's.
  const uses = await dataKeyUses((r) => r['requestParameters']?.['keyId'] === first.Arn, 2);
  const contexts = uses.map((r) => r['requestParameters']['encryptionContext']['aws:s3:arn']).sort();
  assert.deepEqual(contexts, [`arn:aws:s3:::${other}`, `arn:aws:s3:::${suite.bucket}`].sort());
});

test('a bucket key keeps no per-object KMS use: 20 PUTs make one GenerateDataKey; once the key is disabled, a caller without a bucket key yet is refused 400 KMS.DisabledException (S3 fetches a bucket key per requester), while the cached one lives out its lifetime as on S3', async () => {
  const key = await newKey();
  const bucket = bucketName('bk-disable');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await bucketKeyDefault(bucket, key.KeyId!);
  const user = await createUser(suite.server.url, 'bk-writer', {
    s3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` }] },
    kms: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: key.Arn }] },
  });
  const writer = clientFor(suite.server.url, user);
  for (let i = 0; i < 20; i++) await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `root/${i}`, Body: `object ${i}` }));
  const uses = await dataKeyUses((r) => r['requestParameters']?.['keyId'] === key.Arn, 1);
  assert.equal(uses.length, 1, 'one GenerateDataKey for 20 PUTs under one bucket key');
  assert.equal(uses[0]!['requestParameters']['encryptionContext']['aws:s3:arn'], `arn:aws:s3:::${bucket}`);

  await kms().send(new DisableKeyCommand({ KeyId: key.KeyId }));
  await refused(writer.send(new PutObjectCommand({ Bucket: bucket, Key: 'user/1', Body: 'x' })), 'KMS.DisabledException', 400);
  // The root's bucket key was fetched before the key was disabled: S3 keeps such a key for its short lifetime (docs/SECURITY.md).
  assert.equal((await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'root/after', Body: 'y' }))).SSEKMSKeyId, key.Arn);
  writer.destroy();
});
