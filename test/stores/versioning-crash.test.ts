/** The held-to promise on a versioned bucket: after kill -9 under concurrent PUT and DELETE, every acknowledged version and delete marker is there, whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('kill -9 under concurrent PUT and DELETE on a versioned bucket: every acknowledged version is listed and readable, every acknowledged marker present, nothing torn', async () => {
  const first = await startServer();
  const s3 = s3Client(first, { requestHandler: { httpAgent: { maxSockets: 32 } } as never, maxAttempts: 1 } as never);
  const Bucket = bucketName('vcrash');
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const versions = new Map<string, { key: string; sha: string }>();
  const markers = new Map<string, string>();
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const Key = `k${(w + i) % 6}`;
      try {
        if (i % 4 === 3) {
          const r = await s3.send(new DeleteObjectCommand({ Bucket, Key }));
          markers.set(r.VersionId!, Key);
        } else {
          // Sizes both sides of the 32 KiB inline limit: inline rows and blob files.
          const Body = randomBytes(i % 2 === 0 ? 1000 + w : 50_000 + w);
          const r = await s3.send(new PutObjectCommand({ Bucket, Key, Body }));
          versions.set(r.VersionId!, { key: Key, sha: sha(Body) });
        }
      } catch {
        return; // the server is gone: unacknowledged
      }
    }
  };
  const running = Array.from({ length: 8 }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, 1500));
  await first.kill();
  stop = true;
  await Promise.all(running);
  s3.destroy();
  assert.ok(versions.size > 10 && markers.size > 2, `enough acknowledged writes before the kill (${versions.size} versions, ${markers.size} markers)`);

  const second = await startServer({ dataDir: first.dataDir });
  const s3b = s3Client(second);
  try {
    const listed: Array<{ key: string; id: string; latest: boolean; marker: boolean; size?: number }> = [];
    let page: ListObjectVersionsCommandOutput | undefined;
    do {
      page = await s3b.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 100, KeyMarker: page?.NextKeyMarker, VersionIdMarker: page?.NextVersionIdMarker }));
      for (const v of page.Versions ?? []) listed.push({ key: v.Key!, id: v.VersionId!, latest: v.IsLatest!, marker: false, size: v.Size });
      for (const m of page.DeleteMarkers ?? []) listed.push({ key: m.Key!, id: m.VersionId!, latest: m.IsLatest!, marker: true });
    } while (page.IsTruncated);
    const byId = new Map(listed.map((l) => [l.id, l]));
    for (const [id, v] of versions) {
      assert.equal(byId.get(id)?.key, v.key, `acknowledged version ${id} is listed`);
      const got = await s3b.send(new GetObjectCommand({ Bucket, Key: v.key, VersionId: id }));
      assert.equal(sha(await got.Body!.transformToByteArray()), v.sha, `acknowledged version ${id} reads back whole`);
    }
    for (const [id, key] of markers) assert.deepEqual([byId.get(id)?.key, byId.get(id)?.marker], [key, true], `acknowledged marker ${id} is present`);
    // Nothing torn: every listed version (acknowledged or not) reads whole, and each key has exactly one latest.
    for (const l of listed.filter((x) => !x.marker)) {
      const got = await s3b.send(new GetObjectCommand({ Bucket, Key: l.key, VersionId: l.id }));
      assert.equal((await got.Body!.transformToByteArray()).length, l.size);
    }
    for (const key of new Set(listed.map((l) => l.key))) assert.equal(listed.filter((l) => l.key === key && l.latest).length, 1, key);
  } finally {
    s3b.destroy();
    await second.stop();
  }
});
