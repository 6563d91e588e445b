/** CloudTrail LookupEvents on the same endpoint: the aws CLI unchanged, every lookup attribute, time window, pages, data events included, authorized as cloudtrail:LookupEvents, JSON errors, other CloudTrail operations refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { bucketName } from '../helpers/clients.js';
import { refused } from '../helpers/policy-rig.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI } from '../helpers/python-tools.js';
import { jsonRequest } from '../helpers/json-request.js';
import { queryRequest } from '../helpers/query-request.js';
import { TEST_ACCESS_KEY } from '../helpers/start-server.js';

const suite = serverSuite('lookup');
const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';

interface LookupEvent { EventId: string; EventName: string; ReadOnly: string; AccessKeyId?: string; EventTime: number; EventSource: string; Username?: string; Resources: Array<{ ResourceType: string; ResourceName: string }>; CloudTrailEvent: string }

async function lookup(input: Record<string, unknown>, keys?: { accessKey: string; secretKey: string }): Promise<{ status: number; json: { Events?: LookupEvent[]; NextToken?: string; __type?: string; message?: string } }> {
  const r = await jsonRequest(suite.server.url, { service: 'cloudtrail', target: `${TARGET}LookupEvents`, input, ...keys });
  return { status: r.status, json: JSON.parse(r.body) as never };
}

const attr = (AttributeKey: string, AttributeValue: string) => ({ LookupAttributes: [{ AttributeKey, AttributeValue }] });

test('aws cloudtrail lookup-events by EventName PutObject shows the PUT with its SSEApplied, unchanged CLI against --endpoint-url', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'looked-up', Body: 'x' }));
  const r = await aws(suite.server, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=PutObject', '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const events = (JSON.parse(r.stdout) as { Events: LookupEvent[] }).Events;
  const put = events.find((e) => JSON.parse(e.CloudTrailEvent).requestParameters.key === 'looked-up');
  assert.ok(put, 'the PUT is found');
  assert.equal(put.EventName, 'PutObject');
  assert.equal(put.EventSource, 's3.amazonaws.com');
  assert.equal(put.Username, 'root');
  assert.equal(put.AccessKeyId, TEST_ACCESS_KEY);
  assert.equal(put.ReadOnly, 'false');
  const record = JSON.parse(put.CloudTrailEvent);
  assert.equal(record.additionalEventData.SSEApplied, 'Default_SSE_S3');
  assert.equal(record.eventID, put.EventId);
  assert.ok(events.every((e) => e.EventName === 'PutObject'));
});

test('a PUT denied under DenyIncorrectEncryptionHeader is found by the aws CLI with errorCode AccessDenied', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const bucket = bucketName('lookup-deny');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await suite.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({
    Version: '2012-10-17', Id: 'PutObjectPolicy',
    Statement: [{ Sid: 'DenyIncorrectEncryptionHeader', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } } }],
  }) }));
  await refused(suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'denied', Body: 'x' })), 'AccessDenied', 403);
  const r = await aws(suite.server, ['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=ResourceName,AttributeValue=${bucket}`, '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const records = (JSON.parse(r.stdout) as { Events: LookupEvent[] }).Events.map((e) => JSON.parse(e.CloudTrailEvent));
  const denied = records.find((x) => x.eventName === 'PutObject');
  assert.equal(denied?.errorCode, 'AccessDenied');
  assert.equal(denied?.requestParameters.key, 'denied');
});

test('every lookup attribute finds the events it names and no others; data events are included', async () => {
  const bucket = bucketName('lookup-attrs');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: 'x' }));
  const byBucket = (await lookup(attr('ResourceName', bucket))).json.Events!;
  assert.deepEqual(byBucket.map((e) => e.EventName).sort(), ['CreateBucket', 'PutObject']);
  const put = byBucket.find((e) => e.EventName === 'PutObject')!;
  assert.deepEqual(put.Resources, [{ ResourceType: 'AWS::S3::Object', ResourceName: `arn:aws:s3:::${bucket}/obj` }, { ResourceType: 'AWS::S3::Bucket', ResourceName: bucket }]);
  assert.deepEqual((await lookup(attr('EventId', put.EventId))).json.Events!.map((e) => e.EventId), [put.EventId]);
  assert.deepEqual((await lookup(attr('ResourceName', `arn:aws:s3:::${bucket}/obj`))).json.Events!.map((e) => e.EventId), [put.EventId]);
  const checks: Array<[string, string, (e: LookupEvent) => boolean]> = [
    ['EventName', 'CreateBucket', (e) => e.EventName === 'CreateBucket'],
    ['ReadOnly', 'false', (e) => e.ReadOnly === 'false'],
    ['Username', 'root', (e) => e.Username === 'root'],
    ['EventSource', 's3.amazonaws.com', (e) => e.EventSource === 's3.amazonaws.com'],
    ['AccessKeyId', TEST_ACCESS_KEY, (e) => e.AccessKeyId === TEST_ACCESS_KEY],
    ['ResourceType', 'AWS::S3::Object', (e) => e.Resources.some((x) => x.ResourceType === 'AWS::S3::Object')],
  ];
  for (const [key, value, holds] of checks) {
    const events = (await lookup(attr(key, value))).json.Events!;
    assert.ok(events.length > 0, `${key}=${value} finds something`);
    assert.ok(events.every(holds), `${key}=${value} finds only matching events`);
  }
  assert.deepEqual((await lookup(attr('EventName', 'NoSuchOperation'))).json.Events, []);
  assert.deepEqual((await lookup(attr('ReadOnly', 'true'))).json.Events!.filter((e) => e.EventName === 'PutObject'), []);
});

test('MaxResults pages newest first with a NextToken until the last page; StartTime/EndTime bound the window', async () => {
  const bucket = bucketName('lookup-pages');
  await suite.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const k of ['p1', 'p2', 'p3', 'p4', 'p5']) await suite.s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await lookup({ ...attr('ResourceName', bucket), MaxResults: 2, ...(token ? { NextToken: token } : {}) });
    assert.equal(r.status, 200);
    assert.ok(r.json.Events!.length <= 2);
    seen.push(...r.json.Events!.map((e) => e.EventName === 'PutObject' ? JSON.parse(e.CloudTrailEvent).requestParameters.key as string : e.EventName));
    token = r.json.NextToken;
    pages++;
  } while (token !== undefined);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['p5', 'p4', 'p3', 'p2', 'p1', 'CreateBucket'], 'newest first, each event once');
  const future = Math.floor(Date.now() / 1000) + 3600;
  assert.deepEqual((await lookup({ ...attr('ResourceName', bucket), StartTime: future, EndTime: future + 60 })).json.Events, []);
  assert.equal((await lookup({ ...attr('ResourceName', bucket), StartTime: future - 7200, EndTime: future })).json.Events!.length, 6);
});

test('bad input gets CloudTrail\'s JSON errors: two attributes, an unknown key, MaxResults 51, StartTime after EndTime, a forged NextToken', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'EventName', AttributeValue: 'b' }] }, 'InvalidLookupAttributesException'],
    [attr('Color', 'red'), 'InvalidLookupAttributesException'],
    [{ MaxResults: 51 }, 'InvalidMaxResultsException'],
    [{ StartTime: 2_000_000_000, EndTime: 1_000_000_000 }, 'InvalidTimeRangeException'],
    [{ NextToken: 'not-a-token' }, 'InvalidNextTokenException'],
    [{ EventCategory: 'management' }, 'InvalidEventCategoryException'],
  ];
  for (const [input, code] of cases) {
    const r = await lookup(input);
    assert.equal(r.status, 400, JSON.stringify(input));
    assert.equal(r.json.__type, code, JSON.stringify(input));
  }
});

test('other CloudTrail operations answer UnsupportedOperationException (400), never an empty success; the aws CLI shows it', async (t) => {
  const r = await jsonRequest(suite.server.url, { service: 'cloudtrail', target: `${TARGET}CreateTrail`, input: { Name: 't', S3BucketName: suite.bucket } });
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.body).__type, 'UnsupportedOperationException');
  const unknown = await jsonRequest(suite.server.url, { service: 'cloudtrail', target: 'SomethingElse.Op', input: {} });
  assert.equal(JSON.parse(unknown.body).__type, 'UnknownOperationException');
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const cli = await aws(suite.server, ['cloudtrail', 'describe-trails']);
  assert.notEqual(cli.code, 0);
  assert.match(cli.stderr, /UnsupportedOperationException/);
});

test('access is authorized as cloudtrail:LookupEvents: an IAM user without a policy gets AccessDeniedException, with one allowing it sees the account\'s events', async () => {
  const iam = async (params: Record<string, string>) => {
    const r = await queryRequest(suite.server.url, { service: 'iam', params: { Version: '2010-05-08', ...params } });
    assert.equal(r.status, 200, r.body);
    return r.body;
  };
  await iam({ Action: 'CreateUser', UserName: 'auditor' });
  const keyXml = await iam({ Action: 'CreateAccessKey', UserName: 'auditor' });
  const keys = { accessKey: /<AccessKeyId>([^<]+)</.exec(keyXml)![1]!, secretKey: /<SecretAccessKey>([^<]+)</.exec(keyXml)![1]! };
  const denied = await lookup({}, keys);
  assert.equal(denied.status, 400);
  assert.equal(denied.json.__type, 'AccessDeniedException');
  assert.match(denied.json.message!, /cloudtrail:LookupEvents/);
  await iam({ Action: 'PutUserPolicy', UserName: 'auditor', PolicyName: 'read-trail', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }] }) });
  const allowed = await lookup(attr('EventName', 'CreateUser'), keys);
  assert.equal(allowed.status, 200, JSON.stringify(allowed.json));
  assert.ok(allowed.json.Events!.some((e) => JSON.parse(e.CloudTrailEvent).requestParameters.userName === 'auditor'));
  // The refused lookup itself is in the trail, as the user's.
  const refusals = (await lookup(attr('EventName', 'LookupEvents'))).json.Events!.map((e) => JSON.parse(e.CloudTrailEvent));
  const mine = refusals.find((x) => x.userIdentity.userName === 'auditor' && x.errorCode === 'AccessDenied');
  assert.ok(mine, 'the denied LookupEvents is recorded');
  assert.equal(mine.eventSource, 'cloudtrail.amazonaws.com');
});
