/** The aws CLI, unchanged, against Strongroom's IAM and STS: users, access keys, inline policies, groups, get-caller-identity; a user without policies refused everywhere. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TEST_ACCESS_KEY, type TestServer } from '../helpers/start-server.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI, run, awsEnv, type RunResult, awsJson } from '../helpers/python-tools.js';
import { bucketName } from '../helpers/clients.js';

let server: TestServer;
const bucket = bucketName('cli-iam');

const ok = (args: string[]): Promise<Record<string, unknown>> => awsJson(server, args);

/** Runs the CLI with another identity's keys. */
function as(keys: { id: string; secret: string }, args: string[]): Promise<RunResult> {
  return run('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], { ...awsEnv(server), AWS_ACCESS_KEY_ID: keys.id, AWS_SECRET_ACCESS_KEY: keys.secret });
}

/** The CLI's "An error occurred (Code) when calling …" for a failed call. */
function failedWith(r: RunResult, code: string): void {
  assert.notEqual(r.code, 0, `expected ${code}, got success: ${r.stdout}`);
  assert.match(r.stderr, new RegExp(`\\(${code}\\)`), r.stderr);
}

before(async () => {
  if (!HAS_AWS_CLI) return;
  server = await startServer();
  await ok(['s3api', 'create-bucket', '--bucket', bucket]);
});
after(async () => { await server?.stop(); });

const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }] };

