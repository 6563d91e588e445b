/** Root credentials at rest: sealed by the root key, printed once, and useless in a copy of the data dir without that key. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startServer, TEST_REGION, type TestServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { filesContaining } from '../helpers/data-dir.js';

const work = mkdtempSync(join(tmpdir(), 'strongroom-creds-'));
const keyFile = join(work, 'root.key');
const attackerKeyFile = join(work, 'attacker.key');
/** Credentials unset in the environment: the server generates its own. */
const NO_ENV_CREDS = { STRONGROOM_ROOT_ACCESS_KEY: '', STRONGROOM_ROOT_SECRET_KEY: '' };

before(() => {
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  writeFileSync(attackerKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
});
after(() => rmSync(work, { recursive: true, force: true }));

function client(server: TestServer, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({ endpoint: server.url, region: TEST_REGION, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

function printed(stdout: string): { accessKeyId: string; secretAccessKey: string | undefined } {
  const id = /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)?.[1];
  assert.ok(id, `no access key id printed:\n${stdout}`);
  return { accessKeyId: id, secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)?.[1] };
}

test('generated credentials: printed once, sealed at rest; a copy of the data dir without the root key gives no credential and no object', async () => {
  const dataDir = join(work, 'data');
  const bucket = bucketName('creds');
  const body = Buffer.from(`plaintext-marker-${randomBytes(8).toString('hex')}`);
  const first = await startServer({ dataDir, args: ['--root-key-file', keyFile], env: NO_ENV_CREDS });
  const creds = printed(first.stdout());
  assert.ok(creds.secretAccessKey, 'the start that generated the credentials prints the secret');
  const s3 = client(first, creds.accessKeyId, creds.secretAccessKey);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: body }));
  s3.destroy();
  await first.stop({ remove: false });

  // A later start does not print the secret again, and the stored credential still works.
  const second = await startServer({ dataDir, args: ['--root-key-file', keyFile], env: NO_ENV_CREDS });
  const s3again = client(second, creds.accessKeyId, creds.secretAccessKey);
  try {
    assert.ok(!second.stdout().includes(creds.secretAccessKey), 'a later start printed the secret again');
    assert.equal(printed(second.stdout()).accessKeyId, creds.accessKeyId);
    const got = await s3again.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  } finally {
    s3again.destroy();
    await second.stop({ remove: false });
  }

  // The thief's copy: no file holds the secret (in any encoding we could think of), nor the plaintext.
  const copy = join(work, 'stolen');
  cpSync(dataDir, copy, { recursive: true });
  for (const needle of [creds.secretAccessKey, Buffer.from(creds.secretAccessKey).toString('base64'), Buffer.from(creds.secretAccessKey).toString('hex')]) {
    assert.deepEqual(filesContaining(copy, Buffer.from(needle)), [], `secret found at rest as ${needle}`);
  }
  assert.deepEqual(filesContaining(copy, body), []);
  assert.ok(!existsSync(join(copy, 'root-credentials.json')));
  // Started without the root key (or with the thief's own), the copy serves nothing at all.
  await assert.rejects(startServer({ dataDir: copy, env: NO_ENV_CREDS }), /root key/i);
  await assert.rejects(startServer({ dataDir: copy, args: ['--root-key-file', attackerKeyFile], env: NO_ENV_CREDS }), /root key/i);
  assert.ok(!existsSync(join(copy, 'root.key')), 'a refused start generated a root key in the copy');
});

test('credentials from the environment are never printed nor stored', async () => {
  const dataDir = join(work, 'data-env');
  const secret = `env-secret-${randomBytes(12).toString('hex')}`;
  const server = await startServer({ dataDir, args: ['--root-key-file', keyFile], env: { STRONGROOM_ROOT_ACCESS_KEY: 'AKIAENVROOT000000001', STRONGROOM_ROOT_SECRET_KEY: secret } });
  try {
    assert.equal(printed(server.stdout()).accessKeyId, 'AKIAENVROOT000000001');
    assert.ok(!server.stdout().includes(secret), 'the secret from the environment was printed');
    assert.ok(!server.stderr().includes(secret));
  } finally {
    await server.stop({ remove: false });
  }
  assert.deepEqual(filesContaining(dataDir, Buffer.from(secret)), []);
});

test('migration: a clear root-credentials.json left by an older version is sealed and removed on start', async () => {
  const dataDir = join(work, 'data-old');
  const first = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
  await first.stop({ remove: false });
  const old = { accessKeyId: 'SROLDCREDENTIALS0001', secretAccessKey: `old-secret-${randomBytes(12).toString('hex')}` };
  writeFileSync(join(dataDir, 'root-credentials.json'), JSON.stringify(old, null, 2) + '\n', { mode: 0o600 });
  const server = await startServer({ dataDir, args: ['--root-key-file', keyFile], env: NO_ENV_CREDS });
  const s3 = client(server, old.accessKeyId, old.secretAccessKey);
  try {
    assert.ok(!existsSync(join(dataDir, 'root-credentials.json')), 'the clear file is still there');
    assert.ok(!server.stdout().includes(old.secretAccessKey), 'a migrated secret was printed');
    assert.equal(printed(server.stdout()).accessKeyId, old.accessKeyId);
    await s3.send(new CreateBucketCommand({ Bucket: bucketName('migrated') }));
  } finally {
    s3.destroy();
    await server.stop({ remove: false });
  }
  assert.deepEqual(filesContaining(dataDir, Buffer.from(old.secretAccessKey)), []);
});
