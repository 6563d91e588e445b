/** The versioning sequence through the aws CLI and boto3: enable, three PUTs, list, read the first by id, delete (marker), delete the marker. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { aws, awsJson, AWS_CLI_MISSING, BOTO3_MISSING, HAS_AWS_CLI, HAS_BOTO3, python } from '../helpers/python-tools.js';
import { bucketName } from '../helpers/clients.js';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const suite = serverSuite('versioning-clients');

test('aws s3api: put-bucket-versioning, three put-object, list-object-versions, get-object --version-id, delete-object marker (get-object 404 with x-amz-delete-marker: true), deleting the marker restores', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const Bucket = bucketName('cli-versions');
  await suite.s3.send(new CreateBucketCommand({ Bucket }));
  const cli = (args: string[]) => awsJson(suite.server, ['s3api', ...args]);
  const dir = mkdtempSync(join(tmpdir(), 'cli-versions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await cli(['put-bucket-versioning', '--bucket', Bucket, '--versioning-configuration', 'Status=Enabled']);
  assert.equal((await cli(['get-bucket-versioning', '--bucket', Bucket])).Status, 'Enabled');
  const ids: string[] = [];
  for (const n of [1, 2, 3]) {
    const file = join(dir, `body-${n}`);
    writeFileSync(file, `body ${n}`);
    ids.push((await cli(['put-object', '--bucket', Bucket, '--key', 'k', '--body', file])).VersionId as string);
  }
  assert.equal(new Set(ids).size, 3, 'three distinct version ids');
  const listed = await cli(['list-object-versions', '--bucket', Bucket]) as { Versions: Array<{ VersionId: string; IsLatest: boolean }> };
  assert.deepEqual(listed.Versions.map((v) => [v.VersionId, v.IsLatest]), [[ids[2], true], [ids[1], false], [ids[0], false]]);
  const out = join(dir, 'out');
  const first = await cli(['get-object', '--bucket', Bucket, '--key', 'k', '--version-id', ids[0]!, out]);
  assert.deepEqual([readFileSync(out, 'utf8'), first.VersionId], ['body 1', ids[0]]);
  const del = await cli(['delete-object', '--bucket', Bucket, '--key', 'k']);
  assert.equal(del.DeleteMarker, true);
  assert.ok(typeof del.VersionId === 'string' && !ids.includes(del.VersionId), 'the marker has its own version id');
  // GET of the key is 404; --debug shows the response headers botocore received.
  const hidden = await aws(suite.server, ['s3api', 'get-object', '--bucket', Bucket, '--key', 'k', join(dir, 'hidden'), '--debug']);
  assert.notEqual(hidden.code, 0);
  assert.match(hidden.stderr, /NoSuchKey/);
  assert.match(hidden.stderr, /'x-amz-delete-marker': 'true'/);
  assert.ok(hidden.stderr.includes(`'x-amz-version-id': '${del.VersionId as string}'`), 'the 404 names the marker');
  const removed = await cli(['delete-object', '--bucket', Bucket, '--key', 'k', '--version-id', del.VersionId as string]);
  assert.deepEqual([removed.DeleteMarker, removed.VersionId], [true, del.VersionId]);
  const restored = await cli(['get-object', '--bucket', Bucket, '--key', 'k', out]);
  assert.deepEqual([readFileSync(out, 'utf8'), restored.VersionId], ['body 3', ids[2]]);
});

test('boto3: the same sequence, and get_object of the marker-hidden key is 404 with x-amz-delete-marker and the marker\'s version id', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const Bucket = bucketName('boto3-versions');
  await suite.s3.send(new CreateBucketCommand({ Bucket }));
  const r = await python(suite.server, `
import boto3, os, sys, json
from botocore.config import Config
from botocore.exceptions import ClientError
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
b = sys.argv[1]
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={'Status': 'Enabled'})
ids = [s3.put_object(Bucket=b, Key='k', Body=('body %d' % n).encode())['VersionId'] for n in (1, 2, 3)]
listed = [[v['VersionId'], v['IsLatest']] for v in s3.list_object_versions(Bucket=b)['Versions']]
first = s3.get_object(Bucket=b, Key='k', VersionId=ids[0])['Body'].read().decode()
marker = s3.delete_object(Bucket=b, Key='k')
try:
    s3.get_object(Bucket=b, Key='k')
    hidden = None
except ClientError as e:
    h = e.response['ResponseMetadata']['HTTPHeaders']
    hidden = [e.response['ResponseMetadata']['HTTPStatusCode'], h.get('x-amz-delete-marker'), h.get('x-amz-version-id')]
undo = s3.delete_object(Bucket=b, Key='k', VersionId=marker['VersionId'])
restored = s3.get_object(Bucket=b, Key='k')['Body'].read().decode()
print(json.dumps({'ids': ids, 'listed': listed, 'first': first, 'marker': [marker.get('DeleteMarker'), marker.get('VersionId')], 'undo': [undo.get('DeleteMarker'), undo.get('VersionId')], 'hidden': hidden, 'restored': restored}))
`, [Bucket]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { ids: string[]; listed: Array<[string, boolean]>; first: string; marker: [boolean, string]; undo: [boolean, string]; hidden: [number, string, string]; restored: string };
  assert.deepEqual(out.listed, [[out.ids[2], true], [out.ids[1], false], [out.ids[0], false]]);
  assert.equal(out.first, 'body 1');
  assert.equal(out.marker[0], true);
  assert.ok(!out.ids.includes(out.marker[1]), 'the marker has its own version id');
  assert.deepEqual(out.hidden, [404, 'true', out.marker[1]]);
  assert.deepEqual(out.undo, out.marker, 'deleting the marker by id answers DeleteMarker and its id');
  assert.equal(out.restored, 'body 3');
});
