/** A write's record is durable before its response: kill -9 during a PUT storm, and after restart every acknowledged PUT has its record; the restarted server seals what the crash left and the trail verifies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { digestFiles, trailRecords } from '../helpers/audit-trail.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

test('kill -9 during a storm of 16 concurrent PUTs: every acknowledged PUT has its PutObject record after restart, and the trail verifies', async () => {
  const first = await startServer();
  const s3 = s3Client(first, { requestHandler: { httpAgent: { maxSockets: 16 } } as never });
  const bucket = bucketName('trail-crash');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const acked: string[] = [];
  let next = 0;
  let killed = false;
  const body = Buffer.alloc(4096, 'p');
  const worker = async () => {
    while (!killed) {
      const key = `k${next++}`;
      try {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        if (!killed) acked.push(key);
      } catch {
        return; // the crash
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  while (acked.length < 150) await new Promise((r) => setTimeout(r, 5));
  // Keys acknowledged before the kill signal is sent; PUTs still in flight may or may not have their record.
  const before = [...acked];
  killed = true;
  await first.kill();
  await Promise.all(workers);
  s3.destroy();

  const second = await startServer({ dataDir: first.dataDir });
  try {
    const recorded = new Set(trailRecords(second.dataDir).filter((r) => r['eventName'] === 'PutObject' && r['errorCode'] === undefined).map((r) => r['requestParameters']['key'] as string));
    const missing = before.filter((k) => !recorded.has(k));
    assert.deepEqual(missing, [], `${missing.length} of ${before.length} acknowledged PUTs have no record`);
    // The restarted server sealed the crashed run's segment at its start.
    assert.ok(digestFiles(second.dataDir).length >= 1, 'the crashed run was sealed at restart');
  } finally {
    await second.stop({ remove: false });
  }
  const verify = spawnSync(process.execPath, [join(repoRoot, 'dist/main.js'), 'audit', 'verify', '--data', first.dataDir], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, / 0 problems/);
  await second.stop();
});
