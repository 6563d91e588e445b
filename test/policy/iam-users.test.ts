/** aws iam create-user / create-access-key / put-user-policy, then SDK v3 requests with the new keys allowed and denied exactly as the policy says; group policies; Inactive and deleted keys refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { clientFor, refused, type Keys } from '../helpers/policy-rig.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI, awsEnv, run } from '../helpers/python-tools.js';

const suite = serverSuite('iam-users', async ({ s3, bucket }) => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'home/dana/notes.txt', Body: 'dana notes' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'home/erin/notes.txt', Body: 'erin notes' }));
});

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const r = await aws(suite.server, [...args, '--output', 'json']);
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout) as Record<string, unknown>;
}

async function newUser(name: string): Promise<Keys> {
  await cli(['iam', 'create-user', '--user-name', name]);
  const key = (await cli(['iam', 'create-access-key', '--user-name', name])).AccessKey as Record<string, string>;
  return { accessKey: key['AccessKeyId']!, secretKey: key['SecretAccessKey']! };
}

/** One prefix per user through ${aws:username}; listing only under it (s3:prefix). */
const homePolicy = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'OwnHome', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${bucket}/home/\${aws:username}/*` },
    { Sid: 'ListOwnHome', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } } },
  ],
});

test('put-user-policy: the new keys may get/put under home/<user>/ and list with that prefix; everything else is AccessDenied', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const { bucket } = suite;
  const keys = await newUser('dana');
  await cli(['iam', 'put-user-policy', '--user-name', 'dana', '--policy-name', 'home', '--policy-document', JSON.stringify(homePolicy(bucket))]);
  const dana = clientFor(suite.server.url, keys);
  const got = await dana.send(new GetObjectCommand({ Bucket: bucket, Key: 'home/dana/notes.txt' }));
  assert.equal(await got.Body!.transformToString(), 'dana notes');
  await dana.send(new PutObjectCommand({ Bucket: bucket, Key: 'home/dana/new.txt', Body: 'x' }));
  const listed = await dana.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'home/dana/' }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ['home/dana/new.txt', 'home/dana/notes.txt']);

  await refused(dana.send(new GetObjectCommand({ Bucket: bucket, Key: 'home/erin/notes.txt' })), 'AccessDenied', 403);
  await refused(dana.send(new PutObjectCommand({ Bucket: bucket, Key: 'home/erin/planted', Body: 'x' })), 'AccessDenied', 403);
  await refused(dana.send(new ListObjectsV2Command({ Bucket: bucket })), 'AccessDenied', 403);
  await refused(dana.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'home/erin/' })), 'AccessDenied', 403);
  // No s3:DeleteObject in the policy.
  await refused(dana.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'home/dana/new.txt' })), 'AccessDenied', 403);
  // No iam:* either.
  const iamCall = await run('aws', ['iam', 'list-users', '--endpoint-url', suite.server.url], { ...awsEnv(suite.server), AWS_ACCESS_KEY_ID: keys.accessKey, AWS_SECRET_ACCESS_KEY: keys.secretKey });
  assert.notEqual(iamCall.code, 0);
  assert.match(iamCall.stderr, /\(AccessDenied\)/);
  dana.destroy();
});

test('a group\'s inline policy applies to its members: s3:DeleteObject granted through the group; iam:ListUsers granted to a user works on the IAM API, iam:CreateUser stays denied', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const { bucket } = suite;
  const keys = await newUser('erin');
  await cli(['iam', 'put-user-policy', '--user-name', 'erin', '--policy-name', 'home', '--policy-document', JSON.stringify(homePolicy(bucket))]);
  const erin = clientFor(suite.server.url, keys);
  await refused(erin.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'home/erin/notes.txt' })), 'AccessDenied', 403);
  await cli(['iam', 'create-group', '--group-name', 'deleters']);
  await cli(['iam', 'put-group-policy', '--group-name', 'deleters', '--policy-name', 'delete', '--policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${bucket}/home/*` }] })]);
  await cli(['iam', 'add-user-to-group', '--group-name', 'deleters', '--user-name', 'erin']);
  const deleted = await erin.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'home/erin/notes.txt' }));
  assert.equal(deleted.$metadata.httpStatusCode, 204);

  const env = { ...awsEnv(suite.server), AWS_ACCESS_KEY_ID: keys.accessKey, AWS_SECRET_ACCESS_KEY: keys.secretKey };
  await cli(['iam', 'put-user-policy', '--user-name', 'erin', '--policy-name', 'iam-read', '--policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] })]);
  const users = await run('aws', ['iam', 'list-users', '--endpoint-url', suite.server.url, '--output', 'json'], env);
  assert.equal(users.code, 0, users.stderr);
  assert.ok((JSON.parse(users.stdout) as { Users: Array<{ UserName: string }> }).Users.some((u) => u.UserName === 'erin'));
  const create = await run('aws', ['iam', 'create-user', '--user-name', 'mallory', '--endpoint-url', suite.server.url], env);
  assert.notEqual(create.code, 0);
  assert.match(create.stderr, /\(AccessDenied\)/);
  erin.destroy();
});

test('an Inactive key is refused (InvalidAccessKeyId), Active again works, a deleted key is refused for good', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const { bucket } = suite;
  const keys = await newUser('fred');
  await cli(['iam', 'put-user-policy', '--user-name', 'fred', '--policy-name', 'home', '--policy-document', JSON.stringify(homePolicy(bucket))]);
  const fred = clientFor(suite.server.url, keys);
  await fred.send(new PutObjectCommand({ Bucket: bucket, Key: 'home/fred/a', Body: 'x' }));
  await cli(['iam', 'update-access-key', '--user-name', 'fred', '--access-key-id', keys.accessKey, '--status', 'Inactive']);
  await refused(fred.send(new GetObjectCommand({ Bucket: bucket, Key: 'home/fred/a' })), 'InvalidAccessKeyId', 403);
  await cli(['iam', 'update-access-key', '--user-name', 'fred', '--access-key-id', keys.accessKey, '--status', 'Active']);
  await fred.send(new GetObjectCommand({ Bucket: bucket, Key: 'home/fred/a' }));
  await cli(['iam', 'delete-access-key', '--user-name', 'fred', '--access-key-id', keys.accessKey]);
  await refused(fred.send(new GetObjectCommand({ Bucket: bucket, Key: 'home/fred/a' })), 'InvalidAccessKeyId', 403);
  fred.destroy();
});
