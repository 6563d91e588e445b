/** Hand-signed requests for the signing variants real clients use: SigV2 bucket resources (path- and virtual-hosted-style), SigV4 over raw UTF-8 header bytes, SigV4 with only a Date header. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startServer, TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { signV2Headers } from '../helpers/aws-signing.js';
import { amzDateOf, send, sha256hex, signHeaders, signingKey } from '../helpers/hand-signer.js';
import { errorCode } from '../helpers/raw-request.js';

const DOMAIN = 's3.test';
let server: TestServer;
let s3: S3Client;
const bucket = bucketName('sigvar');

before(async () => {
  server = await startServer({ args: ['--domain', DOMAIN] });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
after(async () => {
  s3?.destroy();
  await server?.stop();
});

const pathHost = () => new URL(server.url).host;
const virtualHost = (b: string) => `${b}.${DOMAIN}:${server.port}`;
const asHeaders = (pairs: ReadonlyArray<readonly [string, string]>) => Object.fromEntries(pairs);
/** A header value whose bytes on the wire are the UTF-8 of `s` (Node writes header strings as Latin-1). */
const utf8OnWire = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
/** The UTF-8 text of a response header Node read as Latin-1. */
const utf8Of = (v: string | string[] | undefined) => Buffer.from(String(v), 'latin1').toString('utf8');

test('SigV2: PUT /bucket signed over /bucket/ (botocore, Java SDK v1) and over /bucket are both accepted; DELETE likewise', async () => {
  const created: string[] = [];
  for (const resource of ['slash', 'bare']) {
    const b = bucketName(`v2-${resource}`);
    const headers = signV2Headers('PUT', resource === 'slash' ? `/${b}/` : `/${b}`, pathHost(), [['content-length', '0']]);
    const res = await send(server.url, 'PUT', `/${b}`, asHeaders(headers));
    assert.equal(res.status, 200, res.body);
    created.push(b);
  }
  for (const [i, b] of created.entries()) {
    const headers = signV2Headers('DELETE', i === 0 ? `/${b}/` : `/${b}`, pathHost(), []);
    const res = await send(server.url, 'DELETE', `/${b}`, asHeaders(headers));
    assert.equal(res.status, 204, res.body);
  }
});

test('SigV2: sub-resources are part of the resource: ?uploads signed as such is accepted, the same signature on ?uploads removed is refused', async () => {
  const headers = asHeaders(signV2Headers('POST', `/${bucket}/mp?uploads`, pathHost(), [['content-length', '0']]));
  const ok = await send(server.url, 'POST', `/${bucket}/mp?uploads`, headers);
  assert.equal(ok.status, 200, ok.body);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(ok.body)?.[1];
  assert.ok(uploadId, ok.body);
  // A part upload names both uploadId and partNumber in the resource, sorted; `x-id` is no sub-resource.
  const part = asHeaders(signV2Headers('PUT', `/${bucket}/mp?partNumber=1&uploadId=${uploadId}`, pathHost(), [['content-length', '3']]));
  const put = await send(server.url, 'PUT', `/${bucket}/mp?uploadId=${encodeURIComponent(uploadId)}&partNumber=1&x-id=UploadPart`, part, 'abc');
  assert.equal(put.status, 200, put.body);
  // The signature of a plain PUT used for a part upload: the sub-resources are not in what it signed.
  const plain = asHeaders(signV2Headers('PUT', `/${bucket}/mp`, pathHost(), [['content-length', '3']]));
  const refused = await send(server.url, 'PUT', `/${bucket}/mp?uploadId=${encodeURIComponent(uploadId)}&partNumber=2`, plain, 'abc');
  assert.equal(refused.status, 403, refused.body);
  assert.equal(errorCode(refused.body), 'SignatureDoesNotMatch');
});

test('SigV2 virtual-hosted: the resource starts with /bucket (GET / is /bucket/, PUT /key is /bucket/key)', async () => {
  const put = asHeaders(signV2Headers('PUT', `/${bucket}/vh.txt`, virtualHost(bucket), [['content-length', '2']]));
  const stored = await send(server.url, 'PUT', '/vh.txt', put, 'vh');
  assert.equal(stored.status, 200, stored.body);
  const list = asHeaders(signV2Headers('GET', `/${bucket}/`, virtualHost(bucket), []));
  const listed = await send(server.url, 'GET', '/?prefix=vh', list);
  assert.equal(listed.status, 200, listed.body);
  assert.match(listed.body, /<Key>vh\.txt<\/Key>/);
  // Signed over the path alone (no bucket), as the Host-addressed resource is not: refused.
  const pathOnly = asHeaders(signV2Headers('GET', '/vh.txt', virtualHost(bucket), []));
  const refused = await send(server.url, 'GET', '/vh.txt', pathOnly);
  assert.equal(refused.status, 403, refused.body);
  assert.equal(errorCode(refused.body), 'SignatureDoesNotMatch');
});

