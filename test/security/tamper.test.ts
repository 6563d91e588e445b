/** Tampering with real blobs and sealed keys on disk: each case fails in its exact way (status, log reason), and scrub reports it with the reason. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, truncateSync, appendFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Envelope } from '../../src/sse/envelope.js';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { blobPath, flipInlineBit, objectParts, setSealedKey, strongroomCommand } from '../helpers/data-dir.js';
import { errorCode } from '../helpers/raw-request.js';

const PACKAGE = 64 * 1024;
/** Ciphertext layout derived from the envelope's own length function (docs/FORMAT.md). */
const TAG = 16; // AES-GCM tag
const HEADER = Envelope.ciphertextLength(1) - 1 - TAG;
const STRIDE = PACKAGE + TAG;

let server: TestServer;
let s3: S3Client;
let bucket: string;
const originals = new Map<string, Buffer>();

before(async () => {
  server = await startServer();
  s3 = s3Client(server);
  bucket = bucketName('tamper');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const name of ['flip', 'flip-late', 'drop', 'swap', 'truncate', 'truncate-resized', 'header', 'append', 'blob-a', 'blob-b', 'key-a', 'key-b', 'untouched', 'small-flip', 'small-untouched']) {
    // small-* objects are below the inline limit: their ciphertext lives in the SQLite row.
    const body = randomBytes(name.startsWith('small-') ? 5000 : name === 'flip-late' ? 8 * PACKAGE + 1000 : 4 * PACKAGE + 1000);
    originals.set(name, body);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: body }));
  }
});

after(async () => {
  s3.destroy();
  await server.stop();
});

interface Served { status: number; body: Buffer; complete: boolean }

/** A GET through a presigned URL that keeps what arrived and whether the response ended cleanly. */
async function get(key: string): Promise<Served> {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 60 });
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete: res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The reason the server logged for `key` with `message` (waiting a moment: the line may trail the response), or undefined. */
async function loggedReason(message: string, key: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const line of server.stderr().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; key?: string; error?: string };
      if (entry.msg === message && entry.key === key) return entry.error;
    }
    await sleep(20);
  }
  return undefined;
}

/** Refused before any header: 500 InternalError, and the log says exactly why. */
async function assertRefusedBeforeHeaders(key: string, reason: RegExp): Promise<void> {
  const res = await get(key);
  assert.equal(res.status, 500, `${key}: answered ${res.status} with ${res.body.length} bytes`);
  assert.equal(errorCode(res.body.toString()), 'InternalError');
  assert.match(await loggedReason('object read failed before headers', key) ?? '', reason);
}

/**
 * Headers sent (the first package verified), then the connection dropped at the failing package: the
 * client holds a prefix of the original no longer than the packages before it, and the log says why.
 */
async function assertCutOffAt(key: string, failingPackage: number, reason: RegExp): Promise<void> {
  const res = await get(key);
  assert.equal(res.status, 200);
  assert.equal(res.complete, false, `${key}: the response ended cleanly`);
  assert.ok(res.body.length <= failingPackage * PACKAGE, `${key}: ${res.body.length} bytes served, past package ${failingPackage}`);
  assert.ok(res.body.equals(originals.get(key)!.subarray(0, res.body.length)), `${key}: served bytes are not the original's prefix`);
  assert.match(await loggedReason('object read failed mid-stream; connection dropped', key) ?? '', reason);
}

/** An attacker with write access to the metadata sets an object's (single) part size and total size. */
function setSizes(key: string, size: number): void {
  const db = new Database(join(server.dataDir, 'meta.sqlite'), { fileMustExist: true });
  try {
    db.prepare('UPDATE object_parts SET size = ? WHERE bucket = ? AND key = ?').run(size, bucket, key);
    db.prepare('UPDATE objects SET size = ? WHERE bucket = ? AND key = ?').run(size, bucket, key);
  } finally {
    db.close();
  }
}

function blobOf(key: string): string {
  const parts = objectParts(server.dataDir, bucket, key);
  assert.equal(parts.length, 1);
  return blobPath(server.dataDir, parts[0]!.blob_id);
}

test('the layout the tests rely on matches the envelope', () => {
  assert.equal(Envelope.ciphertextLength(4 * PACKAGE + 1000), HEADER + 4 * STRIDE + 1000 + TAG);
  assert.equal(readFileSync(blobOf('untouched')).length, Envelope.ciphertextLength(4 * PACKAGE + 1000));
});

test('one bit flipped in a middle package', async () => {
  const path = blobOf('flip');
  const b = readFileSync(path);
  b[HEADER + 2 * STRIDE + 100]! ^= 0x01;
  writeFileSync(path, b);
  // Package 2 is in the first read (256 KiB): refused before the headers go out.
  await assertRefusedBeforeHeaders('flip', /^package authentication failed: package 2 did not verify$/);
});

test('one bit flipped in a package past the first read: headers sent, then the connection is dropped there', async () => {
  const path = blobOf('flip-late');
  const b = readFileSync(path);
  b[HEADER + 6 * STRIDE + 100]! ^= 0x01;
  writeFileSync(path, b);
  await assertCutOffAt('flip-late', 6, /^package authentication failed: package 6 did not verify$/);
});

test('a package dropped', async () => {
  const path = blobOf('drop');
  const b = readFileSync(path);
  writeFileSync(path, Buffer.concat([b.subarray(0, HEADER + STRIDE), b.subarray(HEADER + 2 * STRIDE)]));
  await assertRefusedBeforeHeaders('drop', /^package authentication failed: package 1 did not verify$/);
});

