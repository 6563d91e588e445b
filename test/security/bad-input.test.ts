/** Bad input of every kind gets the exact AWS error code and status, stores nothing, and the server keeps serving. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { blobFiles } from '../helpers/data-dir.js';
import { errorCode, rawRequest, type RawOptions } from '../helpers/raw-request.js';

let server: TestServer;
const bucket = bucketName('bad');
const sseCBucket = bucketName('bad-ssec');
const md5 = (s: string) => createHash('md5').update(s).digest('base64');
const MINUTE = 60_000;

before(async () => {
  server = await startServer();
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}` })).status, 200);
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}/existing`, body: '0123456789' })).status, 200);
  // New buckets block SSE-C writes (403, before any other SSE-C check): this one allows them, so the SSE-C rows reach their own checks.
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${sseCBucket}` })).status, 200);
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${sseCBucket}?encryption`, body: '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BlockedEncryptionTypes><EncryptionType>NONE</EncryptionType></BlockedEncryptionTypes></Rule></ServerSideEncryptionConfiguration>' })).status, 200);
});
after(() => server.stop());

interface Row { name: string; request: RawOptions; code: string; status: number; check?: (body: string, headers: Record<string, unknown>) => void }

const rows: Row[] = [
  { name: 'malformed CreateBucket configuration', request: { method: 'PUT', path: '/bad-new-bucket-1', body: '<CreateBucketConfiguration><Location' }, code: 'MalformedXML', status: 400 },
  { name: 'DeleteObjects with garbage XML', request: { method: 'POST', path: `/${bucket}?delete`, body: 'not xml at all', headers: { 'content-md5': md5('not xml at all') } }, code: 'MalformedXML', status: 400 },
  { name: 'DeleteObjects with an entity declaration', request: { method: 'POST', path: `/${bucket}?delete`, body: '<!DOCTYPE x [<!ENTITY a "b">]><Delete><Object><Key>&a;</Key></Object></Delete>', headers: { 'content-md5': md5('<!DOCTYPE x [<!ENTITY a "b">]><Delete><Object><Key>&a;</Key></Object></Delete>') } }, code: 'MalformedXML', status: 400 },
  { name: 'PutBucketEncryption with no rule', request: { method: 'PUT', path: `/${bucket}?encryption`, body: '<ServerSideEncryptionConfiguration/>' }, code: 'MalformedXML', status: 400 },
  { name: 'CompleteMultipartUpload with garbage for an unknown upload', request: { method: 'POST', path: `/${bucket}/k?uploadId=nope`, body: '<<<' }, code: 'NoSuchUpload', status: 404 },
  { name: 'wrong signature', request: { method: 'PUT', path: `/${bucket}/sig`, body: 'x', secretKey: 'not-the-secret' }, code: 'SignatureDoesNotMatch', status: 403 },
  { name: 'unknown access key', request: { method: 'PUT', path: `/${bucket}/akid`, body: 'x', accessKey: 'AKIAUNKNOWN000000000' }, code: 'InvalidAccessKeyId', status: 403 },
  { name: 'clock skewed by 20 minutes', request: { method: 'PUT', path: `/${bucket}/skew`, body: 'x', signingDate: new Date(Date.now() - 20 * MINUTE) }, code: 'RequestTimeTooSkewed', status: 403 },
  { name: 'malformed Authorization header', request: { method: 'PUT', path: `/${bucket}/authz`, body: 'x', unsigned: true, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=garbage', 'x-amz-date': '20260101T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, code: 'AuthorizationHeaderMalformed', status: 400 },
  { name: '1025-byte key', request: { method: 'PUT', path: `/${bucket}/${'k'.repeat(1025)}`, body: 'x' }, code: 'KeyTooLongError', status: 400 },
  ...['ab', 'UPPERCASE', 'a..b', '192.168.1.1', '-abc', 'xn--abc'].map((name): Row => ({ name: `invalid bucket name ${name}`, request: { method: 'PUT', path: `/${name}` }, code: 'InvalidBucketName', status: 400 })),
  { name: 'wrong Content-MD5', request: { method: 'PUT', path: `/${bucket}/md5`, body: 'hello', headers: { 'content-md5': md5('other') } }, code: 'BadDigest', status: 400 },
  { name: 'Content-MD5 that is not base64 of 16 bytes', request: { method: 'PUT', path: `/${bucket}/md5b`, body: 'hello', headers: { 'content-md5': 'abc' } }, code: 'InvalidDigest', status: 400 },
  { name: 'wrong x-amz-checksum-crc32', request: { method: 'PUT', path: `/${bucket}/crc`, body: 'hello', headers: { 'x-amz-checksum-crc32': 'AAAAAA==' } }, code: 'BadDigest', status: 400 },
  { name: 'body that does not match the signed x-amz-content-sha256', request: { method: 'PUT', path: `/${bucket}/sha`, body: 'hello', payloadHash: createHash('sha256').update('other').digest('hex') }, code: 'XAmzContentSHA256Mismatch', status: 400 },
  { name: 'range past the end', request: { method: 'GET', path: `/${bucket}/existing`, headers: { range: 'bytes=100-' } }, code: 'InvalidRange', status: 416, check: (_b, h) => assert.equal(h['content-range'], 'bytes */10') },
  ...['replication', 'website', 'logging', 'lifecycle'].map((sub): Row => ({ name: `unknown subresource ?${sub}`, request: { method: 'GET', path: `/${bucket}?${sub}` }, code: 'NotImplemented', status: 501 })),
  { name: 'unknown object subresource ?torrent', request: { method: 'GET', path: `/${bucket}/existing?torrent` }, code: 'NotImplemented', status: 501 },
  { name: 'x-amz-server-side-encryption: AES257', request: { method: 'PUT', path: `/${bucket}/sse`, body: 'x', headers: { 'x-amz-server-side-encryption': 'AES257' } }, code: 'InvalidArgument', status: 400 },
  { name: 'SSE-C over plain HTTP', request: { method: 'PUT', path: `/${sseCBucket}/ssec`, body: 'x', headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': Buffer.alloc(32).toString('base64'), 'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(Buffer.alloc(32)).digest('base64') } }, code: 'InvalidRequest', status: 400 },
  { name: 'UploadPart with x-amz-server-side-encryption', request: { method: 'PUT', path: `/${bucket}/k?partNumber=1&uploadId=x`, body: 'x', headers: { 'x-amz-server-side-encryption': 'AES256' } }, code: 'InvalidArgument', status: 400 },
  { name: 'GET with x-amz-server-side-encryption', request: { method: 'GET', path: `/${bucket}/existing`, headers: { 'x-amz-server-side-encryption': 'AES256' } }, code: 'InvalidArgument', status: 400 },
  { name: 'user metadata over 2 KB', request: { method: 'PUT', path: `/${bucket}/meta`, body: 'x', headers: { 'x-amz-meta-big': 'v'.repeat(2100) } }, code: 'MetadataTooLarge', status: 400 },
  { name: 'anonymous GET', request: { method: 'GET', path: `/${bucket}/existing`, unsigned: true }, code: 'AccessDenied', status: 403 },
  { name: 'GET on a missing bucket', request: { method: 'GET', path: '/no-such-bucket-here/k' }, code: 'NoSuchBucket', status: 404 },
  { name: 'GET on a missing key', request: { method: 'GET', path: `/${bucket}/missing` }, code: 'NoSuchKey', status: 404 },
  { name: 'DeleteBucket on a non-empty bucket', request: { method: 'DELETE', path: `/${bucket}` }, code: 'BucketNotEmpty', status: 409 },
  { name: 'If-None-Match: * on an existing key', request: { method: 'PUT', path: `/${bucket}/existing`, body: 'new', headers: { 'if-none-match': '*' } }, code: 'PreconditionFailed', status: 412 },
  { name: 'invalid partNumber on UploadPart', request: { method: 'PUT', path: `/${bucket}/k?partNumber=0&uploadId=x`, body: 'x' }, code: 'InvalidArgument', status: 400 },
  { name: 'versionId other than null', request: { method: 'GET', path: `/${bucket}/existing?versionId=abc` }, code: 'InvalidArgument', status: 400 },
];

