/** SSE-KMS through an external KMS: a second Strongroom process is the KMS (its KMS API), the first one is started with --kms-endpoint; `aws s3 cp --sse aws:kms` round trip through the first, and a key disabled on the external KMS makes the GET answer 400 KMS.DisabledException. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI, awsOk } from '../helpers/python-tools.js';

let kmsServer: TestServer;
let s3Server: TestServer;
let s3: S3Client;
let externalKms: KMSClient;
const work = mkdtempSync(join(tmpdir(), 'strongroom-external-kms-'));
const bucket = bucketName('ext-kms');

const ok = (args: string[]): Promise<string> => awsOk(s3Server, args);

before(async () => {
  if (!HAS_AWS_CLI) return;
  kmsServer = await startServer();
  s3Server = await startServer({ args: ['--kms-endpoint', kmsServer.url, '--kms-access-key', TEST_ACCESS_KEY], env: { STRONGROOM_KMS_SECRET_ACCESS_KEY: TEST_SECRET_KEY } });
  s3 = s3Client(s3Server);
  externalKms = new KMSClient({ endpoint: kmsServer.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
  await ok(['s3', 'mb', `s3://${bucket}`]);
});
after(async () => {
  await s3Server?.stop();
  await kmsServer?.stop();
  rmSync(work, { recursive: true, force: true });
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

test('aws s3 cp --sse aws:kms --sse-kms-key-id <ARN of a key on the external KMS> stores through it and reads back identical bytes; the key disabled there makes the GET 400 KMS.DisabledException; enabled again, readable', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const key = (await externalKms.send(new CreateKeyCommand({ Description: 'external for S3' }))).KeyMetadata!;
  const src = join(work, 'up.bin');
  writeFileSync(src, randomBytes(6 * 1024 * 1024 + 77));
  await ok(['s3', 'cp', src, `s3://${bucket}/ext.bin`, '--sse', 'aws:kms', '--sse-kms-key-id', key.Arn!, '--only-show-errors']);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'ext.bin' }));
  assert.equal(head.ServerSideEncryption, 'aws:kms');
  assert.equal(head.SSEKMSKeyId, key.Arn);
  const down = join(work, 'down.bin');
  await ok(['s3', 'cp', `s3://${bucket}/ext.bin`, down, '--only-show-errors']);
  assert.equal(sha256(down), sha256(src));
  // The key lives only on the external KMS: the first server's own KMS has no such key.
  const ownKeys = await new KMSClient({ endpoint: s3Server.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 }).send(new ListKeysCommand({ Limit: 1000 }));
  assert.ok(!(ownKeys.Keys ?? []).some((k) => k.KeyId === key.KeyId), 'the key is not one of the first server\'s own keys');

  await externalKms.send(new DisableKeyCommand({ KeyId: key.KeyId! }));
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ext.bin' })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, 'KMS.DisabledException', e.message);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    return true;
  });
  const cli = await aws(s3Server, ['s3api', 'get-object', '--bucket', bucket, '--key', 'ext.bin', join(work, 'x.bin')]);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /KMS\.DisabledException/);

  await externalKms.send(new EnableKeyCommand({ KeyId: key.KeyId! }));
  await ok(['s3', 'cp', `s3://${bucket}/ext.bin`, down, '--only-show-errors']);
  assert.equal(sha256(down), sha256(src));
});
