/** A never-versioned bucket as S3 shows it to versioning-aware tools: ListObjectVersions with "null" versions, GetBucketVersioning, ?versionId=null. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand,
  type ListObjectVersionsCommandInput, type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { aws, AWS_CLI_MISSING, BOTO3_MISSING, HAS_AWS_CLI, HAS_BOTO3, python } from '../helpers/python-tools.js';

const KEYS = ['a', 'b c', 'dir/x', 'dir/y', 'z'];
const suite = serverSuite('versions', async ({ s3, bucket }) => {
  for (const Key of KEYS) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `body of ${Key}` }));
});

const list = (input: Partial<ListObjectVersionsCommandInput> = {}) =>
  suite.s3.send(new ListObjectVersionsCommand({ Bucket: suite.bucket, ...input }));

/** Every page until IsTruncated is false, following NextKeyMarker / NextVersionIdMarker. */
async function allPages(input: Partial<ListObjectVersionsCommandInput>): Promise<ListObjectVersionsCommandOutput[]> {
  const pages: ListObjectVersionsCommandOutput[] = [];
  let markers: Partial<ListObjectVersionsCommandInput> = {};
  for (;;) {
    const page = await list({ ...input, ...markers });
    pages.push(page);
    if (!page.IsTruncated) return pages;
    assert.ok(page.NextKeyMarker, 'a truncated page names the next key marker');
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    assert.ok(pages.length < 10, 'paging terminates');
  }
}

test('ListObjectVersions lists every object once as version "null", latest, with ETag, Size, StorageClass, Owner', async () => {
  const r = await list();
  assert.equal(r.$metadata.httpStatusCode, 200);
  assert.equal(r.Name, suite.bucket);
  assert.equal(r.IsTruncated, false);
  assert.equal(r.DeleteMarkers, undefined);
  assert.deepEqual(r.Versions?.map((v) => v.Key), KEYS);
  for (const v of r.Versions ?? []) {
    assert.equal(v.VersionId, 'null');
    assert.equal(v.IsLatest, true);
    assert.match(v.ETag!, /^"[0-9a-f]{32}"$/);
    assert.equal(v.Size, `body of ${v.Key}`.length);
    assert.equal(v.StorageClass, 'STANDARD');
    assert.ok(v.Owner?.ID, 'Owner ID');
    assert.ok(v.LastModified instanceof Date);
  }
});

test('prefix, delimiter and CommonPrefixes', async () => {
  const r = await list({ Delimiter: '/' });
  assert.deepEqual(r.Versions?.map((v) => v.Key), ['a', 'b c', 'z']);
  assert.deepEqual(r.CommonPrefixes?.map((p) => p.Prefix), ['dir/']);
  assert.equal(r.Delimiter, '/');
  const inDir = await list({ Prefix: 'dir/', Delimiter: '/' });
  assert.deepEqual(inDir.Versions?.map((v) => v.Key), ['dir/x', 'dir/y']);
  assert.equal(inDir.Prefix, 'dir/');
});

test('max-keys pages with key-marker and version-id-marker, with and without a delimiter', async () => {
  const pages = await allPages({ MaxKeys: 2 });
  assert.deepEqual(pages.map((p) => p.Versions?.map((v) => v.Key)), [['a', 'b c'], ['dir/x', 'dir/y'], ['z']]);
  assert.deepEqual([pages[0]!.NextKeyMarker, pages[0]!.NextVersionIdMarker, pages[0]!.MaxKeys], ['b c', 'null', 2]);
  assert.deepEqual([pages[1]!.KeyMarker, pages[1]!.VersionIdMarker], ['b c', 'null']);

  const rolled = await allPages({ MaxKeys: 2, Delimiter: '/' });
  assert.deepEqual(rolled.map((p) => [p.Versions?.map((v) => v.Key) ?? [], p.CommonPrefixes?.map((c) => c.Prefix) ?? []]),
    [[['a', 'b c'], []], [['z'], ['dir/']]]);

  const afterKeyOnly = await list({ KeyMarker: 'dir/x' });
  assert.deepEqual(afterKeyOnly.Versions?.map((v) => v.Key), ['dir/y', 'z']);
});

