/** `--audit-bucket`: each sealed stretch lands in the bucket CloudTrail-style (gzipped {"Records":[…]} under AWSLogs/…/CloudTrail/…, the digest beside under CloudTrail-Digest); `--audit-retention-days` removes old stretches and the trail still verifies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { digestFiles, segmentFiles } from '../helpers/audit-trail.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

function verify(dataDir: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist/main.js'), 'audit', 'verify', '--data', dataDir], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('with --audit-bucket, a sealed hour is delivered as AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<id>.json.gz holding {"Records":[…]}, its digest beside', async () => {
  const logs = bucketName('trail-logs');
  const first = await startServer({ args: ['--audit-bucket', logs] });
  let s3 = s3Client(first);
  await s3.send(new CreateBucketCommand({ Bucket: logs }));
  await s3.send(new PutObjectCommand({ Bucket: logs, Key: 'marker.txt', Body: 'x' }));
  s3.destroy();
  // A clean stop seals the hour, and the seal delivers it.
  assert.equal(await first.stop({ remove: false }), 0);
  const second = await startServer({ dataDir: first.dataDir, args: ['--audit-bucket', logs] });
  s3 = s3Client(second);
  try {
    const keys = (await s3.send(new ListObjectsV2Command({ Bucket: logs, Prefix: 'AWSLogs/' }))).Contents?.map((o) => o.Key!) ?? [];
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
    const logKey = keys.find((k) => /\/CloudTrail\//.test(k));
    const digestKey = keys.find((k) => /\/CloudTrail-Digest\//.test(k));
    assert.match(logKey ?? '', new RegExp(`^AWSLogs/(\\d{12})/CloudTrail/us-east-1/${day}/\\1_CloudTrail_us-east-1_\\d{8}T\\d{2}00Z_S\\d{6}\\.json\\.gz$`), keys.join('\n'));
    assert.match(digestKey ?? '', new RegExp(`^AWSLogs/(\\d{12})/CloudTrail-Digest/us-east-1/${day}/\\1_CloudTrail-Digest_us-east-1_strongroom_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz$`), keys.join('\n'));
    const body = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: logs, Key: logKey! }))).Body!.transformToByteArray());
    const { Records } = JSON.parse(gunzipSync(body).toString('utf8')) as { Records: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.ok(Records.some((r) => r['eventName'] === 'PutObject' && r['requestParameters']['key'] === 'marker.txt'), 'the delivered file holds the PUT');
    assert.ok(Records.every((r) => r['eventVersion'] === '1.11'));
    const digest = JSON.parse(gunzipSync(Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: logs, Key: digestKey! }))).Body!.transformToByteArray())).toString('utf8'));
    assert.equal(digest.digestSequence, 1);
    assert.deepEqual(digest, JSON.parse(readFileSync(digestFiles(second.dataDir)[0]!, 'utf8')), 'the delivered digest is the local one');
  } finally {
    s3.destroy();
    await second.stop();
  }
});

test('--audit-retention-days removes stretches older than the period, leaves a signed marker, and the trail still verifies; an edited marker does not', async () => {
  const bucket = bucketName('trail-retain');
  const first = await startServer();
  let s3 = s3Client(first);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'old', Body: 'x' }));
  s3.destroy();
  assert.equal(await first.stop({ remove: false }), 0);
  const oldSegment = segmentFiles(first.dataDir)[0]!;
  await new Promise((r) => setTimeout(r, 2_000));
  // 0.00001 days = 0.864 s: the first stretch (sealed 2 s ago) is past it.
  const second = await startServer({ dataDir: first.dataDir, args: ['--audit-retention-days', '0.00001'] });
  s3 = s3Client(second);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new', Body: 'x' }));
  s3.destroy();
  assert.equal(await second.stop({ remove: false }), 0);
  try {
    const segments = segmentFiles(first.dataDir);
    assert.ok(!segments.includes(oldSegment), 'the old record file was removed');
    assert.deepEqual(digestFiles(first.dataDir).map((f) => f.slice(-11)), ['000002.json'], 'the newest digest is kept, the older one removed');
    const ok = verify(first.dataDir);
    assert.equal(ok.code, 0, ok.out);
    const markerPath = join(first.dataDir, 'audit', segments[0]!.split('/').at(-3)!, 'retention.json');
    const marker = JSON.parse(readFileSync(markerPath, 'utf8'));
    writeFileSync(markerPath, JSON.stringify({ ...marker, lastRemovedDigest: '000000.json' }));
    const bad = verify(first.dataDir);
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /retention\.json does not verify/);
  } finally {
    await second.stop();
  }
});
