/** requestSecrets on a real IncomingMessage: the owned key's header text leaves headers and rawHeaders at once, other headers stay, wipeAll wipes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import { Secret } from '../common/secret.js';
import { requestSecrets } from './request-secrets.js';

const KEY_HEADER = 'x-amz-server-side-encryption-customer-key';
const KEY_TEXT = Buffer.alloc(32, 7).toString('base64');

/** Sends one request with the SSE-C triple (mixed-case names, as clients send them) and runs `inspect` on what the server received. */
async function withRequest(inspect: (req: IncomingMessage) => void): Promise<void> {
  const server = createServer((req, res) => {
    try { inspect(req); res.end('ok'); } catch (e) { res.statusCode = 500; res.end(String(e)); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'GET', path: '/', headers: {
        'X-Amz-Server-Side-Encryption-Customer-Algorithm': 'AES256', 'X-Amz-Server-Side-Encryption-Customer-Key': KEY_TEXT,
        'X-Amz-Server-Side-Encryption-Customer-Key-MD5': 'md5', connection: 'close',
      } }, (res) => { let text = ''; res.on('data', (c) => (text += c)); res.on('end', () => resolve({ status: res.statusCode ?? 0, text })); });
      req.on('error', reject);
      req.end();
    });
    assert.equal(answer.status, 200, answer.text);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

test('owning a key removes its header from headers and rawHeaders, keeps the others, and wipeAll wipes it', async () => {
  await withRequest((req) => {
    assert.equal(req.headers[KEY_HEADER], KEY_TEXT, 'the key arrived');
    const secrets = requestSecrets(req);
    const key = new Secret(Buffer.from(KEY_TEXT, 'base64'));
    secrets.own(key, KEY_HEADER);
    assert.equal(req.headers[KEY_HEADER], undefined);
    assert.ok(!req.rawHeaders.includes(KEY_TEXT), 'rawHeaders no longer carry the key text');
    assert.ok(!req.rawHeaders.some((h) => h.toLowerCase() === KEY_HEADER), 'nor its header name');
    assert.equal(req.headers['x-amz-server-side-encryption-customer-algorithm'], 'AES256');
    assert.equal(req.headers['x-amz-server-side-encryption-customer-key-md5'], 'md5');
    assert.ok(req.rawHeaders.includes('X-Amz-Server-Side-Encryption-Customer-Key-MD5'));
    assert.equal(key.wiped, false, 'owned, not wiped before the request ends');
    secrets.wipeAll();
    assert.equal(key.wiped, true);
    assert.ok(key.reveal().equals(Buffer.alloc(32)));
  });
});
