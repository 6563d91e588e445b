/** POST Object: browser form uploads signed with SigV4 (boto3 and hand-built) and SigV2; policy conditions enforced; nothing stored on failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { createHmac } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from '../helpers/start-server.js';
import { signedFields as signed } from '../helpers/post-form.js';
import { BOTO3_MISSING, HAS_BOTO3, python } from '../helpers/python-tools.js';
import { errorCode } from '../helpers/raw-request.js';

const suite = serverSuite('post');


/** A SigV4-signed form for `conditions` on the suite's bucket. */
const signedFields = (conditions: unknown[], fields: Record<string, string>, expiresInMs?: number) => signed(suite.bucket, conditions, fields, expiresInMs);

async function post(fields: Record<string, string>, file: Buffer | string, filename = 'upload.txt'): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([typeof file === 'string' ? file : new Uint8Array(file)]), filename);
  return fetch(`${suite.server.url}/${suite.bucket}`, { method: 'POST', body: form });
}

const exists = async (key: string) => suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: key })).then(() => true, () => false);

test('a signed form uploads (204), with ${filename}, SSE and success_action_status 201', async () => {
  const ok = await post(signedFields([['starts-with', '$key', 'uploads/'], { 'x-amz-server-side-encryption': 'AES256' }], { key: 'uploads/${filename}', 'x-amz-server-side-encryption': 'AES256' }), 'form body', 'photo.txt');
  assert.equal(ok.status, 204, await ok.text());
  assert.equal(ok.headers.get('x-amz-server-side-encryption'), 'AES256');
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'uploads/photo.txt' }));
  assert.equal(head.ServerSideEncryption, 'AES256');
  const created = await post(signedFields([{ key: 'created' }, { success_action_status: '201' }], { key: 'created', success_action_status: '201' }), 'x');
  assert.equal(created.status, 201);
  assert.match(await created.text(), /<PostResponse><Location>.*<\/Location><Bucket>.*<Key>created<\/Key><ETag>/);
});

test('content-length-range is enforced while the file streams, and nothing is stored (bounds: test/security/post-form-limits.test.ts)', async () => {
  const res = await post(signedFields([{ key: 'big' }, ['content-length-range', 0, 10]], { key: 'big' }), 'x'.repeat(100));
  assert.equal(res.status, 400);
  const body = await res.text();
  assert.equal(errorCode(body), 'EntityTooLarge');
  assert.match(body, /<ProposedSize>100<\/ProposedSize><MaxSizeAllowed>10<\/MaxSizeAllowed>/);
  assert.equal(await exists('big'), false);
});

test('expired policy, tampered policy, uncovered field, unsigned form', async () => {
  const expired = await post(signedFields([{ key: 'late' }], { key: 'late' }, -1000), 'x');
  assert.equal(expired.status, 403);
  assert.match(await expired.text(), /Policy expired/);
  const fields = signedFields([{ key: 'tamper' }], { key: 'tamper' });
  const tampered = await post({ ...fields, policy: Buffer.from(Buffer.from(fields['policy']!, 'base64').toString().replace('tamper', 'tampex')).toString('base64') }, 'x');
  assert.equal(errorCode(await tampered.text()), 'SignatureDoesNotMatch');
  const extra = await post({ ...signedFields([{ key: 'extra' }], { key: 'extra' }), 'x-amz-meta-sneaky': 'yes' }, 'x');
  assert.equal(extra.status, 403);
  assert.match(await extra.text(), /Extra input fields: x-amz-meta-sneaky/);
  const unsigned = await post({ key: 'anon' }, 'x');
  assert.equal(unsigned.status, 403);
  for (const key of ['late', 'tamper', 'tampex', 'extra', 'anon']) assert.equal(await exists(key), false, key);
});

test('a SigV2 form (AWSAccessKeyId + HMAC-SHA1 signature)', async () => {
  const policy = Buffer.from(JSON.stringify({ expiration: new Date(Date.now() + 60_000).toISOString(), conditions: [{ bucket: suite.bucket }, { key: 'v2' }] })).toString('base64');
  const signature = createHmac('sha1', TEST_SECRET_KEY).update(policy).digest('base64');
  const res = await post({ key: 'v2', AWSAccessKeyId: TEST_ACCESS_KEY, policy, signature }, 'signed the old way');
  assert.equal(res.status, 204, await res.text());
  const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'v2' }));
  assert.equal(await got.Body!.transformToString(), 'signed the old way');
});

test('boto3 generate_presigned_post + requests', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(suite.server, `
import boto3, requests, os, sys
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
post = s3.generate_presigned_post(sys.argv[1], 'from-boto3', Conditions=[['content-length-range', 1, 1000]])
r = requests.post(post['url'], data=post['fields'], files={'file': ('f.txt', b'boto3 form')})
print(r.status_code)
`, [suite.bucket]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '204');
  assert.equal(await exists('from-boto3'), true);
});