test('two packages swapped', async () => {
  const path = blobOf('swap');
  const b = readFileSync(path);
  const p1 = b.subarray(HEADER + STRIDE, HEADER + 2 * STRIDE);
  const p2 = b.subarray(HEADER + 2 * STRIDE, HEADER + 3 * STRIDE);
  writeFileSync(path, Buffer.concat([b.subarray(0, HEADER + STRIDE), p2, p1, b.subarray(HEADER + 3 * STRIDE)]));
  await assertRefusedBeforeHeaders('swap', /^package authentication failed: package 1 did not verify$/);
});

test('truncated at a package boundary (the final package removed): the read comes up short', async () => {
  truncateSync(blobOf('truncate'), HEADER + 4 * STRIDE);
  await assertCutOffAt('truncate', 4, /^package authentication failed: blob truncated before package 4$/);
});

test('truncated at a package boundary with the sizes edited to match: the final-package flag catches it', async () => {
  // Now the length matches, so only the final flag is left to notice: package 3 was sealed as non-final.
  truncateSync(blobOf('truncate-resized'), HEADER + 4 * STRIDE);
  setSizes('truncate-resized', 4 * PACKAGE);
  // A GET checks the layout manifest first (the sizes were edited); scrub (below) reaches the package itself.
  await assertRefusedBeforeHeaders('truncate-resized', /^layout manifest does not match/);
});

test('the blob header changed (a reserved byte): a GET from byte 0 checks it', async () => {
  const path = blobOf('header');
  const b = readFileSync(path);
  b[5] = 0x01;
  writeFileSync(path, b);
  await assertRefusedBeforeHeaders('header', /^package authentication failed: unknown blob header$/);
});

test('bytes appended are never served, and scrub catches them', async () => {
  appendFileSync(blobOf('append'), randomBytes(STRIDE));
  // The ranged read stops at the authenticated end, so the data served is still the original:
  // appended garbage is never served; scrub (below) reports the blob as damaged.
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'append' }));
  const bytes = Buffer.from(await res.Body!.transformToByteArray());
  assert.ok(bytes.equals(originals.get('append')!));
});

test("two objects' blobs swapped", async () => {
  const a = blobOf('blob-a');
  const b = blobOf('blob-b');
  renameSync(a, `${a}.x`);
  renameSync(b, a);
  renameSync(`${a}.x`, b);
  await assertRefusedBeforeHeaders('blob-a', /^package authentication failed: package 0 did not verify$/);
  await assertRefusedBeforeHeaders('blob-b', /^package authentication failed: package 0 did not verify$/);
});

test("a sealed key copied onto another object's row", async () => {
  const from = objectParts(server.dataDir, bucket, 'key-a')[0]!;
  setSealedKey(server.dataDir, bucket, 'key-b', 1, from.sealed_key);
  await assertRefusedBeforeHeaders('key-b', /^sealed data key did not open: wrong object binding or damaged record$/);
});

test('one bit flipped in an inline (SQLite-stored) ciphertext', async () => {
  const [part] = objectParts(server.dataDir, bucket, 'small-flip');
  assert.equal(part?.blob_id, '');
  flipInlineBit(server.dataDir, bucket, 'small-flip', HEADER + 100);
  await assertRefusedBeforeHeaders('small-flip', /^package authentication failed: package 0 \(final\) did not verify$/);
});

test('the untouched object still reads back', async () => {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'untouched' }));
  assert.ok(Buffer.from(await res.Body!.transformToByteArray()).equals(originals.get('untouched')!));
});

test('strongroom scrub reports every tampered object with its reason and exits non-zero', async () => {
  const r = await strongroomCommand(['scrub', '--data', server.dataDir]);
  assert.equal(r.code, 1, r.stderr);
  const reasons: Record<string, string> = {
    flip: 'part 1: package authentication failed: package 2 did not verify',
    'flip-late': 'part 1: package authentication failed: package 6 did not verify',
    drop: 'part 1: package authentication failed: package 1 did not verify',
    swap: 'part 1: package authentication failed: package 1 did not verify',
    truncate: 'part 1: package authentication failed: blob truncated before package 4',
    // The final-package flag: package 3 is now the last but was sealed as non-final.
    'truncate-resized': 'part 1: package authentication failed: package 3 (final) did not verify',
    header: 'part 1: package authentication failed: unknown blob header',
    append: 'part 1: package authentication failed: unexpected bytes after the last package',
    'blob-a': 'part 1: package authentication failed: package 0 did not verify',
    'blob-b': 'part 1: package authentication failed: package 0 did not verify',
    'key-b': 'part 1: sealed data key did not open: wrong object binding or damaged record',
    'small-flip': 'part 1: package authentication failed: package 0 (final) did not verify',
  };
  const lines = r.stdout.split('\n');
  for (const [key, reason] of Object.entries(reasons)) {
    assert.ok(lines.includes(`FAILED s3://${bucket}/${key} ${reason}`), `${key}: expected "${reason}" in\n${r.stdout}`);
  }
  assert.ok(lines.some((l) => l.startsWith(`FAILED s3://${bucket}/truncate-resized layout: layout manifest does not match`)));
  assert.doesNotMatch(r.stdout, new RegExp(`FAILED s3://${bucket}/(untouched|key-a|small-untouched) `));
});