test('aws iam create-user, create-access-key, put-user-policy, get-user-policy, list-users, list-access-keys; sts get-caller-identity with the new keys shows the user', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const root = await ok(['sts', 'get-caller-identity']);
  assert.match(String(root['Arn']), /^arn:aws:iam::\d{12}:root$/);
  const account = String(root['Account']);

  const created = (await ok(['iam', 'create-user', '--user-name', 'alice', '--path', '/team/'])).User as Record<string, string>;
  assert.equal(created['UserName'], 'alice');
  assert.equal(created['Arn'], `arn:aws:iam::${account}:user/team/alice`);
  assert.match(created['UserId']!, /^AIDA[A-Z2-7]{17}$/);

  const key = (await ok(['iam', 'create-access-key', '--user-name', 'alice'])).AccessKey as Record<string, string>;
  assert.match(key['AccessKeyId']!, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(key['SecretAccessKey']!.length, 40);
  assert.equal(key['Status'], 'Active');

  await ok(['iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'read', '--policy-document', JSON.stringify(POLICY)]);
  const got = await ok(['iam', 'get-user-policy', '--user-name', 'alice', '--policy-name', 'read']);
  // The CLI URL-decodes and parses the document IAM returns percent-encoded.
  assert.deepEqual(got['PolicyDocument'], POLICY);
  assert.deepEqual((await ok(['iam', 'list-user-policies', '--user-name', 'alice'])).PolicyNames, ['read']);

  const users = (await ok(['iam', 'list-users'])).Users as Array<Record<string, string>>;
  assert.deepEqual(users.map((u) => u['UserName']), ['alice']);
  const keys = (await ok(['iam', 'list-access-keys', '--user-name', 'alice'])).AccessKeyMetadata as Array<Record<string, string>>;
  assert.deepEqual(keys.map((k) => [k['AccessKeyId'], k['Status']]), [[key['AccessKeyId'], 'Active']]);
  assert.ok(!JSON.stringify(keys).includes(key['SecretAccessKey']!), 'list-access-keys shows no secret');

  const me = await as({ id: key['AccessKeyId']!, secret: key['SecretAccessKey']! }, ['sts', 'get-caller-identity']);
  assert.equal(me.code, 0, me.stderr);
  const identity = JSON.parse(me.stdout) as Record<string, string>;
  assert.deepEqual(identity, { UserId: created['UserId'], Account: account, Arn: `arn:aws:iam::${account}:user/team/alice` });
});

test('an IAM user with no policy is refused every S3 action and every IAM call', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  await ok(['iam', 'create-user', '--user-name', 'bob']);
  const key = (await ok(['iam', 'create-access-key', '--user-name', 'bob'])).AccessKey as Record<string, string>;
  const bob = { id: key['AccessKeyId']!, secret: key['SecretAccessKey']! };
  failedWith(await as(bob, ['s3api', 'list-buckets']), 'AccessDenied');
  failedWith(await as(bob, ['s3api', 'list-objects-v2', '--bucket', bucket]), 'AccessDenied');
  failedWith(await as(bob, ['s3api', 'put-object', '--bucket', bucket, '--key', 'x']), 'AccessDenied');
  failedWith(await as(bob, ['s3api', 'create-bucket', '--bucket', bucketName('bob')]), 'AccessDenied');
  failedWith(await as(bob, ['iam', 'list-users']), 'AccessDenied');
  failedWith(await as(bob, ['iam', 'create-access-key', '--user-name', 'bob']), 'AccessDenied');
  // The account root's own buckets stay usable.
  await ok(['s3api', 'list-objects-v2', '--bucket', bucket]);
});

test('update-access-key Inactive: the key is refused (InvalidClientTokenId on STS, InvalidAccessKeyId on S3); Active again works; delete-access-key: refused for good', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  await ok(['iam', 'create-user', '--user-name', 'carol']);
  const key = (await ok(['iam', 'create-access-key', '--user-name', 'carol'])).AccessKey as Record<string, string>;
  const carol = { id: key['AccessKeyId']!, secret: key['SecretAccessKey']! };
  assert.equal((await as(carol, ['sts', 'get-caller-identity'])).code, 0);

  await ok(['iam', 'update-access-key', '--user-name', 'carol', '--access-key-id', carol.id, '--status', 'Inactive']);
  failedWith(await as(carol, ['sts', 'get-caller-identity']), 'InvalidClientTokenId');
  failedWith(await as(carol, ['s3api', 'list-buckets']), 'InvalidAccessKeyId');
  assert.equal(((await ok(['iam', 'list-access-keys', '--user-name', 'carol'])).AccessKeyMetadata as Array<Record<string, string>>)[0]!['Status'], 'Inactive');

  await ok(['iam', 'update-access-key', '--user-name', 'carol', '--access-key-id', carol.id, '--status', 'Active']);
  assert.equal((await as(carol, ['sts', 'get-caller-identity'])).code, 0);

  await ok(['iam', 'delete-access-key', '--user-name', 'carol', '--access-key-id', carol.id]);
  failedWith(await as(carol, ['sts', 'get-caller-identity']), 'InvalidClientTokenId');
  failedWith(await as(carol, ['s3api', 'list-buckets']), 'InvalidAccessKeyId');
  failedWith(await aws(server, ['iam', 'delete-access-key', '--user-name', 'carol', '--access-key-id', carol.id]), 'NoSuchEntity');
});