/** A header-signed PUT of one byte to `key` whose x-amz-meta-a is signed as `signedValue` and sent as `wireValue`. */
async function putWithMeta(key: string, signedValue: string, wireValue: string) {
  const signed = signHeaders({ method: 'PUT', path: `/${bucket}/${key}`, host: pathHost(), headers: { 'x-amz-meta-a': signedValue }, payloadHash: sha256hex('x'), amzDate: amzDateOf(new Date()) });
  // A Buffer body: Node then writes the header section as Latin-1, one byte per character (a string body
  // sent in the same write would turn the header section into UTF-8).
  return send(server.url, 'PUT', `/${bucket}/${key}`, { ...signed, 'x-amz-meta-a': wireValue, 'content-length': '1' }, Buffer.from('x'));
}

async function metaBack(key: string, method: string): Promise<string | string[] | undefined> {
  const got = signHeaders({ method, path: `/${bucket}/${key}`, host: pathHost(), headers: {}, payloadHash: sha256hex(''), amzDate: amzDateOf(new Date()) });
  const back = await send(server.url, method, `/${bucket}/${key}`, got);
  assert.equal(back.status, 200, back.body);
  return back.headers['x-amz-meta-a'];
}

test('SigV4: an x-amz-meta value sent as UTF-8 bytes is signed over those bytes; GET and HEAD return the same bytes', async () => {
  const value = 'Hello Worldé ☃';
  const res = await putWithMeta('utf8', value, utf8OnWire(value));
  assert.equal(res.status, 200, res.body);
  for (const method of ['GET', 'HEAD']) assert.equal(utf8Of(await metaBack('utf8', method)), value, method);
  // The signature covers those bytes: another value under the same signature is refused.
  const forged = await putWithMeta('utf8', value, utf8OnWire('Hello Worlde ☃'));
  assert.equal(forged.status, 403, forged.body);
  assert.equal(errorCode(forged.body), 'SignatureDoesNotMatch');
});

test('SigV4 from a Node client that sends a Latin-1 byte and signs its UTF-8 (Zoë) is still accepted, and the byte comes back', async () => {
  const res = await putWithMeta('latin1', 'Zoë', 'Zoë');
  assert.equal(res.status, 200, res.body);
  assert.equal(await metaBack('latin1', 'HEAD'), 'Zoë');
  const forged = await putWithMeta('latin1', 'Zoë', 'Zoe');
  assert.equal(forged.status, 403, forged.body);
});

test('SigV4 with a Date header and no x-amz-date: the string to sign carries the ISO8601 form of that date', async () => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dated', Body: 'x' }));
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const date = now.toUTCString();
  const amzDate = amzDateOf(now);
  const scope = `${amzDate.slice(0, 8)}/${TEST_REGION}/s3/aws4_request`;
  const sign = (stsDate: string) => {
    const canonical = ['GET', `/${bucket}/dated`, '', `date:${date}\nhost:${pathHost()}\nx-amz-content-sha256:${sha256hex('')}\n`, 'date;host;x-amz-content-sha256', sha256hex('')].join('\n');
    const sts = ['AWS4-HMAC-SHA256', stsDate, scope, sha256hex(canonical)].join('\n');
    const signature = createHmac('sha256', signingKey(amzDate.slice(0, 8), TEST_SECRET_KEY)).update(sts).digest('hex');
    return { host: pathHost(), date, 'x-amz-content-sha256': sha256hex(''), authorization: `AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY}/${scope},SignedHeaders=date;host;x-amz-content-sha256,Signature=${signature}` };
  };
  const ok = await send(server.url, 'GET', `/${bucket}/dated`, sign(amzDate));
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.body, 'x');
  // The Date header's own text in the string to sign is not what SigV4 signs.
  const verbatim = await send(server.url, 'GET', `/${bucket}/dated`, sign(date));
  assert.equal(verbatim.status, 403, verbatim.body);
  assert.equal(errorCode(verbatim.body), 'SignatureDoesNotMatch');
});
