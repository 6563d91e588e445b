/** The external KMS client (--kms-endpoint) against moto's KMS and against a second Strongroom's KMS API: GenerateDataKey then Decrypt, SigV4-signed by kms/, exceptions mapped to KMS codes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ExternalKmsClient } from '../../src/kms/external-kms-client.js';
import { systemClock } from '../../src/common/clock.js';
import { jsonRequest } from '../helpers/json-request.js';
import { startServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';

const MOTO_MISSING = 'moto is not installed on this machine (pip install "moto[server]")';
const HAS_MOTO = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;

let moto: ChildProcess | undefined;
let motoUrl = '';
let second: TestServer;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

before(async () => {
  second = await startServer();
  if (!HAS_MOTO) return;
  const port = await freePort();
  moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  motoUrl = `http://127.0.0.1:${port}`;
  await waitUp(motoUrl);
});
after(async () => {
  moto?.kill();
  await second?.stop();
});

const context = { 'aws:s3:arn': 'arn:aws:s3:::bucket/object' };

test('against moto: GenerateDataKey with no key id (moto\'s alias/aws/s3) and Decrypt return the same 256-bit key; an unknown key is NotFoundException', async (t) => {
  if (!HAS_MOTO) return t.skip(MOTO_MISSING);
  const client = new ExternalKmsClient({ endpoint: motoUrl, region: 'us-east-1', accessKeyId: 'testing', secretAccessKey: 'testing' }, systemClock);
  const made = await client.generateDataKey({ caller: undefined, context, requestId: 'R', keyId: undefined });
  assert.equal(made.plaintext.length, 32);
  const opened = await client.decrypt({ caller: undefined, context, requestId: 'R', ciphertextBlob: made.ciphertextBlob });
  assert.ok(opened.plaintext.reveal().equals(made.plaintext.reveal()));
  const sdk = new KMSClient({ endpoint: motoUrl, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const keyId = (await sdk.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const own = await client.generateDataKey({ caller: undefined, context, requestId: 'R', keyId });
  assert.match(own.keyArn, new RegExp(`key/${keyId}$`));
  // moto does not enforce key states (a disabled key still answers), so the mapped exception checked here is NotFoundException.
  await assert.rejects(client.generateDataKey({ caller: undefined, context, requestId: 'R', keyId: '11111111-2222-4333-8444-555555555555' }), { code: 'NotFoundException' });
});

test('against a second Strongroom process: GenerateDataKey and Decrypt through its KMS API; a wrong context is InvalidCiphertextException, unknown credentials UnrecognizedClientException', async () => {
  const client = new ExternalKmsClient({ endpoint: second.url, region: 'us-east-1', accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, systemClock);
  const sdk = new KMSClient({ endpoint: second.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY } });
  const key = (await sdk.send(new CreateKeyCommand({}))).KeyMetadata!;
  const made = await client.generateDataKey({ caller: undefined, context, requestId: 'R', keyId: key.KeyId });
  assert.equal(made.keyArn, key.Arn);
  const opened = await client.decrypt({ caller: undefined, context, requestId: 'R', ciphertextBlob: made.ciphertextBlob });
  assert.equal(opened.keyArn, key.Arn);
  assert.ok(opened.plaintext.reveal().equals(made.plaintext.reveal()));
  await assert.rejects(client.decrypt({ caller: undefined, context: { other: 'x' }, requestId: 'R', ciphertextBlob: made.ciphertextBlob }), { code: 'InvalidCiphertextException' });
  const stranger = new ExternalKmsClient({ endpoint: second.url, region: 'us-east-1', accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'x' }, systemClock);
  await assert.rejects(stranger.generateDataKey({ caller: undefined, context, requestId: 'R', keyId: key.KeyId }), { code: 'UnrecognizedClientException' });
  // The second process saw the calls as its own KMS calls (audited in its trail).
  const r = await jsonRequest(second.url, {
    service: 'cloudtrail', target: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
    input: { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: key.Arn }] },
  });
  assert.ok((JSON.parse(r.body) as { Events: Array<{ EventName: string }> }).Events.some((e) => e.EventName === 'GenerateDataKey'), r.body);
});

test('a server started with --kms-endpoint and its credentials starts; without credentials it refuses to start', async () => {
  const withKms = await startServer({ args: ['--kms-endpoint', second.url, '--kms-access-key', TEST_ACCESS_KEY], env: { STRONGROOM_KMS_SECRET_ACCESS_KEY: TEST_SECRET_KEY } });
  await withKms.stop();
  await assert.rejects(startServer({ args: ['--kms-endpoint', second.url] }), /needs credentials/);
});
