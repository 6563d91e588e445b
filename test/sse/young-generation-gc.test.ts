/**
 * Crypto output does not force full GCs: the server paces scavenges by the bytes it seals and opens
 * (src/common/young-generation.ts), so moving large objects frees each package's buffer in the young
 * generation instead of piling up external memory until V8 runs a mark-compact. Observed through the real
 * server's own `--trace-gc` lines while a 48 MiB object is PUT and read back four times.
 * Seen red in a scratch edit with the scavenge call removed: 9-10 mark-compacts over the GETs (0-2 over the PUT).
 * Also: large GETs served many at once have their plaintext copied into pooled slabs (s3/object-reader.ts); the
 * second test reads such GETs back byte-exact, which fails if a slab is reused before its socket write finished.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';

const MIB = 1024 ** 2;
let server: TestServer;
let s3: S3Client;
const bucket = bucketName('young-gc');
const body = randomBytes(48 * MIB);

before(async () => {
  server = await startServer({ nodeArgs: ['--trace-gc'] });
  s3 = s3Client({ url: server.url });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

after(async () => {
  s3.destroy();
  await server.stop();
});

/** GC lines the server printed while `phase` ran. */
async function gcDuring(phase: () => Promise<void>): Promise<{ scavenges: number; markCompacts: number }> {
  const from = server.stdout().length;
  await phase();
  // --trace-gc lines reach the pipe a moment after the GC; give the last ones time to arrive.
  await new Promise((r) => setTimeout(r, 200));
  const lines = server.stdout().slice(from).split('\n');
  return {
    scavenges: lines.filter((l) => l.includes(': Scavenge')).length,
    markCompacts: lines.filter((l) => l.includes(': Mark-Compact')).length,
  };
}

test('a 48 MiB PUT and four GETs of it run scavenges paced by the bytes sealed and opened, and no more than one full GC each', async () => {
  const put = await gcDuring(async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: body }));
  });
  const gets = await gcDuring(async () => {
    for (let i = 0; i < 4; i++) {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
      const got = Buffer.from(await res.Body!.transformToByteArray());
      assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(body).digest('hex'));
    }
  });
  const seen = `PUT ${JSON.stringify(put)}, GETs ${JSON.stringify(gets)}`;
  assert.ok(put.markCompacts <= 1 && gets.markCompacts <= 1, `full GCs: ${seen}`);
  // One scavenge every 4 MiB of packages: 12 for the PUT, 48 for the GETs (plus V8's own).
  assert.ok(put.scavenges >= 10 && gets.scavenges >= 40, `too few scavenges for the paced ones: ${seen}`);
});

test('eight concurrent GETs of large objects read back byte-exact, twice over: pooled plaintext slabs are reused only once sent', { timeout: 180_000 }, async () => {
  const objects = Array.from({ length: 4 }, () => randomBytes(24 * MIB + 12345));
  const digests = objects.map((o) => createHash('sha256').update(o).digest('hex'));
  for (const [i, o] of objects.entries()) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `c16-${i}`, Body: o }));
  // More than 4 GETs of >= 8 MiB at once: s3/object-reader.ts copies their plaintext into pooled slabs.
  // Seen red in a scratch edit that gave each slab back as soon as it was pushed: wrong bytes.
  for (let wave = 0; wave < 2; wave++) {
    await Promise.all(Array.from({ length: 8 }, async (_, j) => {
      const i = j % objects.length;
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `c16-${i}` }));
      const got = Buffer.from(await res.Body!.transformToByteArray());
      assert.equal(createHash('sha256').update(got).digest('hex'), digests[i], `wave ${wave}, GET ${j} of object ${i}`);
    }));
  }
});

test('small requests count toward the paced scavenges too: 1,100 HEADs run at least 3 of them (one per ~256 requests)', { timeout: 120_000 }, async () => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: randomBytes(4096) }));
  const from = server.stdout().length;
  for (let i = 0; i < 1100; i++) await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'small' }));
  await new Promise((r) => setTimeout(r, 200));
  // gc({type:'minor'}) scavenges are the ones --trace-gc labels "testing"; V8's own give another reason.
  const paced = server.stdout().slice(from).split('\n').filter((l) => l.includes(': Scavenge') && l.includes('testing')).length;
  assert.ok(paced >= 3, `paced scavenges during 1,100 HEADs: ${paced}`);
});
