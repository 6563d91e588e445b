/** Reads that survive overwrites: slow GETs and CopyObjects of a 3-part object that is overwritten and deleted meanwhile finish on the version they started. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand,
  S3Client, S3ServiceException, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { serverSuite } from '../helpers/suite.js';
import { s3Client } from '../helpers/clients.js';

const MIB = 1024 * 1024;
const suite = serverSuite('overwrite');
let fresh: S3Client | undefined;
/**
 * A client that opens a new connection per request: the writer and the copy loop run for a while with
 * requests in flight on several sockets, and a reused keep-alive socket the server is just closing
 * would show up as a "socket hang up" that has nothing to do with what is tested here.
 */
function client(): S3Client {
  fresh ??= s3Client(suite.server, { requestHandler: { httpAgent: new Agent({ keepAlive: false }) } });
  return fresh;
}
after(() => fresh?.destroy());
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Versions the writer cycles through: 12 MiB each, written as 5 + 5 + 2 MiB parts. */
const versions = [0, 1, 2].map(() => randomBytes(12 * MIB));
const known = new Set(versions.map(sha));

async function writeVersion(key: string, body: Buffer): Promise<void> {
  const s3 = client();
  const { bucket } = suite;
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts = [];
  for (const [i, [from, to]] of [[0, 5 * MIB], [5 * MIB, 10 * MIB], [10 * MIB, 12 * MIB]].entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: body.subarray(from!, to!) }));
    parts.push({ PartNumber: i + 1, ETag: r.ETag });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
}

/** Overwrites (and now and then deletes) `key` until `stop()` is true. */
async function writer(key: string, stop: () => boolean): Promise<number> {
  let n = 0;
  while (!stop()) {
    await writeVersion(key, versions[n % versions.length]!);
    n++;
    if (n % 4 === 0) await client().send(new DeleteObjectCommand({ Bucket: suite.bucket, Key: key }));
  }
  return n;
}

/** A slow consumer: reads the body in pieces with pauses; resolves with the status and what arrived, or how it broke. */
function slowGet(url: string): Promise<{ status: number; body: Buffer; broken: boolean }> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      const chunks: Buffer[] = [];
      let broken = false;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        res.pause();
        setTimeout(() => res.resume(), 3);
      });
      res.on('aborted', () => { broken = true; });
      res.on('error', () => { broken = true; });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), broken: broken || !res.complete }));
    });
    req.on('error', () => resolve({ status: 0, body: Buffer.alloc(0), broken: true }));
    req.end();
  });
}

test('200 throttled GETs during overwrites and deletes: every 200 body is one whole version, none cut off', async () => {
  const key = 'hot';
  await writeVersion(key, versions[0]!);
  let done = false;
  const writing = writer(key, () => done);
  const results: Array<{ status: number; body: Buffer; broken: boolean }> = [];
  let misses = 0;
  // 200 reads that found the object (a 404 between a delete and the next write does not count).
  const readers = Array.from({ length: 4 }, async () => {
    while (results.length < 200 && misses < 2000) {
      const url = await getSignedUrl(suite.s3, new GetObjectCommand({ Bucket: suite.bucket, Key: key }), { expiresIn: 300 });
      const r = await slowGet(url);
      if (r.status === 404) { misses++; await sleep(20); continue; }
      results.push(r);
    }
  });
  try {
    await Promise.all(readers);
  } finally {
    done = true;
  }
  const writes = await writing;
  const ok = results.filter((r) => r.status === 200);
  const truncated = ok.filter((r) => r.broken || r.body.length !== 12 * MIB || !known.has(sha(r.body)));
  assert.ok(results.length >= 200, `only ${results.length} reads found the object (${misses} answered 404)`);
  assert.ok(writes >= 2, `the writer completed only ${writes} overwrites`);
  assert.equal(truncated.length, 0, `${truncated.length} of ${ok.length} 200 reads were cut off or mixed (lengths ${truncated.map((r) => r.body.length).join(',')})`);
  assert.deepEqual(results.filter((r) => r.status !== 200).map((r) => r.status), []);
});

test('CopyObject of a 3-part object during overwrites never answers 500; each copy is one whole version', async () => {
  const key = 'hot-copy-source';
  await writeVersion(key, versions[1]!);
  let done = false;
  const writing = writer(key, () => done);
  const statuses: string[] = [];
  try {
    for (let i = 0; i < 24; i++) {
      const target = `copy-${i % 3}`;
      try {
        await client().send(new CopyObjectCommand({ Bucket: suite.bucket, Key: target, CopySource: `${suite.bucket}/${key}` }));
        const res = await client().send(new GetObjectCommand({ Bucket: suite.bucket, Key: target }));
        const body = Buffer.from(await res.Body!.transformToByteArray());
        statuses.push(known.has(sha(body)) ? 'ok' : `mixed:${body.length}`);
      } catch (e) {
        statuses.push(e instanceof S3ServiceException ? `${e.$metadata.httpStatusCode}:${e.name}` : String(e));
      }
      await sleep(5);
    }
  } finally {
    done = true;
  }
  await writing;
  assert.deepEqual(statuses.filter((s) => s !== 'ok' && s !== '404:NoSuchKey'), []);
});
