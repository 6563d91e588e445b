/** The versioning sequence through the aws CLI and boto3: enable, three PUTs, list, read the first by id, delete (marker), delete the marker. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { aws, AWS_CLI_MISSING, BOTO3_MISSING, HAS_AWS_CLI, HAS_BOTO3, python } from '../helpers/python-tools.js';
import { bucketName } from '../helpers/clients.js';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const suite = serverSuite('versioning-clients');

test('aws s3api: put-bucket-versioning, three put-object, list-object-versions, get-object --version-id, delete-object marker, deleting the marker restores', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const Bucket = bucketName('cli-versions');
  await suite.s3.send(new CreateBucketCommand({ Bucket }));
  const cli = async (args: string[]) => {
    const r = await aws(suite.server, ['s3api', ...args, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'cli-versions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await cli(['put-bucket-versioning', '--bucket', Bucket, '--versioning-configuration', 'Status=Enabled']);
  const ids: string[] = [];
  for (const n of [1, 2, 3]) {
    const file = join(dir, `body-${n}`);
    writeFileSync(file, `body ${n}`);
    ids.push((await cli(['put-object', '--bucket', Bucket, '--key', 'k', '--body', file])).VersionId as string);
  }
  const listed = await cli(['list-object-versions', '--bucket', Bucket]) as { Versions: Array<{ VersionId: string; IsLatest: boolean }> };
  assert.deepEqual(listed.Versions.map((v) => [v.VersionId, v.IsLatest]), [[ids[2], true], [ids[1], false], [ids[0], false]]);
  const out = join(dir, 'out');
  await cli(['get-object', '--bucket', Bucket, '--key', 'k', '--version-id', ids[0]!, out]);
  assert.equal(readFileSync(out, 'utf8'), 'body 1');
  const del = await cli(['delete-object', '--bucket', Bucket, '--key', 'k']);
  assert.equal(del.DeleteMarker, true);
  const head = await aws(suite.server, ['s3api', 'head-object', '--bucket', Bucket, '--key', 'k']);
  assert.notEqual(head.code, 0);
  assert.match(head.stderr, /404|Not Found/);
  await cli(['delete-object', '--bucket', Bucket, '--key', 'k', '--version-id', del.VersionId as string]);
  await cli(['get-object', '--bucket', Bucket, '--key', 'k', out]);
  assert.equal(readFileSync(out, 'utf8'), 'body 3');
});

test('boto3: the same sequence, and get_object of the marker-hidden key is 404 with x-amz-delete-marker', async (t) => {
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
    hidden = [e.response['ResponseMetadata']['HTTPStatusCode'], e.response['ResponseMetadata']['HTTPHeaders'].get('x-amz-delete-marker')]
s3.delete_object(Bucket=b, Key='k', VersionId=marker['VersionId'])
restored = s3.get_object(Bucket=b, Key='k')['Body'].read().decode()
print(json.dumps({'ids': ids, 'listed': listed, 'first': first, 'marker': marker.get('DeleteMarker'), 'hidden': hidden, 'restored': restored}))
`, [Bucket]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { ids: string[]; listed: Array<[string, boolean]>; first: string; marker: boolean; hidden: [number, string]; restored: string };
  assert.deepEqual(out.listed, [[out.ids[2], true], [out.ids[1], false], [out.ids[0], false]]);
  assert.equal(out.first, 'body 1');
  assert.equal(out.marker, true);
  assert.deepEqual(out.hidden, [404, 'true']);
  assert.equal(out.restored, 'body 3');
});
