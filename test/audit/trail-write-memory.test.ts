/** The trail writes its records out in bounded pieces: a busy server's segment write-out does not hold tens of MB of record text at once (issue 9's RSS bound). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { serverSuite } from '../helpers/suite.js';
import { amzDateOf, presignV4 } from '../helpers/hand-signer.js';
import { segmentFiles } from '../helpers/audit-trail.js';

const suite = serverSuite('trailmem');

/** kB of a /proc/<pid>/status field (VmRSS: now, VmHWM: the peak since start or since the last reset). */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

/** Sends `n` HEAD requests on one presigned URL, 16 at a time over keep-alive connections. */
async function heads(url: URL, n: number, agent: Agent): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(url, { method: 'HEAD', agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

test('writing out a full segment (20,000 records) raises the server\'s peak RSS by less than 16 MB', { timeout: 300_000 }, async () => {
  const pid = suite.server.process.pid!;
  const base = new URL(suite.server.url);
  const path = `/${suite.bucket}`;
  const url = new URL(presignV4({ method: 'HEAD', path, host: base.host, amzDate: amzDateOf(new Date()), expires: 600 }), base);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    // 19,700 records (the bucket's creation made one more): the segment is one short of full, so nothing is written out
    // yet, and the request path's heap and SQLite's page cache have reached their working size.
    await heads(url, 19_700, agent);
    assert.equal(segmentFiles(suite.server.dataDir).length, 0, 'inconclusive: a segment was written out before it was full (it was open 60 s: the machine is too slow for this test)');
    await new Promise((r) => setTimeout(r, 500));
    const before = statusKb(pid, 'VmRSS');
    // "5" resets the peak (VmHWM) to the current RSS: what follows is measured from here.
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    // The segment fills and closes at 20,000 records; its write-out starts at once.
    await heads(url, 600, agent);
    const deadline = Date.now() + 120_000;
    while (segmentFiles(suite.server.dataDir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const files = segmentFiles(suite.server.dataDir);
    assert.equal(files.length, 1, 'the full segment was written out');
    assert.equal(readFileSync(files[0]!, 'utf8').split('\n').length, 20_001, 'it holds 20,000 records, one a line');
    const grew = statusKb(pid, 'VmHWM') - before;
    assert.ok(grew < 16 * 1024, `peak RSS rose by ${(grew / 1024).toFixed(1)} MB over ${(before / 1024).toFixed(1)} MB while the 20,000-record segment was written out`);
  } finally {
    agent.destroy();
  }
});