test('encoding-type=url encodes keys, prefixes and markers', async () => {
  const r = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?versions&encoding-type=url&max-keys=2` });
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListVersionsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
  assert.match(r.body, /<Version><Key>b\+c<\/Key><VersionId>null<\/VersionId><IsLatest>true<\/IsLatest>/);
  assert.match(r.body, /<NextKeyMarker>b\+c<\/NextKeyMarker><NextVersionIdMarker>null<\/NextVersionIdMarker>/);
  assert.match(r.body, /<EncodingType>url<\/EncodingType>/);
});

test('bad listing parameters answer S3\'s InvalidArgument, a missing bucket NoSuchBucket', async () => {
  const cases: Array<[string, string, string]> = [
    ['version-id-marker=null', 'InvalidArgument', 'A version-id marker cannot be specified without a key marker.'],
    ['key-marker=a&version-id-marker=', 'InvalidArgument', 'A version-id marker cannot be empty.'],
    ['key-marker=a&version-id-marker=3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY', 'InvalidArgument', 'Invalid version id specified'],
    ['max-keys=ten', 'InvalidArgument', 'Provided max-keys not an integer or within integer range'],
    ['encoding-type=base64', 'InvalidArgument', 'Invalid Encoding Method specified in Request'],
  ];
  for (const [query, code, message] of cases) {
    const r = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?versions&${query}` });
    assert.deepEqual([r.status, errorCode(r.body)], [400, code], query);
    assert.ok(r.body.includes(`<Message>${message}</Message>`), `${query}: ${r.body}`);
  }
  const missing = await rawRequest(suite.server.url, { method: 'GET', path: '/no-such-bucket-versions?versions' });
  assert.deepEqual([missing.status, errorCode(missing.body)], [404, 'NoSuchBucket']);
});

test('GetBucketVersioning of a never-versioned bucket is an empty configuration; PutBucketVersioning with MfaDelete is NotImplemented, never a silent 200', async () => {
  const get = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?versioning` });
  assert.equal(get.status, 200);
  assert.match(get.body, /<VersioningConfiguration xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"(\/>|><\/VersioningConfiguration>)$/);
  const put = await rawRequest(suite.server.url, {
    method: 'PUT', path: `/${suite.bucket}?versioning`,
    body: '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>',
  });
  assert.deepEqual([put.status, errorCode(put.body)], [501, 'NotImplemented']);
  assert.equal((await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?versioning` })).body, get.body);
});

test('?versionId=null reads, heads and deletes the object; any other version id is InvalidArgument', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'vnull', Body: 'v' }));
  assert.equal((await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'vnull', VersionId: 'null' }))).ContentLength, 1);
  const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'vnull', VersionId: 'null' }));
  assert.equal(await got.Body!.transformToString(), 'v');
  for (const method of ['GET', 'DELETE']) {
    const r = await rawRequest(suite.server.url, { method, path: `/${suite.bucket}/vnull?versionId=3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY` });
    assert.deepEqual([r.status, errorCode(r.body)], [400, 'InvalidArgument'], method);
    assert.ok(r.body.includes('<Message>Invalid version id specified</Message>'), r.body);
  }
  const head = await rawRequest(suite.server.url, { method: 'HEAD', path: `/${suite.bucket}/vnull?versionId=abc` });
  assert.equal(head.status, 400);
  await suite.s3.send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: 'vnull', VersionId: 'null' }));
  const after = await list({ Prefix: 'vnull' });
  assert.equal(after.Versions, undefined);
});

test('boto3 list_object_versions paginator walks every version', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(suite.server, `
import boto3, os, sys, json
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
out = []
for page in s3.get_paginator('list_object_versions').paginate(Bucket=sys.argv[1], PaginationConfig={'PageSize': 2}):
    out += [[v['Key'], v['VersionId'], v['IsLatest']] for v in page.get('Versions', [])]
print(json.dumps(out))
`, [suite.bucket]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), KEYS.map((k) => [k, 'null', true]));
});

test('aws s3api list-object-versions', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const r = await aws(suite.server, ['s3api', 'list-object-versions', '--bucket', suite.bucket, '--page-size', '2', '--output', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { Versions: Array<{ Key: string; VersionId: string; IsLatest: boolean }> };
  assert.deepEqual(out.Versions.map((v) => [v.Key, v.VersionId, v.IsLatest]), KEYS.map((k) => [k, 'null', true]));
});
