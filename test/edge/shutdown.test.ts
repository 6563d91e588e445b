/** SIGTERM: in-flight requests finish and are answered with Connection: close, kept-alive connections take no new request, the process exits 0 at once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { rawRequest } from '../helpers/raw-request.js';
import { rawConnection, signedHeaders } from '../helpers/slow-client.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const withinMs = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), sleep(ms).then(() => false)]);

test('item 17: a slow PUT in flight at SIGTERM gets its 200 with Connection: close; idle and kept-alive connections are closed; exit 0 promptly', { timeout: 60_000 }, async () => {
  const server = await startServer();
  const bucket = bucketName('shutdown');
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}` })).status, 200);
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => server.process.once('exit', (code) => resolve({ code, at: Date.now() })));

  // A kept-alive connection that has finished one request and now sits idle.
  const idle = await rawConnection(server.url);
  idle.socket.write(`GET /${bucket} HTTP/1.1\r\nHost: x\r\n\r\n`);
  await sleep(200);
  assert.match(idle.received(), /^HTTP\/1\.1 403 /);

  // A slow PUT: headers and the first MiB now, the rest after SIGTERM.
  const path = `/${bucket}/in-flight`;
  const headers = await signedHeaders(server.url, { method: 'PUT', path, headers: { 'content-length': String(4 * MiB) } });
  const busy = await rawConnection(server.url);
  busy.socket.write(`PUT ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
  busy.socket.write(Buffer.alloc(MiB, 1));
  await sleep(200);

  server.process.kill('SIGTERM');
  assert.ok(await withinMs(idle.closed, 2000), 'the idle kept-alive connection was closed at SIGTERM');
  for (let i = 1; i < 4; i++) {
    await sleep(150);
    busy.socket.write(Buffer.alloc(MiB, 1));
  }
  assert.ok(await withinMs(new Promise<void>((r) => { const poll = setInterval(() => { if (/\r\n\r\n/.test(busy.received())) { clearInterval(poll); r(); } }, 20); }), 5000), 'the PUT was answered');
  const answer = busy.received();
  const answeredAt = Date.now();
  assert.match(answer, /^HTTP\/1\.1 200 /, answer);
  assert.match(answer, /\r\nconnection: close\r\n/i, answer);
  // No further request is taken on that connection.
  busy.socket.write(`GET /${bucket}/in-flight HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.ok(await withinMs(busy.closed, 2000), 'the connection closed after its last answer');
  assert.equal((busy.received().match(/HTTP\/1\.1 /g) ?? []).length, 1, 'no second answer on it');

  const exit = await exited;
  assert.equal(exit.code, 0);
  assert.ok(exit.at - answeredAt < 2000, `exited ${exit.at - answeredAt} ms after the last answer`);
  await server.stop();
});
