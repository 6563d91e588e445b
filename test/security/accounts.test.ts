/** Two accounts on one server (the second added offline with `strongroom accounts add`): neither sees, reads, lists, copies or deletes the other's buckets; secrets sealed at rest. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand,
  ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { startServer, TEST_REGION, type TestServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { filesContaining, strongroomCommand } from '../helpers/data-dir.js';
import { queryRequest } from '../helpers/query-request.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';

const work = mkdtempSync(join(tmpdir(), 'strongroom-accounts-'));
const keyFile = join(work, 'root.key');
const dataDir = join(work, 'data');
const FIXED = { accessKey: 'AKIASECONDACCOUNT001', secretKey: `second-secret-${randomBytes(12).toString('hex')}`, canonicalId: 'ab'.repeat(32) };
const first = bucketName('first');
const second = bucketName('second');
const body = Buffer.from('first account data');

let server: TestServer;
let one: S3Client;
let two: S3Client;
let generated: { id: string; secret: string };

function client(accessKeyId: string, secretAccessKey: string, url = server.url): S3Client {
  return new S3Client({ endpoint: url, region: TEST_REGION, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

async function refused(p: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof S3ServiceException, String(e));
    assert.equal(e.name, code);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

const root = (args: string[]) => strongroomCommand([...args, '--data', dataDir, '--root-key-file', keyFile]);

before(async () => {
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  // The first start makes the data directory (and the first account); then the server is stopped.
  const boot = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
  const s3 = client('AKIASTRONGROOMTEST01', 'strongroom-test-secret-key-0123456789abcd', boot.url);
  await s3.send(new CreateBucketCommand({ Bucket: first }));
  await s3.send(new PutObjectCommand({ Bucket: first, Key: 'secret.txt', Body: body }));
  s3.destroy();
  await boot.stop({ remove: false });

  const fixed = await root(['accounts', 'add', 'tenant-b', '--access-key', FIXED.accessKey, '--secret-key', FIXED.secretKey, '--canonical-id', FIXED.canonicalId, '--display-name', 'Tenant B', '--email', 'b@example.com']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.ok(!fixed.stdout.includes(FIXED.secretKey), 'a secret given on the command line is not echoed');
  const gen = await root(['accounts', 'add', 'tenant-c']);
  assert.equal(gen.code, 0, gen.stderr);
  generated = { id: /AWS_ACCESS_KEY_ID=(\S+)/.exec(gen.stdout)![1]!, secret: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(gen.stdout)![1]! };

  server = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
  one = client('AKIASTRONGROOMTEST01', 'strongroom-test-secret-key-0123456789abcd');
  two = client(FIXED.accessKey, FIXED.secretKey);
  await two.send(new CreateBucketCommand({ Bucket: second }));
});

after(async () => {
  one?.destroy();
  two?.destroy();
  await server?.stop({ remove: false });
  rmSync(work, { recursive: true, force: true });
});

test('the second account sees only its own buckets, under its own canonical id and display name', async () => {
  const mine = await two.send(new ListBucketsCommand({}));
  assert.deepEqual(mine.Buckets?.map((b) => b.Name), [second]);
  assert.deepEqual(mine.Owner, { ID: FIXED.canonicalId, DisplayName: 'Tenant B' });
  const theirs = await one.send(new ListBucketsCommand({}));
  assert.deepEqual(theirs.Buckets?.map((b) => b.Name), [first]);
  assert.notEqual(theirs.Owner?.ID, FIXED.canonicalId);
});

test('the second account cannot read, list, head, write, copy from or delete the first account\'s bucket: 403 AccessDenied, nothing changed', async () => {
  await refused(two.send(new GetObjectCommand({ Bucket: first, Key: 'secret.txt' })), 'AccessDenied', 403);
  await refused(two.send(new ListObjectsV2Command({ Bucket: first })), 'AccessDenied', 403);
  await assert.rejects(two.send(new HeadBucketCommand({ Bucket: first })), (e: S3ServiceException) => e.$metadata.httpStatusCode === 403);
  await refused(two.send(new PutObjectCommand({ Bucket: first, Key: 'planted', Body: 'x' })), 'AccessDenied', 403);
  await refused(two.send(new DeleteObjectCommand({ Bucket: first, Key: 'secret.txt' })), 'AccessDenied', 403);
  await refused(two.send(new DeleteObjectsCommand({ Bucket: first, Delete: { Objects: [{ Key: 'secret.txt' }] } })), 'AccessDenied', 403);
  await refused(two.send(new DeleteBucketCommand({ Bucket: first })), 'AccessDenied', 403);
  // A copy into its own bucket reads the other account's object: the source side is authorized too.
  await refused(two.send(new CopyObjectCommand({ Bucket: second, Key: 'stolen', CopySource: `${first}/secret.txt` })), 'AccessDenied', 403);
  await refused(two.send(new GetObjectCommand({ Bucket: second, Key: 'stolen' })), 'NoSuchKey', 404);
  const still = await one.send(new GetObjectCommand({ Bucket: first, Key: 'secret.txt' }));
  assert.ok(Buffer.from(await still.Body!.transformToByteArray()).equals(body));
  assert.deepEqual((await one.send(new ListObjectsV2Command({ Bucket: first }))).Contents?.map((o) => o.Key), ['secret.txt']);
});

test('a POST form signed by the second account is refused on the first account\'s bucket (403 AccessDenied, nothing stored) and accepted on its own', async () => {
  const keys = { accessKey: FIXED.accessKey, secretKey: FIXED.secretKey };
  const theirs = signedFields(first, [{ key: 'posted.txt' }], { key: 'posted.txt' }, 60_000, keys);
  const refusedPost = await postForm(`${server.url}/${first}`, formBody(theirs, 'planted'));
  assert.equal(refusedPost.status, 403, refusedPost.body);
  assert.match(refusedPost.body, /<Code>AccessDenied<\/Code>/);
  await refused(one.send(new GetObjectCommand({ Bucket: first, Key: 'posted.txt' })), 'NoSuchKey', 404);
  const own = signedFields(second, [{ key: 'posted.txt' }], { key: 'posted.txt' }, 60_000, keys);
  const accepted = await postForm(`${server.url}/${second}`, formBody(own, 'mine'));
  assert.equal(accepted.status, 204, accepted.body);
});

test('bucket names are global: creating another account\'s bucket is 409 BucketAlreadyExists; a missing bucket is still NoSuchBucket', async () => {
  await refused(two.send(new CreateBucketCommand({ Bucket: first })), 'BucketAlreadyExists', 409);
  await refused(one.send(new CreateBucketCommand({ Bucket: second })), 'BucketAlreadyExists', 409);
  await refused(two.send(new ListObjectsV2Command({ Bucket: bucketName('nowhere') })), 'NoSuchBucket', 404);
});

test('the first account is just as shut out of the second\'s bucket', async () => {
  await two.send(new PutObjectCommand({ Bucket: second, Key: 'b.txt', Body: 'b' }));
  await refused(one.send(new GetObjectCommand({ Bucket: second, Key: 'b.txt' })), 'AccessDenied', 403);
  await refused(one.send(new DeleteBucketCommand({ Bucket: second })), 'AccessDenied', 403);
});

test('a generated account root key works and get-caller-identity names that account\'s root', async () => {
  const r = await queryRequest(server.url, { service: 'sts', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, accessKey: generated.id, secretKey: generated.secret });
  assert.equal(r.status, 200, r.body);
  const account = /<Account>(\d{12})<\/Account>/.exec(r.body)![1]!;
  assert.match(r.body, new RegExp(`<Arn>arn:aws:iam::${account}:root</Arn>`));
  const c = client(generated.id, generated.secret);
  try {
    assert.deepEqual((await c.send(new ListBucketsCommand({}))).Buckets ?? [], []);
  } finally {
    c.destroy();
  }
});

test('account secrets and IAM user secrets are not in the clear anywhere in the data directory', async () => {
  const created = await queryRequest(server.url, { service: 'iam', params: { Action: 'CreateUser', Version: '2010-05-08', UserName: 'u1' }, accessKey: FIXED.accessKey, secretKey: FIXED.secretKey });
  assert.equal(created.status, 200, created.body);
  const key = await queryRequest(server.url, { service: 'iam', params: { Action: 'CreateAccessKey', Version: '2010-05-08', UserName: 'u1' }, accessKey: FIXED.accessKey, secretKey: FIXED.secretKey });
  const userSecret = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(key.body)![1]!;
  await server.stop({ remove: false });
  for (const secret of [FIXED.secretKey, generated.secret, userSecret]) {
    for (const needle of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
      assert.deepEqual(filesContaining(dataDir, Buffer.from(needle)), [], `a secret is at rest as ${needle}`);
    }
  }
  server = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
});

test('accounts list shows every account; accounts remove refuses an account that owns buckets and the first account, and removes an empty one with its keys', async () => {
  await server.stop({ remove: false });
  const list = await root(['accounts', 'list']);
  assert.equal(list.code, 0, list.stderr);
  const names = list.stdout.trim().split('\n').map((l) => l.split('\t')[0]);
  assert.deepEqual(names, ['default', 'tenant-b', 'tenant-c']);
  assert.match(list.stdout, new RegExp(`tenant-b\\t\\d{12}\\t${FIXED.canonicalId}\\tTenant B\\tb@example.com\\t${FIXED.accessKey}`));
  assert.ok(!list.stdout.includes(FIXED.secretKey));
  const busy = await root(['accounts', 'remove', 'tenant-b']);
  assert.notEqual(busy.code, 0);
  assert.match(busy.stderr, /owns 1 bucket/);
  const primary = await root(['accounts', 'remove', 'default']);
  assert.notEqual(primary.code, 0);
  const dup = await root(['accounts', 'add', 'tenant-b']);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /exists already/);
  const removed = await root(['accounts', 'remove', 'tenant-c']);
  assert.equal(removed.code, 0, removed.stderr);
  server = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
  const r = await queryRequest(server.url, { service: 'sts', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, accessKey: generated.id, secretKey: generated.secret });
  assert.equal(r.status, 403);
  assert.match(r.body, /<Code>InvalidClientTokenId<\/Code>/);
});
