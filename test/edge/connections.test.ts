/** Connections are bounded: header and body deadlines (400 RequestTimeout), idle keep-alive closed, total and per-address caps. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { eventually, rawConnection, signedHeaders, type RawConnection } from '../helpers/slow-client.js';

const withinMs = (p: Promise<void>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
const headerBlock = (first: string, headers: Record<string, string>) => `${first}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;

describe('deadlines (0.5 s each, set by flags)', () => {
  let server: TestServer;
  const bucket = bucketName('deadlines');
  before(async () => {
    server = await startServer({ args: ['--headers-timeout', '0.5', '--body-timeout', '0.5', '--keep-alive-timeout', '0.5'] });
    assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}` })).status, 200);
  });
  after(() => server.stop());

  test('a header section that does not arrive in time is answered 400 RequestTimeout and closed', async () => {
    const conn = await rawConnection(server.url);
    const opened = Date.now();
    conn.socket.write(`GET /${bucket} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
    assert.ok(await withinMs(conn.closed, 5000), 'the server closed the connection');
    assert.ok(Date.now() - opened < 4000, `closed after ${Date.now() - opened} ms`);
    assert.match(conn.received(), /^HTTP\/1\.1 400 /);
    assert.equal(errorCode(conn.received()), 'RequestTimeout');
  });

  test('a connection that never sends a byte is closed', async () => {
    const conn = await rawConnection(server.url);
    assert.ok(await withinMs(conn.closed, 5000), 'the server closed the connection');
  });

  test('a signed PUT whose body stalls is answered 400 RequestTimeout, closed, and leaves no temp file', async () => {
    const path = `/${bucket}/stalled`;
    const headers = await signedHeaders(server.url, { method: 'PUT', path, headers: { 'content-length': String(1024 * 1024) } });
    const conn = await rawConnection(server.url);
    conn.socket.write(headerBlock(`PUT ${path} HTTP/1.1`, headers));
    conn.socket.write(Buffer.alloc(200 * 1024, 1));
    assert.ok(await withinMs(conn.closed, 5000), 'the server closed the connection');
    assert.match(conn.received(), /^HTTP\/1\.1 400 /);
    assert.equal(errorCode(conn.received()), 'RequestTimeout');
    assert.match(conn.received(), /connection: close/i);
    // The operation is failed as the connection closes; its temp file goes with it.
    assert.ok(await eventually(() => readdirSync(join(server.dataDir, 'blobs', '.tmp')).length === 0, 2000), 'no temp file left');
    assert.equal((await rawRequest(server.url, { method: 'HEAD', path })).status, 404);
  });

  test('an anonymous POST form that stalls is timed out like any body', async () => {
    const boundary = 'stall';
    const conn = await rawConnection(server.url);
    conn.socket.write(headerBlock(`POST /${bucket} HTTP/1.1`, { host: 'x', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '10000000' }));
    conn.socket.write(`--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n`);
    assert.ok(await withinMs(conn.closed, 5000), 'the server closed the connection');
    assert.equal(errorCode(conn.received()), 'RequestTimeout');
  });

  test('an idle kept-alive connection is closed after the keep-alive timeout', async () => {
    const conn = await rawConnection(server.url);
    conn.socket.write(`GET /${bucket} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const answered = Date.now();
    assert.ok(await withinMs(conn.closed, 5000), 'the server closed the connection');
    assert.ok(Date.now() - answered < 3500, `closed after ${Date.now() - answered} ms`);
    assert.match(conn.received(), /^HTTP\/1\.1 403 /);
  });
});

describe('connection caps (5 per address, 20 in all)', () => {
  let server: TestServer;
  const held: RawConnection[] = [];
  before(async () => {
    server = await startServer({ args: ['--max-connections', '20', '--max-connections-per-ip', '5'] });
  });
  after(async () => {
    for (const c of held) c.socket.destroy();
    await server.stop();
  });

  test('past the per-address cap a connection is answered 503 SlowDown and closed; other addresses are served', async () => {
    for (let i = 0; i < 5; i++) held.push(await rawConnection(server.url, '127.0.0.2'));
    const excess = await rawConnection(server.url, '127.0.0.2');
    assert.ok(await withinMs(excess.closed, 3000), 'the excess connection was closed');
    assert.match(excess.received(), /^HTTP\/1\.1 503 /);
    assert.equal(errorCode(excess.received()), 'SlowDown');
    for (const c of held) assert.equal(c.socket.destroyed, false, 'connections within the cap stay open');
    assert.equal((await rawRequest(server.url, { method: 'GET', path: '/' })).status, 200);
  });

  test('past the total cap a connection is closed at once; freed slots are reused', async () => {
    const attempts: RawConnection[] = [];
    for (const address of ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6']) {
      for (let i = 0; i < 5; i++) attempts.push(await rawConnection(server.url, address));
    }
    await new Promise((r) => setTimeout(r, 500));
    const refused = attempts.filter((c) => c.socket.destroyed || c.socket.readableEnded);
    const open = [...held, ...attempts].filter((c) => !refused.includes(c));
    held.push(...attempts);
    assert.ok(open.length <= 20, `${open.length} connections open at once`);
    assert.ok(refused.length >= 5, `${refused.length} of 25 refused`);
    for (const c of refused) assert.equal(c.received(), '', 'refused without an answer');
    for (const c of held.splice(0)) c.socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await rawRequest(server.url, { method: 'GET', path: '/' })).status, 200);
  });
});
