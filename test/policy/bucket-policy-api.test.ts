/** PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy / GetBucketPolicyStatus: validation by the engine, NoSuchBucketPolicy, IsPublic, and a public policy granting anonymous reads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteBucketPolicyCommand, DeletePublicAccessBlockCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand, PutBucketPolicyCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { refused } from '../helpers/policy-rig.js';

const suite = serverSuite('policy-api', async ({ s3, bucket }) => {
  // New buckets block public policies (BlockPublicPolicy, RestrictPublicBuckets); these tests are about a public one.
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'public/a.txt', Body: 'hello' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'private/b.txt', Body: 'secret' }));
});

const readPublic = (bucket: string, condition?: unknown) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/public/*`, ...(condition ? { Condition: condition } : {}) }],
});

async function malformed(policy: string, message: RegExp): Promise<void> {
  await assert.rejects(suite.s3.send(new PutBucketPolicyCommand({ Bucket: suite.bucket, Policy: policy })), (e: unknown) => {
    assert.ok(e instanceof S3ServiceException);
    assert.equal(e.name, 'MalformedPolicy');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, message);
    return true;
  });
}

test('no policy: GetBucketPolicy and GetBucketPolicyStatus → 404 NoSuchBucketPolicy; DeleteBucketPolicy → 204', async () => {
  await refused(suite.s3.send(new GetBucketPolicyCommand({ Bucket: suite.bucket })), 'NoSuchBucketPolicy', 404);
  await refused(suite.s3.send(new GetBucketPolicyStatusCommand({ Bucket: suite.bucket })), 'NoSuchBucketPolicy', 404);
  const del = await suite.s3.send(new DeleteBucketPolicyCommand({ Bucket: suite.bucket }));
  assert.equal(del.$metadata.httpStatusCode, 204);
});

test('invalid policies → 400 MalformedPolicy with the engine\'s message; nothing stored', async () => {
  await malformed('not json', /first byte must be '\{'/);
  await malformed(readPublic('another-bucket'), /Policy has invalid resource/);
  await malformed(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:Fly', Resource: `arn:aws:s3:::${suite.bucket}/*` }] }), /Policy has invalid action/);
  await malformed(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${suite.bucket}/*` }] }), /Missing required field Principal/);
  await malformed(`{"Version":"2012-10-17","Id":"${'x'.repeat(21 * 1024)}","Statement":[]}`, /maximum allowed document size/);
  await refused(suite.s3.send(new GetBucketPolicyCommand({ Bucket: suite.bucket })), 'NoSuchBucketPolicy', 404);
});

test('a public-read policy: stored as put, IsPublic true, anonymous GET of public/ works and of private/ is 403; pinned to a source IP it is not public', async () => {
  const policy = readPublic(suite.bucket);
  await suite.s3.send(new PutBucketPolicyCommand({ Bucket: suite.bucket, Policy: policy }));
  assert.equal((await suite.s3.send(new GetBucketPolicyCommand({ Bucket: suite.bucket }))).Policy, policy);
  assert.equal((await suite.s3.send(new GetBucketPolicyStatusCommand({ Bucket: suite.bucket }))).PolicyStatus?.IsPublic, true);
  const anon = await fetch(`${suite.server.url}/${suite.bucket}/public/a.txt`);
  assert.equal(anon.status, 200);
  assert.equal(await anon.text(), 'hello');
  assert.equal((await fetch(`${suite.server.url}/${suite.bucket}/private/b.txt`)).status, 403);

  await suite.s3.send(new PutBucketPolicyCommand({ Bucket: suite.bucket, Policy: readPublic(suite.bucket, { IpAddress: { 'aws:SourceIp': '127.0.0.1/32' } }) }));
  assert.equal((await suite.s3.send(new GetBucketPolicyStatusCommand({ Bucket: suite.bucket }))).PolicyStatus?.IsPublic, false);
  await suite.s3.send(new PutBucketPolicyCommand({ Bucket: suite.bucket, Policy: readPublic(suite.bucket, { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } }) }));
  assert.equal((await suite.s3.send(new GetBucketPolicyStatusCommand({ Bucket: suite.bucket }))).PolicyStatus?.IsPublic, true);
  await suite.s3.send(new DeleteBucketPolicyCommand({ Bucket: suite.bucket }));
  assert.equal((await fetch(`${suite.server.url}/${suite.bucket}/public/a.txt`)).status, 403);
});
