/** The aws CLI, unchanged, against Strongroom: s3 mb/cp/sync/ls/rm/rb and s3api calls with their JSON checked. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI, awsOk } from '../helpers/python-tools.js';

let server: TestServer;
const work = mkdtempSync(join(tmpdir(), 'strongroom-cli-'));
const bucket = bucketName('cli');

function ok(args: string[], cwd?: string): Promise<string> {
  const quiet = args[0] === 's3' && ['cp', 'sync', 'rm'].includes(args[1]!) ? ['--only-show-errors'] : [];
  return awsOk(server, [...args, ...quiet], { cwd });
}

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

test('cp up and down: a small file and a 40 MiB file (multipart with CLI defaults)', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  for (const [name, size] of [['small.bin', 1234], ['big.bin', 40 * 1024 * 1024]] as const) {
    const src = join(work, name);
    writeFileSync(src, randomBytes(size));
    await ok(['s3', 'cp', src, `s3://${bucket}/${name}`]);
    await ok(['s3', 'cp', `s3://${bucket}/${name}`, `${src}.back`]);
    assert.equal(sha256(`${src}.back`), sha256(src), name);
  }
  const head = JSON.parse(await ok(['s3api', 'head-object', '--bucket', bucket, '--key', 'big.bin', '--output', 'json'])) as Record<string, unknown>;
  assert.equal(head['ServerSideEncryption'], 'AES256');
  assert.equal(head['ContentLength'], 40 * 1024 * 1024);
  assert.match(String(head['ETag']), /^"[0-9a-f]{32}-5"$/);
});

test('sync of 1,000 small files, ls --recursive lists exactly them, rm --recursive removes them', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const tree = join(work, 'tree');
  const expected = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const dir = join(tree, `d${i % 10}`, `e ${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const name = `file+${i}%.txt`;
    writeFileSync(join(dir, name), `content ${i}\n`);
    expected.add(`tree/d${i % 10}/e ${i % 7}/${name}`);
  }
  await ok(['s3', 'sync', tree, `s3://${bucket}/tree`]);
  const listed = (await ok(['s3', 'ls', '--recursive', `s3://${bucket}/tree/`]))
    .split('\n').filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^\S+\s+\S+\s+\d+\s/, ''));
  assert.equal(listed.length, 1000);
  assert.deepEqual(new Set(listed), expected);
  // A second sync has nothing to do.
  const again = await aws(server, ['s3', 'sync', tree, `s3://${bucket}/tree`]);
  assert.equal(again.stdout.trim(), '');
  await ok(['s3', 'rm', '--recursive', `s3://${bucket}/tree`]);
  const left = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'tree/', '--output', 'json']) || '{}') as { KeyCount?: number };
  assert.equal(left.KeyCount ?? 0, 0);
});

test('s3api put-object / get-object / list-objects-v2 / delete-object', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const src = join(work, 'api.txt');
  writeFileSync(src, 'hello api');
  const put = JSON.parse(await ok(['s3api', 'put-object', '--bucket', bucket, '--key', 'api/x.txt', '--body', src, '--metadata', 'color=blue', '--output', 'json'])) as Record<string, string>;
  assert.equal(put['ServerSideEncryption'], 'AES256');
  assert.equal(put['ETag'], `"${createHash('md5').update('hello api').digest('hex')}"`);
  const got = JSON.parse(await ok(['s3api', 'get-object', '--bucket', bucket, '--key', 'api/x.txt', join(work, 'api.back'), '--output', 'json'])) as { Metadata: Record<string, string>; ServerSideEncryption: string };
  assert.deepEqual(got.Metadata, { color: 'blue' });
  assert.equal(got.ServerSideEncryption, 'AES256');
  assert.equal(readFileSync(join(work, 'api.back'), 'utf8'), 'hello api');
  const list = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', 'api/', '--output', 'json'])) as { Contents: Array<{ Key: string; Size: number }> };
  assert.deepEqual(list.Contents.map((c) => [c.Key, c.Size]), [['api/x.txt', 9]]);
  await ok(['s3api', 'delete-object', '--bucket', bucket, '--key', 'api/x.txt']);
  const head = await aws(server, ['s3api', 'head-object', '--bucket', bucket, '--key', 'api/x.txt']);
  assert.notEqual(head.code, 0);
  assert.match(head.stderr, /404|Not Found/);
});

test('create-bucket on a bucket you own succeeds in us-east-1, as S3 answers there; rb removes an empty bucket', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const r = await aws(server, ['s3api', 'create-bucket', '--bucket', bucket]);
  assert.equal(r.code, 0, r.stderr);
  const other = bucketName('rb');
  await ok(['s3', 'mb', `s3://${other}`]);
  await ok(['s3', 'rb', `s3://${other}`]);
  const ls = await ok(['s3', 'ls']);
  assert.ok(!ls.includes(other));
});
