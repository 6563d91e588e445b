/** DoS reproduction: 3,000 idle and slow connections (partial headers, stalled anonymous POST forms) while an SDK client keeps being served. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { rawRequest } from '../helpers/raw-request.js';
import { rssBytes } from '../helpers/rss.js';
import { rawConnection, type RawConnection } from '../helpers/slow-client.js';

const FLOOD = 3000;
/** Spread over loopback source addresses so the per-address cap (default 1,000) admits them all. */
const ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'];
const MiB = 1024 * 1024;

let server: TestServer;
let s3: S3Client;
const bucket = bucketName('flood');
const flood: RawConnection[] = [];

before(async () => {
  server = await startServer({ args: ['--headers-timeout', '10', '--body-timeout', '10'] });
  s3 = s3Client(server);
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}` })).status, 200);
});
after(async () => {
  for (const c of flood) c.socket.destroy();
  s3.destroy();
  await server.stop();
});

test('3,000 idle and slow connections: the SDK client is served, RSS stays under 250 MB, the server closes them after the deadline', { timeout: 120_000 }, async () => {
  const started = Date.now();
  for (let i = 0; i < FLOOD; i += 250) {
    const batch = await Promise.all(Array.from({ length: Math.min(250, FLOOD - i) }, (_, j) => rawConnection(server.url, ADDRESSES[(i + j) % ADDRESSES.length])));
    for (const [j, c] of batch.entries()) {
      // Half send a header section that never ends; half a complete anonymous POST form header, then stall.
      if ((i + j) % 2 === 0) c.socket.write(`PUT /${bucket}/k HTTP/1.1\r\nHost: x\r\nX-Slow: `);
      else c.socket.write(`POST /${bucket} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000000\r\n\r\n--b\r\n`);
    }
    flood.push(...batch);
  }
  await new Promise((r) => setTimeout(r, 200));
  const admitted = flood.filter((c) => !c.socket.destroyed).length;
  assert.ok(admitted >= FLOOD * 0.9, `the flood was admitted: ${admitted} open after ${Date.now() - started} ms`);
  let peak = rssBytes(server.process.pid!);
  const sampler = setInterval(() => { peak = Math.max(peak, rssBytes(server.process.pid!)); }, 100);
  try {
    // While the flood is held open, a normal client keeps working.
    for (let i = 0; i < 10; i++) {
      const body = Buffer.alloc(256 * 1024, i);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `served-${i}`, Body: body }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `served-${i}` }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
    }
    // Past the deadlines every flood connection is closed by the server.
    const deadline = Date.now() + 30_000;
    while (flood.some((c) => !c.socket.destroyed) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const left = flood.filter((c) => !c.socket.destroyed).length;
    assert.equal(left, 0, `${left} flood connections still open ${Date.now() - started} ms after the start`);
    peak = Math.max(peak, rssBytes(server.process.pid!));
  } finally {
    clearInterval(sampler);
  }
  assert.ok(peak < 250 * MiB, `peak RSS ${(peak / MiB).toFixed(0)} MiB`);
  const last = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'served-0' }));
  assert.equal((await last.Body!.transformToByteArray()).length, 256 * 1024);
});
