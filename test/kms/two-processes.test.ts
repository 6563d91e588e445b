/** Two server processes on one data directory: a key rotated through one is used for reads by the other, whose key manager reloads when it meets an unknown key version (KMS customer keys, and the SSE-S3 master key, the KMS's internal key); a disable by one is seen at once by the other. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, DecryptCommand, DisableKeyCommand, EncryptCommand, KMSClient, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { startServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { objectParts, strongroomCommand } from '../helpers/data-dir.js';
import { Envelope } from '../../src/sse/envelope.js';

let a: TestServer;
let b: TestServer;
const client = (s: TestServer) => new KMSClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });

before(async () => {
  a = await startServer();
  // The second process opens the same data directory (SQLite in WAL mode serves both; the root key is the one A made).
  b = await startServer({ dataDir: a.dataDir });
});
after(async () => {
  await b?.stop({ remove: false });
  await a?.stop({ remove: false });
  if (a) rmSync(a.dataDir, { recursive: true, force: true });
});

test('a key rotated on one process is used for reads by a second process on the same data (it reloads the new version)', async () => {
  const keyId = (await client(a).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  // B uses the key first, so it holds version 1 before A rotates.
  const early = await client(b).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('v1 data') }));
  await client(a).send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
  const late = await client(a).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('v2 data') }));
  assert.equal(Buffer.from(late.CiphertextBlob!).readUInt32BE(17), 2, 'A seals with the new version');
  assert.equal(Buffer.from((await client(b).send(new DecryptCommand({ CiphertextBlob: late.CiphertextBlob }))).Plaintext!).toString(), 'v2 data');
  assert.equal(Buffer.from((await client(b).send(new DecryptCommand({ CiphertextBlob: early.CiphertextBlob }))).Plaintext!).toString(), 'v1 data');
  // B now seals with version 2 too.
  const fromB = await client(b).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('b') }));
  assert.equal(Buffer.from(fromB.CiphertextBlob!).readUInt32BE(17), 2);
  // Key states are read from the store on every use: A's disable stops B at once.
  await client(a).send(new DisableKeyCommand({ KeyId: keyId }));
  await assert.rejects(client(b).send(new DecryptCommand({ CiphertextBlob: late.CiphertextBlob })), { name: 'DisabledException' });
});

test('the SSE-S3 master key rotated while a process runs: objects another process seals under the new version read back through the first (it reloads the KMS internal key)', async () => {
  const bucket = bucketName('two-procs');
  const sa = s3Client(a);
  const sb = s3Client(b);
  let c: TestServer | undefined;
  try {
    await sa.send(new CreateBucketCommand({ Bucket: bucket }));
    const early = randomBytes(40_000);
    await sa.send(new PutObjectCommand({ Bucket: bucket, Key: 'early', Body: early }));
    // B reads first, so it holds only the versions there were before the rotation.
    assert.ok(Buffer.from(await (await sb.send(new GetObjectCommand({ Bucket: bucket, Key: 'early' }))).Body!.transformToByteArray()).equals(early));
    const rotate = await strongroomCommand(['keys', 'rotate', '--data', a.dataDir]);
    assert.equal(rotate.code, 0, rotate.stderr);
    // A third process starts after the rotation and seals under the new version.
    c = await startServer({ dataDir: a.dataDir });
    const sc = s3Client(c);
    const late = randomBytes(40_000);
    const small = randomBytes(100);
    try {
      await sc.send(new PutObjectCommand({ Bucket: bucket, Key: 'late', Body: late }));
      await sc.send(new PutObjectCommand({ Bucket: bucket, Key: 'late-small', Body: small }));
    } finally {
      sc.destroy();
    }
    const version = (key: string) => Envelope.prototype.describeSealedKey.call(undefined, objectParts(a.dataDir, bucket, key)[0]!.sealed_key).masterKeyVersion;
    assert.equal(version('late'), 2);
    assert.equal(version('early'), 1);
    for (const [key, body] of [['late', late], ['late-small', small], ['early', early]] as const) {
      const got = await sb.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), `B reads ${key}`);
    }
  } finally {
    sa.destroy();
    sb.destroy();
    await c?.stop({ remove: false });
  }
});
