/** `--audit-retention-days` keeps the records of objects under Object Lock at least as long as the lock: a stretch holding a still-locked version's records is not removed, and the trail still verifies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { digestFiles, segmentFiles, trailRecords } from '../helpers/audit-trail.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

test('a stretch holding the PutObject record of a version under GOVERNANCE retention outlives --audit-retention-days; the trail verifies', async () => {
  const bucket = bucketName('trail-lock');
  const first = await startServer();
  let s3 = s3Client(first);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'retained', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) }));
  s3.destroy();
  assert.equal(await first.stop({ remove: false }), 0);
  const lockedSegment = segmentFiles(first.dataDir)[0]!;
  await new Promise((r) => setTimeout(r, 2_000));
  // 0.00001 days = 0.864 s: without the lock, the first stretch (sealed 2 s ago) would be removed (trail-delivery.test.ts).
  const second = await startServer({ dataDir: first.dataDir, args: ['--audit-retention-days', '0.00001'] });
  s3 = s3Client(second);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'held', Body: 'x', ObjectLockLegalHoldStatus: 'ON' }));
  s3.destroy();
  assert.equal(await second.stop({ remove: false }), 0);
  try {
    assert.ok(segmentFiles(first.dataDir).includes(lockedSegment), 'the record file holding the locked version\'s PutObject is kept');
    assert.deepEqual(digestFiles(first.dataDir).map((f) => f.slice(-11)), ['000001.json', '000002.json'], 'no digest removed');
    assert.ok(trailRecords(first.dataDir).some((r) => r['eventName'] === 'PutObject' && r['requestParameters']['key'] === 'retained'), 'the locked version\'s record is still in the trail');
    const v = spawnSync(process.execPath, [join(repoRoot, 'dist/main.js'), 'audit', 'verify', '--data', first.dataDir], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  } finally {
    await second.stop();
  }
});

test('a stretch holding the PutObject record of a version under a legal hold outlives --audit-retention-days', async () => {
  const bucket = bucketName('trail-hold');
  const first = await startServer();
  let s3 = s3Client(first);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'held', Body: 'x', ObjectLockLegalHoldStatus: 'ON' }));
  s3.destroy();
  assert.equal(await first.stop({ remove: false }), 0);
  const heldSegment = segmentFiles(first.dataDir)[0]!;
  await new Promise((r) => setTimeout(r, 2_000));
  const second = await startServer({ dataDir: first.dataDir, args: ['--audit-retention-days', '0.00001'] });
  s3 = s3Client(second);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'later', Body: 'x' }));
  s3.destroy();
  assert.equal(await second.stop({ remove: false }), 0);
  try {
    assert.ok(segmentFiles(first.dataDir).includes(heldSegment), 'the record file holding the held version\'s PutObject is kept');
    assert.equal(digestFiles(first.dataDir).length, 2, 'no digest removed');
  } finally {
    await second.stop();
  }
});
