/** The aws CLI, unchanged, against Strongroom's KMS on the same endpoint: create-key → create-alias → describe-key by alias → generate-data-key → decrypt; disable → DisabledException; enable; schedule deletion → KMSInvalidStateException; cancel. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI, type RunResult, awsJson } from '../helpers/python-tools.js';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'strongroom-cli-kms-'));

const ok = (args: string[]): Promise<Record<string, unknown>> => awsJson(server, args);

function failedWith(r: RunResult, code: string, message?: RegExp): void {
  assert.notEqual(r.code, 0, `expected ${code}, got success: ${r.stdout}`);
  assert.match(r.stderr, new RegExp(`\\(${code}\\)`), r.stderr);
  if (message) assert.match(r.stderr, message);
}

before(async () => { if (HAS_AWS_CLI) server = await startServer(); });
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('aws kms create-key, create-alias, describe-key by alias, generate-data-key, decrypt; disable-key → DisabledException; enable-key; schedule-key-deletion → KMSInvalidStateException; cancel-key-deletion', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const created = (await ok(['kms', 'create-key', '--description', 'cli round trip', '--tags', 'TagKey=team,TagValue=vault'])).KeyMetadata as Record<string, unknown>;
  const keyId = String(created['KeyId']);
  const arn = String(created['Arn']);
  assert.match(keyId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(arn, new RegExp(`^arn:aws:kms:us-east-1:\\d{12}:key/${keyId}$`));
  assert.equal(created['KeyState'], 'Enabled');
  assert.equal(created['KeySpec'], 'SYMMETRIC_DEFAULT');
  assert.equal(created['KeyUsage'], 'ENCRYPT_DECRYPT');
  assert.equal(created['KeyManager'], 'CUSTOMER');

  await ok(['kms', 'create-alias', '--alias-name', 'alias/cli-vault', '--target-key-id', keyId]);
  const described = (await ok(['kms', 'describe-key', '--key-id', 'alias/cli-vault'])).KeyMetadata as Record<string, unknown>;
  assert.equal(described['Arn'], arn);
  assert.equal(described['Description'], 'cli round trip');

  const dataKey = await ok(['kms', 'generate-data-key', '--key-id', 'alias/cli-vault', '--key-spec', 'AES_256', '--encryption-context', 'purpose=cli']);
  assert.equal(dataKey['KeyId'], arn);
  const plaintext = Buffer.from(String(dataKey['Plaintext']), 'base64');
  assert.equal(plaintext.length, 32);
  const blobFile = join(dir, 'blob');
  writeFileSync(blobFile, Buffer.from(String(dataKey['CiphertextBlob']), 'base64'));
  const decrypted = await ok(['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=cli']);
  assert.equal(decrypted['KeyId'], arn);
  assert.ok(Buffer.from(String(decrypted['Plaintext']), 'base64').equals(plaintext), 'decrypt returns the data key generate-data-key made');
  failedWith(await aws(server, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=other']), 'InvalidCiphertextException');

  await ok(['kms', 'disable-key', '--key-id', keyId]);
  failedWith(await aws(server, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=cli']), 'DisabledException', new RegExp(`${arn} is disabled\\.`));
  failedWith(await aws(server, ['kms', 'generate-data-key', '--key-id', keyId, '--key-spec', 'AES_256']), 'DisabledException');
  await ok(['kms', 'enable-key', '--key-id', keyId]);
  assert.equal(((await ok(['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=cli'])).KeyId), arn);

  const scheduled = await ok(['kms', 'schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7']);
  assert.equal(scheduled['KeyState'], 'PendingDeletion');
  assert.equal(scheduled['PendingWindowInDays'], 7);
  failedWith(await aws(server, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=cli']), 'KMSInvalidStateException', new RegExp(`${arn} is pending deletion\\.`));
  failedWith(await aws(server, ['kms', 'schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '6']), 'ValidationException');
  await ok(['kms', 'cancel-key-deletion', '--key-id', keyId]);
  // A cancelled deletion leaves the key Disabled, as KMS does.
  assert.equal(((await ok(['kms', 'describe-key', '--key-id', keyId])).KeyMetadata as Record<string, unknown>)['KeyState'], 'Disabled');
  await ok(['kms', 'enable-key', '--key-id', keyId]);
  assert.equal(((await ok(['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--encryption-context', 'purpose=cli'])).KeyId), arn);
});

test('aws kms list-keys, list-aliases, encrypt, re-encrypt, rotation, tags and key policy through the CLI', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const a = String(((await ok(['kms', 'create-key'])).KeyMetadata as Record<string, unknown>)['KeyId']);
  const b = String(((await ok(['kms', 'create-key'])).KeyMetadata as Record<string, unknown>)['KeyId']);
  const keys = ((await ok(['kms', 'list-keys'])).Keys as Array<Record<string, string>>).map((k) => k['KeyId']);
  assert.ok(keys.includes(a) && keys.includes(b));
  await ok(['kms', 'create-alias', '--alias-name', 'alias/cli-a', '--target-key-id', a]);
  await ok(['kms', 'update-alias', '--alias-name', 'alias/cli-a', '--target-key-id', b]);
  const aliases = (await ok(['kms', 'list-aliases', '--key-id', b])).Aliases as Array<Record<string, string>>;
  assert.deepEqual(aliases.map((x) => x['AliasName']), ['alias/cli-a']);
  failedWith(await aws(server, ['kms', 'create-alias', '--alias-name', 'alias/cli-a', '--target-key-id', a]), 'AlreadyExistsException');
  await ok(['kms', 'delete-alias', '--alias-name', 'alias/cli-a']);
  failedWith(await aws(server, ['kms', 'describe-key', '--key-id', 'alias/cli-a']), 'NotFoundException');

  const plainFile = join(dir, 'plain');
  writeFileSync(plainFile, 'hello kms');
  const enc = await ok(['kms', 'encrypt', '--key-id', a, '--plaintext', `fileb://${plainFile}`]);
  const blobFile = join(dir, 'enc');
  writeFileSync(blobFile, Buffer.from(String(enc['CiphertextBlob']), 'base64'));
  const re = await ok(['kms', 're-encrypt', '--ciphertext-blob', `fileb://${blobFile}`, '--destination-key-id', b]);
  assert.match(String(re['KeyId']), new RegExp(`key/${b}$`));
  assert.match(String(re['SourceKeyId']), new RegExp(`key/${a}$`));

  await ok(['kms', 'enable-key-rotation', '--key-id', a, '--rotation-period-in-days', '90']);
  const status = await ok(['kms', 'get-key-rotation-status', '--key-id', a]);
  assert.equal(status['KeyRotationEnabled'], true);
  assert.equal(status['RotationPeriodInDays'], 90);
  await ok(['kms', 'rotate-key-on-demand', '--key-id', a]);
  const rotations = (await ok(['kms', 'list-key-rotations', '--key-id', a])).Rotations as Array<Record<string, string>>;
  assert.deepEqual(rotations.map((r) => r['RotationType']), ['ON_DEMAND']);
  // The blob sealed before the rotation still decrypts (old versions decrypt only).
  assert.equal(Buffer.from(String((await ok(['kms', 'decrypt', '--ciphertext-blob', `fileb://${blobFile}`])).Plaintext), 'base64').toString(), 'hello kms');
  await ok(['kms', 'disable-key-rotation', '--key-id', a]);
  assert.equal((await ok(['kms', 'get-key-rotation-status', '--key-id', a]))['KeyRotationEnabled'], false);

  await ok(['kms', 'tag-resource', '--key-id', a, '--tags', 'TagKey=env,TagValue=test', 'TagKey=owner,TagValue=me']);
  await ok(['kms', 'untag-resource', '--key-id', a, '--tag-keys', 'owner']);
  assert.deepEqual((await ok(['kms', 'list-resource-tags', '--key-id', a])).Tags, [{ TagKey: 'env', TagValue: 'test' }]);
  failedWith(await aws(server, ['kms', 'tag-resource', '--key-id', a, '--tags', 'TagKey=aws:x,TagValue=y']), 'TagException');

  assert.deepEqual((await ok(['kms', 'list-key-policies', '--key-id', a])).PolicyNames, ['default']);
  const policy = JSON.parse(String((await ok(['kms', 'get-key-policy', '--key-id', a, '--policy-name', 'default'])).Policy)) as { Statement: Array<{ Action: string }> };
  assert.equal(policy.Statement[0]!.Action, 'kms:*');
  failedWith(await aws(server, ['kms', 'put-key-policy', '--key-id', a, '--policy-name', 'default', '--policy', '{"nope"']), 'MalformedPolicyDocumentException');
  assert.equal(Buffer.from(String((await ok(['kms', 'generate-random', '--number-of-bytes', '24'])).Plaintext), 'base64').length, 24);
  failedWith(await aws(server, ['kms', 'sign', '--key-id', a, '--message', 'aGk=', '--signing-algorithm', 'RSASSA_PSS_SHA_256']), 'UnsupportedOperationException');
});
