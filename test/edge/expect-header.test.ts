/** Expect over raw sockets: `100 Continue` only for `100-continue` and only once the request is authenticated; any other expectation is ignored (no 417), as S3 does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { serverSuite } from '../helpers/suite.js';
import { amzDateOf, sha256hex, signHeaders } from '../helpers/hand-signer.js';
import { rawRequest } from '../helpers/raw-request.js';

const suite = serverSuite('expect');

/** A socket and everything it has received so far (Latin-1 text), with a wait for a condition on it. */
interface Conversation { socket: Socket; received(): string; until(done: (text: string) => boolean, timeoutMs?: number): Promise<string> }

function open(): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: suite.server.port });
    let text = '';
    const waiters = new Set<() => void>();
    socket.on('data', (d: Buffer) => { text += d.toString('latin1'); for (const w of waiters) w(); });
    socket.on('close', () => { for (const w of waiters) w(); });
    socket.on('error', () => { /* a reset after the answer is fine: what was received is what is judged */ });
    socket.once('connect', () => resolve({
      socket,
      received: () => text,
      until: (done, timeoutMs = 5000) => new Promise((res) => {
        const check = () => {
          if (done(text) || socket.destroyed) { waiters.delete(check); clearTimeout(timer); res(text); }
        };
        const timer = setTimeout(() => { waiters.delete(check); res(text); }, timeoutMs);
        waiters.add(check);
        check();
      }),
    }));
    socket.once('error', reject);
  });
}

/** True once `text` holds a complete final (non-1xx) response: its head and Content-Length bytes of body. */
function finalResponseComplete(text: string): boolean {
  const m = /HTTP\/1\.1 [2-5]\d\d [^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(text);
  if (!m) return false;
  const length = Number(/content-length: (\d+)/i.exec(m[1]!)?.[1] ?? 0);
  return text.length >= m.index + m[0].length + length;
}

/** The request head, CRLF-terminated, with the given header lines. */
const head = (method: string, target: string, headers: Record<string, string>) =>
  `${method} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

const host = () => `127.0.0.1:${suite.server.port}`;

function signedPut(key: string, body: string, secret?: string): Record<string, string> {
  const headers = signHeaders({ method: 'PUT', path: `/${suite.bucket}/${key}`, host: host(), headers: { 'content-length': String(body.length) }, payloadHash: sha256hex(body), amzDate: amzDateOf(new Date()) });
  if (secret === undefined) return headers;
  // The same request signed with another secret: its signature does not match.
  const wrong = headers.authorization!.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`);
  return { ...headers, authorization: wrong };
}

const stored = async (key: string) => (await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/${key}` })).status;

test('an unauthenticated PUT with Expect: 100-continue gets its 403 with no 100 Continue before it', async () => {
  const c = await open();
  c.socket.write(head('PUT', `/${suite.bucket}/anon`, { host: host(), 'content-length': '5', expect: '100-continue' }));
  const text = await c.until(finalResponseComplete);
  c.socket.destroy();
  assert.match(text, /^HTTP\/1\.1 403 /, text);
  assert.doesNotMatch(text, /100 Continue/);
  assert.equal(await stored('anon'), 404);
});

test('a wrongly signed PUT with Expect: 100-continue gets its 403 SignatureDoesNotMatch with no 100 Continue before it', async () => {
  const c = await open();
  c.socket.write(head('PUT', `/${suite.bucket}/forged`, { ...signedPut('forged', 'hello', 'wrong'), expect: '100-continue' }));
  const text = await c.until(finalResponseComplete);
  c.socket.destroy();
  assert.match(text, /^HTTP\/1\.1 403 /, text);
  assert.match(text, /<Code>SignatureDoesNotMatch<\/Code>/);
  assert.doesNotMatch(text, /100 Continue/);
  assert.equal(await stored('forged'), 404);
});

test('a signed PUT with Expect: 100-Continue (any case) gets 100 Continue, then its 200 once the body is sent', async () => {
  const c = await open();
  c.socket.write(head('PUT', `/${suite.bucket}/continued`, { ...signedPut('continued', 'hello'), expect: '100-Continue' }));
  const interim = await c.until((t) => t.includes('\r\n\r\n'));
  assert.match(interim, /^HTTP\/1\.1 100 Continue\r\n\r\n$/, interim);
  c.socket.write('hello');
  const text = await c.until(finalResponseComplete);
  c.socket.destroy();
  assert.match(text.slice(interim.length), /^HTTP\/1\.1 200 /, text);
  assert.equal(await stored('continued'), 200);
});

test('Expect: something-else is ignored, not answered 417: a signed PUT with its body is stored (200), an anonymous GET is refused (403)', async () => {
  const c = await open();
  c.socket.write(head('PUT', `/${suite.bucket}/other`, { ...signedPut('other', 'hello'), expect: 'something-else' }) + 'hello');
  const text = await c.until(finalResponseComplete);
  c.socket.destroy();
  assert.match(text, /^HTTP\/1\.1 200 /, text);
  assert.doesNotMatch(text, /100 Continue|417/);
  assert.equal(await stored('other'), 200);
  const anon = await open();
  anon.socket.write(head('GET', `/${suite.bucket}/other`, { host: host(), expect: 'something-else' }));
  const refused = await anon.until(finalResponseComplete);
  anon.socket.destroy();
  assert.match(refused, /^HTTP\/1\.1 403 /, refused);
  assert.match(refused, /<Code>AccessDenied<\/Code>/);
});
