/** POST Object form values: the key validated as for PUT, values that become stored headers checked before anything is stored, success_action_redirect judged before the write. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { errorCode } from '../helpers/raw-request.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';

const suite = serverSuite('post-values');

const exists = async (key: string) => suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: key })).then(() => true, () => false);
const tempFiles = () => readdirSync(join(suite.server.dataDir, 'blobs', '.tmp'));
const count = async () => (await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket }))).KeyCount ?? 0;
const url = () => `${suite.server.url}/${suite.bucket}`;
const detail = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];

/** A form whose policy lets every given field take any value. */
function anyValues(fields: Record<string, string>): Record<string, string> {
  return signedFields(suite.bucket, Object.keys(fields).map((k) => ['starts-with', `$${k}`, '']), fields);
}

test('the key is validated as for PUT: empty → InvalidArgument, 1,025 bytes → KeyTooLongError, 1,024 bytes stored', async () => {
  const before = await count();
  const empty = await postForm(url(), formBody(anyValues({ key: '' }), 'x'));
  assert.equal(empty.status, 400, empty.body);
  assert.equal(errorCode(empty.body), 'InvalidArgument');
  assert.equal(detail(empty.body, 'ArgumentName'), 'key');

  const long = 'k'.repeat(1025);
  const tooLong = await postForm(url(), formBody(anyValues({ key: long }), 'x'));
  assert.equal(tooLong.status, 400, tooLong.body);
  assert.equal(errorCode(tooLong.body), 'KeyTooLongError');
  assert.equal(detail(tooLong.body, 'Size'), '1025');
  assert.equal(detail(tooLong.body, 'MaxSizeAllowed'), '1024');

  // Bytes, not characters: 512 two-byte characters plus one byte is 1,025 bytes.
  const wide = await postForm(url(), formBody(anyValues({ key: `${'é'.repeat(512)}x` }), 'x'));
  assert.equal(errorCode(wide.body), 'KeyTooLongError');

  // ${filename} is expanded before the check.
  const expanded = await postForm(url(), formBody(anyValues({ key: `${'k'.repeat(1000)}\${filename}` }), 'x', 'f'.repeat(25)));
  assert.equal(errorCode(expanded.body), 'KeyTooLongError');

  assert.equal(await count(), before);
  const max = 'm'.repeat(1024);
  const ok = await postForm(url(), formBody(anyValues({ key: max }), 'x'));
  assert.equal(ok.status, 204, ok.body);
  assert.equal(await exists(max), true);
  assert.deepEqual(tempFiles(), []);
});

test('${filename} takes only what follows the last slash or backslash of a client-supplied path (AWS HTML form fields)', async () => {
  const res = await postForm(url(), formBody(anyValues({ key: 'uploads/${filename}' }), 'x', 'C:\\Program Files\\dir\\photo.txt'));
  assert.equal(res.status, 204, res.body);
  assert.equal(await exists('uploads/photo.txt'), true);
});

test('form values that become stored headers are refused (400 InvalidArgument, nothing stored) on CR/LF, NUL, controls or non-Latin-1', async () => {
  const cases: Array<[string, Record<string, string>, string?]> = [
    ['CR/LF in Content-Type', { 'content-type': 'text/plain\r\nX-Injected: 1' }],
    ['LF in Cache-Control', { 'cache-control': 'no-cache\nX-Injected: 1' }],
    ['NUL in Content-Disposition', { 'content-disposition': 'attachment\0' }],
    ['non-Latin-1 in Content-Disposition', { 'content-disposition': 'attachment; filename="€.txt"' }],
    ['control character in Expires', { expires: 'Thu, 01 Dec 2094 16:00:00 GMT\x01' }],
    ['DEL in Content-Encoding', { 'content-encoding': 'gzip\x7f' }],
    ['LF in Content-Language', { 'content-language': 'en\nX: 1' }],
    ['CR in x-amz-website-redirect-location', { 'x-amz-website-redirect-location': '/a\rb' }],
    ['LF in user metadata', { 'x-amz-meta-note': 'a\nb' }],
    ['non-Latin-1 in user metadata', { 'x-amz-meta-note': 'snow ☃' }],
    ['a metadata name that is not an HTTP token', { 'x-amz-meta-a b': 'v' }],
    ['a metadata name outside ASCII', { 'x-amz-meta-é': 'v' }],
  ];
  const before = await count();
  for (const [label, fields] of cases) {
    const res = await postForm(url(), formBody(anyValues({ key: 'bad-header', ...fields }), 'x'));
    assert.equal(res.status, 400, `${label}: ${res.body}`);
    assert.equal(errorCode(res.body), 'InvalidArgument', label);
  }
  // The file part's own Content-Type becomes the object's when no field sets it.
  const fileType = await postForm(url(), formBody(anyValues({ key: 'bad-header' }), 'x', 'f.txt', 'text/plain; charset=☃'));
  assert.equal(fileType.status, 400, fileType.body);
  assert.equal(errorCode(fileType.body), 'InvalidArgument');
  assert.equal(await exists('bad-header'), false);
  assert.equal(await count(), before);
  assert.deepEqual(tempFiles(), []);
});

test('Latin-1 header values are stored and served back (GET is never a 500)', async () => {
  const res = await postForm(url(), formBody(anyValues({ key: 'latin1', 'content-disposition': 'attachment; filename="café.txt"', 'x-amz-meta-who': 'Zoë' }), 'hello'));
  assert.equal(res.status, 204, res.body);
  const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'latin1' }));
  assert.equal(await got.Body!.transformToString(), 'hello');
  // HTTP header bytes are Latin-1: é and ë go out as single bytes, which Node reads back as the same characters.
  assert.equal(got.ContentDisposition, 'attachment; filename="café.txt"');
  assert.equal(got.Metadata?.['who'], 'Zoë');
});

test('success_action_redirect: a usable absolute http(s) URL redirects (303); one S3 cannot interpret is ignored, decided before the write', async () => {
  const ok = await postForm(url(), formBody(anyValues({ key: 'redirected', success_action_redirect: 'https://example.com/done?x=1' }), 'x'));
  assert.equal(ok.status, 303, ok.body);
  const location = new URL(String(ok.headers['location']));
  assert.equal(location.origin + location.pathname, 'https://example.com/done');
  assert.equal(location.searchParams.get('x'), '1');
  assert.equal(location.searchParams.get('bucket'), suite.bucket);
  assert.equal(location.searchParams.get('key'), 'redirected');
  assert.match(location.searchParams.get('etag') ?? '', /^"[0-9a-f]{32}"$/);

  // "If Amazon S3 cannot interpret the URL, it ignores the success_action_redirect field" (AWS, HTML form
  // fields): the upload answers as if the field were absent, never a 500 after the object was stored.
  const unusable = ['not a url', '/relative/path', 'javascript:alert(1)', 'https://example.com/\r\nSet-Cookie: a=b', 'http://exa mple.com/'];
  for (const [i, redirect] of unusable.entries()) {
    const key = `ignored-${i}`;
    const res = await postForm(url(), formBody(anyValues({ key, success_action_redirect: redirect, success_action_status: '201' }), 'x'));
    assert.equal(res.status, 201, `${JSON.stringify(redirect)}: ${res.body}`);
    assert.equal(res.headers['location'], `${suite.server.url}/${suite.bucket}/${key}`);
    const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key }));
    assert.equal(await got.Body!.transformToString(), 'x');
  }
  // The deprecated `redirect` field behaves the same.
  const old = await postForm(url(), formBody(anyValues({ key: 'old-redirect', redirect: 'http://example.com/' }), 'x'));
  assert.equal(old.status, 303, old.body);
});
