/**
 * A large PUT's MD5 is computed on the worker thread (src/common/md5-offload.ts), not on the event loop:
 * the server gains one thread at its first large PUT, and that thread spends at least the time MD5 of the
 * body takes. Correctness of offloaded digests (ETags, Content-MD5, concurrent bodies, aborted writes) is
 * test/s3/put-large-md5.test.ts; this file proves where the hashing runs.
 * Seen red in a scratch edit with the offload never enabled: no new thread, 0 ms. The refused-PUT test was
 * red before object-writer took the lane after the data key (0 ms on the thread: both lanes leaked).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { rawRequest } from '../helpers/raw-request.js';

const MiB = 1024 * 1024;
let server: TestServer;

before(async () => {
  // The thread is let go after 2 s idle here (the default is 300 s), so the second test can see it go.
  server = await startServer({ args: ['--hash-thread-idle', '2'] });
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: '/md5-offload' })).status, 200);
});

after(async () => {
  await server.stop();
});

/** CPU milliseconds (user + system) of every thread of the server, by thread id. */
function threadCpu(): Map<string, number> {
  const pid = server.process.pid!;
  const tick = 10; // USER_HZ = 100 on Linux
  return new Map(readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [tid, (Number(fields[11]) + Number(fields[12])) * tick];
  }));
}

/**
 * PUTs `body` (200, ETag its MD5) and returns the server's thread CPU just before, and the least CPU the thread
 * hashing it must have spent: MD5 is serial, so no core hashes it much faster than this process just did
 * (allowed twice as fast, and at most `capMs`).
 */
async function putHashed(path: string, body: Buffer, capMs: number): Promise<{ before: Map<string, number>; floorMs: number }> {
  const t0 = performance.now();
  const local = createHash('md5').update(body).digest('hex');
  const floorMs = Math.min(capMs, (performance.now() - t0) / 2);
  const before = threadCpu();
  const res = await rawRequest(server.url, { method: 'PUT', path, body });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers.etag, `"${local}"`);
  return { before, floorMs };
}

test('the MD5 of a 96 MiB PUT runs on a thread of its own, which spends at least the time MD5 of 96 MiB takes', { timeout: 120_000 }, async () => {
  const { before, floorMs } = await putHashed('/md5-offload/big', randomBytes(96 * MiB), 80);
  const afterPut = threadCpu();
  const fresh = [...afterPut].filter(([tid]) => !before.has(tid));
  assert.equal(fresh.length, 1, `threads started by the first large PUT: ${JSON.stringify(fresh)}`);
  const [, ms] = fresh[0]!;
  assert.ok(ms >= floorMs, `the new thread spent ${ms} ms; MD5 of 96 MiB takes at least ~${floorMs.toFixed(0)} ms`);
});

test('the thread is let go after --hash-thread-idle seconds without a large body, and the next large PUT starts a new one with the right MD5', { timeout: 120_000 }, async () => {
  const first = threadCpu();
  const warm = randomBytes(16 * MiB);
  assert.equal((await rawRequest(server.url, { method: 'PUT', path: '/md5-offload/warm', body: warm })).status, 200);
  const withThread = threadCpu();
  const started = [...withThread.keys()].filter((tid) => !first.has(tid));
  await new Promise((r) => setTimeout(r, 3500));
  const idle = threadCpu();
  for (const tid of started) assert.equal(idle.has(tid), false, `thread ${tid} still there after 3.5 s idle (--hash-thread-idle 2)`);
  const body = randomBytes(12 * MiB + 5);
  const res = await rawRequest(server.url, { method: 'PUT', path: '/md5-offload/again', body });
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers.etag, `"${createHash('md5').update(body).digest('hex')}"`);
  const again = [...threadCpu().keys()].filter((tid) => !idle.has(tid));
  assert.equal(again.length, 1, `threads started by the next large PUT: ${again.join(', ')}`);
});

test('a large PUT refused by KMS after its body began (an unknown key) gives its MD5 lane back: after two, the next large PUT still hashes on the thread, which is let go when idle', { timeout: 120_000 }, async () => {
  // The thread of the earlier tests goes first (2 s idle), so the one the refused PUTs start is the only new one.
  await new Promise((r) => setTimeout(r, 3500));
  const start = threadCpu();
  const refusedBody = randomBytes(12 * MiB);
  for (const key of ['refused-1', 'refused-2']) {
    const res = await rawRequest(server.url, {
      method: 'PUT', path: `/md5-offload/${key}`, body: refusedBody,
      headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': '11111111-2222-4333-8444-555555555555' },
    }).catch((err: Error) => ({ status: 0, body: err.message }));
    // The answer may race the body; either way nothing is stored.
    assert.ok(res.status === 400 || res.status === 0, `${res.status} ${res.body}`);
    assert.equal((await rawRequest(server.url, { method: 'HEAD', path: `/md5-offload/${key}` })).status, 404);
  }
  const { before, floorMs } = await putHashed('/md5-offload/after-refusals', randomBytes(48 * MiB), 40);
  const fresh = [...threadCpu()].filter(([tid]) => !start.has(tid));
  assert.equal(fresh.length, 1, `threads started since the refused PUTs: ${JSON.stringify(fresh)}`);
  const [tid, ms] = fresh[0]!;
  const spent = ms - (before.get(tid) ?? 0);
  assert.ok(spent >= floorMs, `the MD5 thread spent ${spent} ms on the 48 MiB PUT (MD5 of it takes ~${(2 * floorMs).toFixed(0)} ms): its lanes are still taken`);
  await new Promise((r) => setTimeout(r, 3500));
  assert.equal(threadCpu().has(tid), false, `the MD5 thread ${tid} is still there after 3.5 s idle: a lane is still taken`);
});
