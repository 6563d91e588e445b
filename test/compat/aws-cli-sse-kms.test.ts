/** The aws CLI, unchanged, managing keys with `aws kms` and using them with `aws s3 cp --sse aws:kms`: the round trip and the key states of the Must-show list. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI, awsOk } from '../helpers/python-tools.js';

let server: TestServer;
const work = mkdtempSync(join(tmpdir(), 'strongroom-cli-sse-kms-'));
const bucket = bucketName('cli-kms');

const ok = (args: string[]): Promise<string> => awsOk(server, args);

before(async () => {
  if (!HAS_AWS_CLI) return;
  server = await startServer();
  await ok(['s3', 'mb', `s3://${bucket}`]);
});
after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

test('aws kms create-key → create-alias → aws s3 cp --sse aws:kms --sse-kms-key-id alias/… → s3api head-object shows the key ARN → cp back identical; disable-key → KMS.DisabledException; enable-key → readable; schedule-key-deletion → KMS.KMSInvalidStateException', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const key = JSON.parse(await ok(['kms', 'create-key', '--description', 'cli round trip'])).KeyMetadata;
  await ok(['kms', 'create-alias', '--alias-name', 'alias/cli-round-trip', '--target-key-id', key.KeyId]);
  const src = join(work, 'up.bin');
  writeFileSync(src, randomBytes(9 * 1024 * 1024 + 123));
  await ok(['s3', 'cp', src, `s3://${bucket}/doc.bin`, '--sse', 'aws:kms', '--sse-kms-key-id', 'alias/cli-round-trip', '--only-show-errors']);
  const head = JSON.parse(await ok(['s3api', 'head-object', '--bucket', bucket, '--key', 'doc.bin']));
  assert.equal(head.ServerSideEncryption, 'aws:kms');
  assert.equal(head.SSEKMSKeyId, key.Arn);
  const down = join(work, 'down.bin');
  await ok(['s3', 'cp', `s3://${bucket}/doc.bin`, down, '--only-show-errors']);
  assert.equal(sha256(down), sha256(src));

  await ok(['kms', 'disable-key', '--key-id', key.KeyId]);
  const disabled = await aws(server, ['s3api', 'get-object', '--bucket', bucket, '--key', 'doc.bin', join(work, 'x.bin')]);
  assert.notEqual(disabled.code, 0);
  assert.match(disabled.stderr, /KMS\.DisabledException/);
  assert.ok(disabled.stderr.includes(`${key.Arn} is disabled.`), disabled.stderr);
  await ok(['kms', 'enable-key', '--key-id', key.KeyId]);
  await ok(['s3', 'cp', `s3://${bucket}/doc.bin`, down, '--only-show-errors']);
  assert.equal(sha256(down), sha256(src));
  await ok(['kms', 'schedule-key-deletion', '--key-id', key.KeyId, '--pending-window-in-days', '7']);
  const pending = await aws(server, ['s3api', 'get-object', '--bucket', bucket, '--key', 'doc.bin', join(work, 'y.bin')]);
  assert.notEqual(pending.code, 0);
  assert.match(pending.stderr, /KMS\.KMSInvalidStateException/);
});