test('IAM errors: EntityAlreadyExists, NoSuchEntity, LimitExceeded (third key), MalformedPolicyDocument, ValidationError, DeleteConflict, then delete-user once emptied', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  await ok(['iam', 'create-user', '--user-name', 'dave']);
  failedWith(await aws(server, ['iam', 'create-user', '--user-name', 'DAVE']), 'EntityAlreadyExists');
  failedWith(await aws(server, ['iam', 'get-user', '--user-name', 'nobody']), 'NoSuchEntity');
  failedWith(await aws(server, ['iam', 'create-access-key', '--user-name', 'nobody']), 'NoSuchEntity');
  failedWith(await aws(server, ['iam', 'create-user', '--user-name', 'bad/name']), 'ValidationError');
  const k1 = (await ok(['iam', 'create-access-key', '--user-name', 'dave'])).AccessKey as Record<string, string>;
  await ok(['iam', 'create-access-key', '--user-name', 'dave']);
  failedWith(await aws(server, ['iam', 'create-access-key', '--user-name', 'dave']), 'LimitExceeded');
  failedWith(await aws(server, ['iam', 'update-access-key', '--user-name', 'dave', '--access-key-id', k1['AccessKeyId']!, '--status', 'Sleeping']), 'ValidationError');
  for (const bad of ['not json', '{"Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}', '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}]}', '{"Version":"2012-10-17"}']) {
    failedWith(await aws(server, ['iam', 'put-user-policy', '--user-name', 'dave', '--policy-name', 'p', '--policy-document', bad]), 'MalformedPolicyDocument');
  }
  failedWith(await aws(server, ['iam', 'get-user-policy', '--user-name', 'dave', '--policy-name', 'p']), 'NoSuchEntity');
  await ok(['iam', 'put-user-policy', '--user-name', 'dave', '--policy-name', 'p', '--policy-document', JSON.stringify(POLICY)]);
  failedWith(await aws(server, ['iam', 'delete-user', '--user-name', 'dave']), 'DeleteConflict');
  await ok(['iam', 'delete-user-policy', '--user-name', 'dave', '--policy-name', 'p']);
  for (const k of (await ok(['iam', 'list-access-keys', '--user-name', 'dave'])).AccessKeyMetadata as Array<Record<string, string>>) {
    await ok(['iam', 'delete-access-key', '--user-name', 'dave', '--access-key-id', k['AccessKeyId']!]);
  }
  await ok(['iam', 'delete-user', '--user-name', 'dave']);
  failedWith(await aws(server, ['iam', 'get-user', '--user-name', 'dave']), 'NoSuchEntity');
});

test('groups: create-group, add-user-to-group, get-group, list-groups-for-user, put/get/list/delete-group-policy, remove-user-from-group, delete-group', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  await ok(['iam', 'create-user', '--user-name', 'erin']);
  const group = (await ok(['iam', 'create-group', '--group-name', 'readers'])).Group as Record<string, string>;
  assert.match(group['Arn']!, /^arn:aws:iam::\d{12}:group\/readers$/);
  failedWith(await aws(server, ['iam', 'create-group', '--group-name', 'readers']), 'EntityAlreadyExists');
  await ok(['iam', 'add-user-to-group', '--group-name', 'readers', '--user-name', 'erin']);
  const detail = await ok(['iam', 'get-group', '--group-name', 'readers']);
  assert.deepEqual((detail.Users as Array<Record<string, string>>).map((u) => u['UserName']), ['erin']);
  assert.deepEqual(((await ok(['iam', 'list-groups-for-user', '--user-name', 'erin'])).Groups as Array<Record<string, string>>).map((g) => g['GroupName']), ['readers']);
  assert.deepEqual(((await ok(['iam', 'list-groups'])).Groups as Array<Record<string, string>>).map((g) => g['GroupName']), ['readers']);
  await ok(['iam', 'put-group-policy', '--group-name', 'readers', '--policy-name', 'gp', '--policy-document', JSON.stringify(POLICY)]);
  assert.deepEqual((await ok(['iam', 'get-group-policy', '--group-name', 'readers', '--policy-name', 'gp'])).PolicyDocument, POLICY);
  assert.deepEqual((await ok(['iam', 'list-group-policies', '--group-name', 'readers'])).PolicyNames, ['gp']);
  failedWith(await aws(server, ['iam', 'delete-group', '--group-name', 'readers']), 'DeleteConflict');
  failedWith(await aws(server, ['iam', 'delete-user', '--user-name', 'erin']), 'DeleteConflict');
  await ok(['iam', 'delete-group-policy', '--group-name', 'readers', '--policy-name', 'gp']);
  await ok(['iam', 'remove-user-from-group', '--group-name', 'readers', '--user-name', 'erin']);
  await ok(['iam', 'delete-group', '--group-name', 'readers']);
  failedWith(await aws(server, ['iam', 'get-group', '--group-name', 'readers']), 'NoSuchEntity');
  await ok(['iam', 'delete-user', '--user-name', 'erin']);
});

test('the root is the test key\'s account root: get-user without a name answers its ARN', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const me = (await ok(['iam', 'get-user'])).User as Record<string, string>;
  assert.match(me['Arn']!, /^arn:aws:iam::\d{12}:root$/);
  assert.ok(TEST_ACCESS_KEY.length > 0);
});
