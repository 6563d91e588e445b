/** aws-chunked bodies as an attacker sends them: endless trailers, a tiny declared length followed by a flood; refused fast, bounded in memory, nothing left behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { amzDateOf, send, sha256hex, signHeaders, unsignedTrailerBody } from '../helpers/hand-signer.js';
import { withPeakRss } from '../helpers/rss.js';

const suite = serverSuite('auth-chunked', async (s) => {
  assert.equal((await rawRequest(s.server.url, { method: 'PUT', path: `/${s.bucket}/existing`, body: 'still served' })).status, 200);
});

const MB = 1024 * 1024;
const RSS_LIMIT = 250 * MB;

/** Headers of a header-signed STREAMING-UNSIGNED-PAYLOAD-TRAILER PUT. */
function chunkedPutHeaders(key: string, decodedLength: number, contentLength: number, trailer = 'x-amz-checksum-sha256'): Record<string, string> {
  const headers = signHeaders({
    method: 'PUT', path: `/${suite.bucket}/${key}`, host: new URL(suite.server.url).host, amzDate: amzDateOf(new Date()),
    payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(decodedLength), 'x-amz-trailer': trailer },
  });
  return { ...headers, 'content-length': String(contentLength) };
}

/** `prefix`, then `block` repeated until `total` bytes; lazily, so the test itself stays small. */
function flood(prefix: Buffer, block: Buffer, total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent === 0) { sent += prefix.length; this.push(prefix); return; }
      if (sent >= total) { this.push(null); return; }
      const piece = block.subarray(0, Math.min(block.length, total - sent));
      sent += piece.length;
      this.push(piece);
    },
  });
}

/** Streams `body` as one PUT; resolves with the first answer, then stops sending. Rejects if the server hangs up without one. */
function floodPut(key: string, headers: Record<string, string>, body: Readable): Promise<{ status: number; body: string; ms: number }> {
  const url = new URL(suite.server.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'PUT', path: `/${suite.bucket}/${key}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: Date.now() - started }); body.unpipe(req); req.destroy(); });
    });
    req.on('error', (e) => reject(new Error(`no answer before the connection failed after ${Date.now() - started} ms: ${e.message}`)));
    body.pipe(req);
  });
}

/** GETs a small object every 100 ms while `during` runs; returns the slowest answer (ms). */
async function concurrentClient<T>(during: Promise<T>): Promise<{ result: T; slowest: number; served: number }> {
  let stop = false;
  let slowest = 0;
  let served = 0;
  const loop = (async () => {
    while (!stop) {
      const t = Date.now();
      const res = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/existing` });
      assert.equal(res.body, 'still served');
      slowest = Math.max(slowest, Date.now() - t);
      served++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let result: T;
  try {
    result = await during;
  } finally {
    stop = true;
    // The request in flight when the attack ended counts: it was sent while the server was under attack.
    await loop;
  }
  return { result, slowest, served };
}

function tmpFiles(): string[] {
  const dir = join(suite.server.dataDir, 'blobs', '.tmp');
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('a signed aws-chunked PUT with 200 MB of trailer lines is refused within 10 s, RSS stays bounded, nothing is left', async () => {
  // Distinct names per block, so each line is a new trailer (the heap-exhausting variant).
  const block = Buffer.from(Array.from({ length: 60_000 }, (_, i) => `x-amz-t${i}:v\r\n`).join(''));
  const prefix = Buffer.from('5\r\nhello\r\n0\r\n');
  const total = 200 * MB;
  const headers = chunkedPutHeaders('trailer-flood', 5, total);
  const { result: { result, slowest, served }, peak } = await withPeakRss(suite.server.process.pid!, () =>
    concurrentClient(floodPut('trailer-flood', headers, flood(prefix, block, total))));
  assert.equal(result.status, 400, result.body);
  assert.equal(errorCode(result.body), 'MalformedTrailerError');
  assert.ok(result.ms < 10_000, `answered after ${result.ms} ms`);
  assert.ok(served > 0 && slowest < 5_000, `concurrent client: ${served} served, slowest ${slowest} ms`);
  assert.ok(peak < RSS_LIMIT, `peak RSS ${Math.round(peak / MB)} MB`);
  assert.deepEqual(tmpFiles(), []);
  assert.equal((await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/trailer-flood` })).status, 404);
});

test('x-amz-decoded-content-length: 1 followed by a 200 MB chunk fails at the chunk header, RSS bounded, nothing left', async () => {
  const total = 200 * MB;
  const prefix = Buffer.from(`${total.toString(16)}\r\n`);
  const headers = chunkedPutHeaders('inflated', 1, prefix.length + total + 2 + 5);
  const { result: { result, slowest, served }, peak } = await withPeakRss(suite.server.process.pid!, () =>
    concurrentClient(floodPut('inflated', headers, flood(prefix, Buffer.alloc(MB, 0x61), prefix.length + total))));
  assert.equal(result.status, 400, result.body);
  assert.equal(errorCode(result.body), 'IncompleteBody');
  assert.ok(result.ms < 10_000, `answered after ${result.ms} ms`);
  assert.ok(served > 0 && slowest < 5_000, `concurrent client: ${served} served, slowest ${slowest} ms`);
  assert.ok(peak < RSS_LIMIT, `peak RSS ${Math.round(peak / MB)} MB`);
  assert.deepEqual(tmpFiles(), []);
  assert.equal((await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/inflated` })).status, 404);
});

test('17 trailer lines are MalformedTrailerError; one checksum trailer still stores the object', async () => {
  const body17 = unsignedTrailerBody('hello', Array.from({ length: 17 }, (_, i) => `x-amz-t${i}:v`));
  const many = await send(suite.server.url, 'PUT', `/${suite.bucket}/seventeen`, chunkedPutHeaders('seventeen', 5, body17.length), body17);
  assert.equal(many.status, 400, many.body);
  assert.equal(errorCode(many.body), 'MalformedTrailerError');
  assert.equal((await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/seventeen` })).status, 404);

  const sum = Buffer.from(sha256hex('hello'), 'hex').toString('base64');
  const ok = unsignedTrailerBody('hello', [`x-amz-checksum-sha256:${sum}`]);
  const res = await send(suite.server.url, 'PUT', `/${suite.bucket}/one-trailer`, chunkedPutHeaders('one-trailer', 5, ok.length), ok);
  assert.equal(res.status, 200, res.body);
  assert.equal((await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/one-trailer` })).body, 'hello');
});
