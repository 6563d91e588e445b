/** SSE-C key rotation of a 1 GiB object by copy onto itself: well under a second, the blob's bytes and mtime untouched, the old key then 403 and the new one reads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CopyObjectCommand, GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite('sse-c-rotate-1g', async (s) => {
  await s.s3.send(new PutBucketEncryptionCommand({ Bucket: s.bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
}, { args: ['--allow-insecure-sse-c'] });

const GIB = 1024 ** 3;
const CHUNK = randomBytes(1024 * 1024);

/** 1 GiB of plaintext without holding it: one random MiB, repeated, with the index mixed into each copy's first bytes. */
function gibibyte(): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i === GIB / CHUNK.length) { this.push(null); return; }
      const c = Buffer.from(CHUNK);
      c.writeUInt32BE(i++, 0);
      this.push(c);
    },
  });
}

async function fileDigest(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

function onlyBlob(dir: string): string {
  const all: string[] = [];
  const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else all.push(p); } };
  walk(dir);
  assert.equal(all.length, 1, `expected one blob file, found ${all.length}`);
  return all[0]!;
}

test('rotating the key of a 1 GiB SSE-C object by copy onto itself reseals only: < 1 s, blob bytes and mtime untouched, old key 403, new key reads', async () => {
  const { s3, bucket, server } = suite;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const ssec = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: k.toString('base64') });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: gibibyte(), ContentLength: GIB, ...ssec(oldKey) }));
  const blob = onlyBlob(join(server.dataDir, 'blobs'));
  const before = { digest: await fileDigest(blob), mtime: statSync(blob).mtimeMs, size: statSync(blob).size };
  assert.ok(before.size > GIB);

  const started = process.hrtime.bigint();
  await s3.send(new CopyObjectCommand({
    Bucket: bucket, Key: 'big', CopySource: `${bucket}/big`,
    CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: oldKey.toString('base64'), ...ssec(newKey),
  }));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 1000, `the rotation took ${ms} ms`);

  assert.equal(onlyBlob(join(server.dataDir, 'blobs')), blob, 'the same blob file, no new one');
  assert.deepEqual({ digest: await fileDigest(blob), mtime: statSync(blob).mtimeMs, size: statSync(blob).size }, before);
  await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big', Range: 'bytes=0-15', ...ssec(oldKey) })), (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode === 403);
  // The new key reads: a range at each end and across a package boundary (the whole GiB would only cost time).
  for (const [start, end] of [[0, 99], [65_500, 65_600], [GIB - 100, GIB - 1]] as const) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big', Range: `bytes=${start}-${end}`, ...ssec(newKey) }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    const chunk = Math.floor(start / CHUNK.length);
    const expected = Buffer.from(CHUNK);
    expected.writeUInt32BE(chunk, 0);
    assert.ok(bytes.equals(expected.subarray(start % CHUNK.length, (end % CHUNK.length) + 1)), `bytes ${start}-${end}`);
  }
});
