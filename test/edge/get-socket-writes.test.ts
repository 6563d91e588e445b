/** A large GET leaves the server in batched socket writes: the pieces a batch decrypts go out together, not one write and one 'drain' wait per 64 KiB package. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { rawRequest } from '../helpers/raw-request.js';
import { bucketName } from '../helpers/clients.js';
import { fdPath, startTracedServer, straceUnavailable, succeeded, type SyscallEvent } from '../helpers/strace.js';

const unavailable = straceUnavailable();
// CI installs strace (.ci/run); there a missing strace is a failure, not a reason to skip the guard.
const inCi = process.env.CI === 'true';
const skip = unavailable !== undefined && !inCi ? `skipped: ${unavailable}` : false;

const SOCKET_WRITES = new Set(['write', 'writev', 'sendto', 'sendmsg']);
const READS = new Set(['read', 'readv', 'recvfrom']);
/** 4 MiB of plaintext = 64 packages of 64 KiB: piping them one by one took at least 64 socket writes. */
const SIZE = 4 * 1024 * 1024;
const PACKAGES = SIZE / (64 * 1024);

test('a 4 MiB GET is written to the socket in batches: fewer than half as many write calls as 64 KiB packages', { skip, timeout: 120_000 }, async () => {
  assert.equal(unavailable, undefined, `CI=true but ${unavailable}: .ci/run installs strace, so this guard must run`);
  const server = await startTracedServer();
  let events: SyscallEvent[] = [];
  const bucket = bucketName('writes');
  // Hex text, so the raw helper's text body compares byte for byte.
  const body = randomBytes(SIZE / 2).toString('hex');
  try {
    assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}` })).status, 200);
    assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}/big`, body })).status, 200);
    const got = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/big` });
    assert.equal(got.status, 200);
    assert.equal(createHash('sha256').update(got.body).digest('hex'), createHash('sha256').update(body).digest('hex'), 'the GET returned the object');
  } finally {
    events = await server.stop();
  }
  const request = events.find((e) => READS.has(e.name) && succeeded(e) && e.args.includes(`"GET /${bucket}/big HTTP/1.1`));
  assert.ok(request, 'the GET request read is in the trace');
  const socket = fdPath(request);
  assert.match(socket ?? '', /^socket:/, 'the GET came from a socket');
  const writes = events.filter((e) => e.start > request.end && SOCKET_WRITES.has(e.name) && fdPath(e) === socket && succeeded(e));
  const bytes = writes.reduce((n, e) => n + Number(/^\d+/.exec(e.ret)![0]), 0);
  assert.ok(bytes >= SIZE, `the traced writes carry the whole body (${bytes} bytes)`);
  assert.ok(writes.length <= PACKAGES / 2, `socket write calls for ${PACKAGES} packages: ${writes.length} (${writes.map((e) => e.name).join(' ')})`);
});
