/** DeleteObjects requires Content-MD5 or a checksum: a declared x-amz-trailer must not let it skip the check, and a trailer checksum is verified before anything is deleted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { amzDateOf, send, sha256hex, signHeaders, unsignedTrailerBody } from '../helpers/hand-signer.js';

const suite = serverSuite('auth-delete');
const KEYS = ['a', 'b'];
const xml = `<Delete>${KEYS.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
const sha256b64 = (s: string) => createHash('sha256').update(s).digest('base64');

async function putKeys(): Promise<void> {
  for (const k of KEYS) assert.equal((await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/${k}`, body: k })).status, 200);
}
async function remaining(): Promise<string[]> {
  const list = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}?list-type=2` });
  return [...list.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
}

/** A header-signed DeleteObjects whose body is `body`, with the given extra signed headers. */
function deleteRequest(body: Buffer, payloadHash: string, headers: Record<string, string>) {
  const signed = signHeaders({
    method: 'POST', path: `/${suite.bucket}`, query: [['delete', '']], host: new URL(suite.server.url).host,
    amzDate: amzDateOf(new Date()), payloadHash, headers,
  });
  return send(suite.server.url, 'POST', `/${suite.bucket}?delete`, { ...signed, 'content-length': String(body.length) }, body);
}

test('x-amz-trailer on a plain body, with no Content-MD5 and no trailer: refused, nothing deleted', async () => {
  await putKeys();
  const body = Buffer.from(xml);
  const res = await deleteRequest(body, sha256hex(body), { 'x-amz-trailer': 'x-amz-checksum-sha256' });
  assert.equal(res.status, 400, res.body);
  assert.equal(errorCode(res.body), 'MalformedTrailerError');
  assert.deepEqual(await remaining(), KEYS);
});

test('x-amz-trailer naming no checksum is no substitute for Content-MD5', async () => {
  await putKeys();
  const body = Buffer.from(xml);
  const res = await deleteRequest(body, sha256hex(body), { 'x-amz-trailer': 'x-amz-meta-anything' });
  assert.equal(res.status, 400, res.body);
  assert.equal(errorCode(res.body), 'InvalidRequest');
  assert.match(res.body, /Content-MD5/);
  assert.deepEqual(await remaining(), KEYS);
});

const chunkedHeaders = (decoded: number) => ({ 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(decoded), 'x-amz-trailer': 'x-amz-checksum-sha256' });

test('an aws-chunked DeleteObjects whose trailer checksum is wrong is BadDigest, nothing deleted', async () => {
  await putKeys();
  const body = unsignedTrailerBody(xml, [`x-amz-checksum-sha256:${sha256b64('<Delete/>')}`]);
  const res = await deleteRequest(body, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', chunkedHeaders(xml.length));
  assert.equal(res.status, 400, res.body);
  assert.equal(errorCode(res.body), 'BadDigest');
  assert.deepEqual(await remaining(), KEYS);
});

test('an aws-chunked DeleteObjects whose trailer carries another checksum than declared is refused, nothing deleted', async () => {
  await putKeys();
  const body = unsignedTrailerBody(xml, ['x-amz-checksum-crc32:AAAAAA==']);
  const res = await deleteRequest(body, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', chunkedHeaders(xml.length));
  assert.equal(res.status, 400, res.body);
  assert.equal(errorCode(res.body), 'MalformedTrailerError');
  assert.deepEqual(await remaining(), KEYS);
});

test('an aws-chunked DeleteObjects with the right trailer checksum deletes', async () => {
  await putKeys();
  const body = unsignedTrailerBody(xml, [`x-amz-checksum-sha256:${sha256b64(xml)}`]);
  const res = await deleteRequest(body, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', chunkedHeaders(xml.length));
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(await remaining(), []);
});
