/** botocore's signing variants, unchanged: SigV2 headers (signature_version='s3') on bucket and object requests, SigV4 with a Date header, SigV4 and SigV2 with UTF-8 header values. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { BOTO3_MISSING, HAS_BOTO3, python } from '../helpers/python-tools.js';

let server: TestServer;

before(async () => {
  if (!HAS_BOTO3) return;
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** A client with the given signature version, path-style, no retries; `step` prints OK or the error code so one run shows every failure. */
const client = (signatureVersion: string) => `
import boto3, os, sys
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=Config(signature_version='${signatureVersion}', s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
def step(name, f):
    try:
        r = f()
        print('OK', name)
        return r
    except Exception as e:
        print('FAIL', name, getattr(e, 'response', {}).get('Error', {}).get('Code', repr(e)))
`;

/** The lines a script printed that are not `OK …`. */
const failures = (stdout: string) => stdout.trim().split('\n').filter((l) => !l.startsWith('OK '));

test('botocore signature_version s3 (SigV2 headers): create_bucket, put_object, list_objects, multipart upload, delete_objects, delete_bucket', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(server, `${client('s3')}
b = 'sigv2-bucket'
step('create_bucket', lambda: s3.create_bucket(Bucket=b))
step('head_bucket', lambda: s3.head_bucket(Bucket=b))
step('get_bucket_location', lambda: s3.get_bucket_location(Bucket=b))
step('get_bucket_versioning', lambda: s3.get_bucket_versioning(Bucket=b))
step('put_object', lambda: s3.put_object(Bucket=b, Key='dir/a b+c.txt', Body=b'hello', Metadata={'who': 'sigv2'}))
step('list_objects', lambda: s3.list_objects(Bucket=b, Prefix='dir/'))
step('list_objects_v2', lambda: s3.list_objects_v2(Bucket=b, Prefix='dir/'))
step('list_object_versions', lambda: s3.list_object_versions(Bucket=b))
got = step('get_object', lambda: s3.get_object(Bucket=b, Key='dir/a b+c.txt', ResponseContentType='text/plain'))
print('OK body' if got and got['Body'].read() == b'hello' and got['ContentType'] == 'text/plain' and got['Metadata'] == {'who': 'sigv2'} else 'FAIL body')
step('put_object_tagging', lambda: s3.put_object_tagging(Bucket=b, Key='dir/a b+c.txt', Tagging={'TagSet': [{'Key': 'k', 'Value': 'v'}]}))
step('get_object_tagging', lambda: s3.get_object_tagging(Bucket=b, Key='dir/a b+c.txt'))
up = step('create_multipart_upload', lambda: s3.create_multipart_upload(Bucket=b, Key='big'))
part = step('upload_part', lambda: s3.upload_part(Bucket=b, Key='big', UploadId=up['UploadId'], PartNumber=1, Body=b'x' * 1024))
step('list_parts', lambda: s3.list_parts(Bucket=b, Key='big', UploadId=up['UploadId']))
step('list_multipart_uploads', lambda: s3.list_multipart_uploads(Bucket=b))
step('complete_multipart_upload', lambda: s3.complete_multipart_upload(Bucket=b, Key='big', UploadId=up['UploadId'], MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': part['ETag']}]}))
step('copy_object', lambda: s3.copy_object(Bucket=b, Key='copy', CopySource={'Bucket': b, 'Key': 'big'}))
deleted = step('delete_objects', lambda: s3.delete_objects(Bucket=b, Delete={'Objects': [{'Key': 'dir/a b+c.txt'}, {'Key': 'big'}, {'Key': 'copy'}]}))
print('OK deleted' if deleted and len(deleted.get('Deleted', [])) == 3 and not deleted.get('Errors') else 'FAIL deleted', deleted)
step('delete_bucket', lambda: s3.delete_bucket(Bucket=b))
print('OK gone' if b not in [x['Name'] for x in s3.list_buckets()['Buckets']] else 'FAIL gone')
`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(failures(r.stdout), [], r.stdout);
});

test('botocore signature_version s3: a wrong secret is refused with SignatureDoesNotMatch, on a bucket request too', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(server, `${client('s3')}
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key='not-the-secret', config=Config(signature_version='s3', s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
step('create_bucket', lambda: s3.create_bucket(Bucket='sigv2-refused'))
step('list_buckets', lambda: s3.list_buckets())
`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(failures(r.stdout), ['FAIL create_bucket SignatureDoesNotMatch', 'FAIL list_buckets SignatureDoesNotMatch']);
});

test('botocore SigV4 with a Date header instead of x-amz-date is accepted', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(server, `${client('s3v4')}
seen = []
def add_date(request, **kwargs):
    # Any Date makes botocore sign with the Date header (in the ISO8601 form) and drop X-Amz-Date.
    request.headers['Date'] = 'placeholder'
def record(request, **kwargs):
    seen.append(('Date' in request.headers, 'X-Amz-Date' in request.headers))
s3.meta.events.register('before-sign.s3', add_date)
s3.meta.events.register('request-created.s3', record)
b = 'sigv4-date'
step('create_bucket', lambda: s3.create_bucket(Bucket=b))
step('put_object', lambda: s3.put_object(Bucket=b, Key='k', Body=b'dated'))
got = step('get_object', lambda: s3.get_object(Bucket=b, Key='k'))
print('OK body' if got and got['Body'].read() == b'dated' else 'FAIL body')
step('delete_object', lambda: s3.delete_object(Bucket=b, Key='k'))
step('delete_bucket', lambda: s3.delete_bucket(Bucket=b))
print('OK signed with Date only' if seen and all(d and not x for d, x in seen) else 'FAIL headers', seen)
`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(failures(r.stdout), [], r.stdout);
});

/** Sets x-amz-meta-meta1 to a non-ASCII value on PutObject (as ceph's s3-tests do): botocore signs its UTF-8 and sends the UTF-8 bytes. */
const utf8Metadata = (signatureVersion: string, bucket: string) => `${client(signatureVersion)}
def set_unicode_metadata(params, **kwargs):
    params['headers']['x-amz-meta-meta1'] = u'Hello World\\xe9'
s3.meta.events.register('before-call.s3.PutObject', set_unicode_metadata)
b = '${bucket}'
step('create_bucket', lambda: s3.create_bucket(Bucket=b))
step('put_object', lambda: s3.put_object(Bucket=b, Key='foo', Body=b'bar'))
got = step('get_object', lambda: s3.get_object(Bucket=b, Key='foo'))
# http.client reads header bytes as Latin-1: re-encode to get the bytes the server sent.
value = got['Metadata'].get('meta1', '').encode('latin-1').decode('utf-8') if got else None
print('OK metadata' if value == u'Hello World\\xe9' else 'FAIL metadata', repr(value))
`;

test('botocore SigV4 with a UTF-8 x-amz-meta value is accepted, and the same bytes come back', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(server, utf8Metadata('s3v4', 'sigv4-utf8'));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(failures(r.stdout), [], r.stdout);
});

test('botocore SigV2 with a UTF-8 x-amz-meta value is accepted, and the same bytes come back', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(server, utf8Metadata('s3', 'sigv2-utf8'));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(failures(r.stdout), [], r.stdout);
});