async function snapshot(): Promise<{ blobs: number; keys: string }> {
  const list = await rawRequest(server.url, { method: 'GET', path: `/${bucket}?list-type=2` });
  return { blobs: blobFiles(server.dataDir).length, keys: [...list.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]).join(',') };
}

for (const row of rows) {
  test(row.name, async () => {
    const before = await snapshot();
    const res = await rawRequest(server.url, row.request);
    assert.equal(errorCode(res.body), row.code, res.body);
    assert.equal(res.status, row.status);
    assert.ok(res.headers['x-amz-request-id'], 'every error carries a request id');
    row.check?.(res.body, res.headers);
    assert.deepEqual(await snapshot(), before, 'nothing was stored');
    const existing = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/existing` });
    assert.equal(existing.body, '0123456789', 'the server still serves');
  });
}

/** Sends raw bytes on a socket and returns what comes back (until the server closes or 2 s pass). */
function rawSocket(bytes: string, halfClose: boolean): Promise<string> {
  return new Promise((resolve) => {
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
    let out = '';
    socket.on('data', (d) => { out += d.toString(); });
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    setTimeout(() => { socket.destroy(); resolve(out); }, 2000);
  });
}

test('a body shorter than its Content-Length stores nothing (IncompleteBody or a dropped connection)', async () => {
  const before = await snapshot();
  const reply = await rawSocket(`PUT /${bucket}/short HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n\r\n${'a'.repeat(50)}`, true);
  if (reply !== '') assert.match(reply, /^HTTP\/1\.1 (400|403)/);
  const head = await rawRequest(server.url, { method: 'HEAD', path: `/${bucket}/short` });
  assert.equal(head.status, 404);
  assert.deepEqual(await snapshot(), before);
});

test('an oversized header section is answered 400 and the server keeps serving', async () => {
  const reply = await rawSocket(`GET /${bucket}/existing HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20 * 1024)}\r\n\r\n`, false);
  assert.match(reply, /^HTTP\/1\.1 400/);
  assert.match(reply, /RequestHeaderSectionTooLarge/);
  const existing = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/existing` });
  assert.equal(existing.body, '0123456789');
});

test('a request line that is not HTTP is answered 400', async () => {
  const reply = await rawSocket('THIS IS NOT HTTP\r\n\r\n', false);
  assert.match(reply, /^HTTP\/1\.1 400/);
});
