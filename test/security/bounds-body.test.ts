/** Request bodies are bounded: lengths enforced while streaming, headers checked before any byte is stored, early errors answered at once, no temp file left. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { blobFiles } from '../helpers/data-dir.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { withPeakRss } from '../helpers/rss.js';
import { eventually, openRequest, pump, rawConnection, signedHeaders } from '../helpers/slow-client.js';

const suite = serverSuite('bounds-body');
const MiB = 1024 * 1024;
const tmpFiles = () => readdirSync(join(suite.server.dataDir, 'blobs', '.tmp'));
const exists = async (key: string) => (await rawRequest(suite.server.url, { method: 'HEAD', path: `/${suite.bucket}/${key}` })).status === 200;

/** One aws-chunked frame without a signature (STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
const frame = (data: Buffer) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);

test('item 9: a Transfer-Encoding: chunked PUT with no length is refused 411 MissingContentLength at once, before its body is read', { timeout: 120_000 }, async () => {
  for (const path of [`/${suite.bucket}/chunked`, `/${suite.bucket}/chunked-part?partNumber=1&uploadId=${await uploadId('chunked-part')}`]) {
    const headers = await signedHeaders(suite.server.url, { method: 'PUT', path, headers: { 'transfer-encoding': 'chunked' } });
    const { req, answer } = openRequest(suite.server.url, 'PUT', path, headers);
    let answered = false;
    void answer.then(() => { answered = true; }, () => { answered = true; });
    const started = Date.now();
    const sent = await pump(req, Buffer.alloc(64 * 1024, 1), 64 * MiB, () => answered, 5);
    if (!answered) req.end();
    const res = await answer;
    req.destroy();
    assert.equal(res.status, 411, res.body);
    assert.equal(errorCode(res.body), 'MissingContentLength');
    assert.ok(res.at - started < 3000, `answered after ${res.at - started} ms`);
    assert.ok(sent < 32 * MiB, `the client got to send ${sent} bytes first`);
  }
  assert.equal(await exists('chunked'), false);
  assert.deepEqual(tmpFiles(), []);
});

test('item 9: an aws-chunked PUT that claims a small decoded length and streams more fails at the excess, memory bounded', { timeout: 120_000 }, async () => {
  for (const claim of [1, 100 * 1024]) {
    const key = `inflated-${claim}`;
    const path = `/${suite.bucket}/${key}`;
    const headers = await signedHeaders(suite.server.url, {
      method: 'PUT', path, payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(claim), 'transfer-encoding': 'chunked' },
    });
    const blobsBefore = blobFiles(suite.server.dataDir).length;
    const { result, peak } = await withPeakRss(suite.server.process.pid!, async () => {
      const { req, answer } = openRequest(suite.server.url, 'PUT', path, headers);
      let answered = false;
      void answer.then(() => { answered = true; }, () => { answered = true; });
      const sent = await pump(req, frame(Buffer.alloc(MiB, 7)), 512 * MiB, () => answered);
      if (!answered) req.end('0\r\n\r\n');
      const res = await answer;
      req.destroy();
      return { res, sent };
    });
    assert.equal(result.res.status, 400, result.res.body);
    assert.equal(errorCode(result.res.body), 'IncompleteBody');
    assert.ok(result.sent < 128 * MiB, `the server read ${result.sent} bytes before refusing`);
    assert.ok(peak < 250 * MiB, `peak RSS ${(peak / MiB).toFixed(0)} MiB`);
    assert.equal(await exists(key), false);
    assert.equal(blobFiles(suite.server.dataDir).length, blobsBefore);
    assert.deepEqual(tmpFiles(), []);
  }
});

async function uploadId(key: string): Promise<string> {
  return (await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: key }))).UploadId!;
}

test('item 11: bad headers on PUT and UploadPart with an 8 MiB body: exact error, nothing stored, no temp file', { timeout: 120_000 }, async () => {
  const upload = await uploadId('mp');
  const part = (extra = '') => `/${suite.bucket}/mp?partNumber=1&uploadId=${upload}${extra}`;
  const rows: Array<{ name: string; path: string; headers: Record<string, string>; code: string; status: number }> = [
    { name: 'invalid x-amz-storage-class', path: `/${suite.bucket}/sc`, headers: { 'x-amz-storage-class': 'PLATINUM' }, code: 'InvalidStorageClass', status: 400 },
    { name: 'Content-MD5 not 16 bytes', path: `/${suite.bucket}/md5`, headers: { 'content-md5': 'abc' }, code: 'InvalidDigest', status: 400 },
    { name: 'unknown SSE algorithm', path: `/${suite.bucket}/sse`, headers: { 'x-amz-server-side-encryption': 'AES257' }, code: 'InvalidArgument', status: 400 },
    { name: 'metadata over 2 KB', path: `/${suite.bucket}/meta`, headers: { 'x-amz-meta-big': 'v'.repeat(2100) }, code: 'MetadataTooLarge', status: 400 },
    { name: 'wrong Content-MD5 (found only after the body)', path: `/${suite.bucket}/badmd5`, headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }, code: 'BadDigest', status: 400 },
    { name: 'UploadPart with x-amz-server-side-encryption', path: part(), headers: { 'x-amz-server-side-encryption': 'AES256' }, code: 'InvalidArgument', status: 400 },
    { name: 'UploadPart to an unknown upload', path: `/${suite.bucket}/mp?partNumber=1&uploadId=nope`, headers: {}, code: 'NoSuchUpload', status: 404 },
    { name: 'UploadPart with Content-MD5 not 16 bytes', path: part(), headers: { 'content-md5': 'abc' }, code: 'InvalidDigest', status: 400 },
    { name: 'UploadPart with a wrong Content-MD5', path: part(), headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }, code: 'BadDigest', status: 400 },
  ];
  const body = Buffer.alloc(8 * MiB, 3);
  for (const row of rows) {
    const blobsBefore = blobFiles(suite.server.dataDir).length;
    const res = await rawRequest(suite.server.url, { method: 'PUT', path: row.path, headers: row.headers, body, payloadHash: 'UNSIGNED-PAYLOAD' }).catch((e: Error) => ({ status: 0, body: e.message, headers: {} }));
    assert.equal(errorCode(res.body), row.code, `${row.name}: ${res.body}`);
    assert.equal(res.status, row.status, row.name);
    assert.deepEqual(tmpFiles(), [], `${row.name}: temp files right after the response`);
    assert.equal(blobFiles(suite.server.dataDir).length, blobsBefore, `${row.name}: blob files`);
  }
  for (const key of ['sc', 'md5', 'sse', 'meta', 'badmd5']) assert.equal(await exists(key), false, key);
});

test('item 11: a client that aborts mid-upload leaves no temp file and no object', { timeout: 120_000 }, async () => {
  for (const path of [`/${suite.bucket}/aborted`, `/${suite.bucket}/aborted-part?partNumber=1&uploadId=${await uploadId('aborted-part')}`]) {
    const headers = await signedHeaders(suite.server.url, { method: 'PUT', path, headers: { 'content-length': String(64 * MiB) } });
    const { req, answer } = openRequest(suite.server.url, 'PUT', path, headers);
    await pump(req, Buffer.alloc(MiB, 5), 6 * MiB, () => false);
    assert.ok(await eventually(() => tmpFiles().length === 1, 5000), 'the upload reached a temp file');
    req.destroy();
    await answer.catch(() => undefined);
    assert.ok(await eventually(() => tmpFiles().length === 0, 5000), `temp files left: ${tmpFiles().join(', ')}`);
  }
  assert.equal(await exists('aborted'), false);
});

test('item 13: a wrongly signed PUT claiming 100 MB, sent slowly, is answered 403 within a second or two', { timeout: 120_000 }, async () => {
  const path = `/${suite.bucket}/slow-forged`;
  const headers = await signedHeaders(suite.server.url, { method: 'PUT', path, secretKey: 'not-the-secret', headers: { 'content-length': String(100_000_000) } });
  const { req, answer } = openRequest(suite.server.url, 'PUT', path, headers);
  let answered = false;
  void answer.then(() => { answered = true; }, () => { answered = true; });
  const started = Date.now();
  void pump(req, Buffer.alloc(16 * 1024, 2), 100_000_000, () => answered, 50);
  const res = await answer;
  req.destroy();
  assert.equal(res.status, 403, res.body);
  assert.equal(errorCode(res.body), 'SignatureDoesNotMatch');
  assert.ok(res.at - started < 2000, `answered after ${res.at - started} ms`);
  assert.equal(res.headers['connection'], 'close');
});

test('item 13: a refused POST form whose file arrives slowly is answered 403 within a second or two', { timeout: 120_000 }, async () => {
  const boundary = 'bounds-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nanon-slow\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const path = `/${suite.bucket}`;
  const { req, answer } = openRequest(suite.server.url, 'POST', path, {
    host: new URL(suite.server.url).host, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(100_000_000),
  });
  let answered = false;
  void answer.then(() => { answered = true; }, () => { answered = true; });
  const started = Date.now();
  req.write(head);
  void pump(req, Buffer.alloc(16 * 1024, 2), 100_000_000, () => answered, 50);
  const res = await answer;
  req.destroy();
  assert.equal(res.status, 403, res.body);
  assert.equal(errorCode(res.body), 'AccessDenied');
  assert.ok(res.at - started < 2000, `answered after ${res.at - started} ms`);
  assert.equal(await exists('anon-slow'), false);
});

test('item 13: an aws-chunked upload whose client half-closes before the last chunk gets its answer', { timeout: 120_000 }, async () => {
  const path = `/${suite.bucket}/half-closed`;
  const partial = Buffer.concat([frame(Buffer.alloc(1000, 1)), Buffer.from('3e8\r\n'), Buffer.alloc(500, 1)]);
  // Content-Length covering what is sent (the framing is short), and one claiming more than is sent.
  for (const contentLength of [partial.length, partial.length + 600]) {
    const headers = await signedHeaders(suite.server.url, {
      method: 'PUT', path, payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '2000', 'content-length': String(contentLength) },
    });
    const conn = await rawConnection(suite.server.url);
    conn.socket.write(`PUT ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
    conn.socket.write(partial);
    await new Promise((r) => setTimeout(r, 200));
    conn.socket.end();
    await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 5000))]);
    conn.socket.destroy();
    assert.match(conn.received(), /^HTTP\/1\.1 400 /, `Content-Length ${contentLength}`);
    assert.equal(errorCode(conn.received()), 'IncompleteBody', `Content-Length ${contentLength}`);
  }
  assert.equal(await exists('half-closed'), false);
  assert.deepEqual(tmpFiles(), []);
});
