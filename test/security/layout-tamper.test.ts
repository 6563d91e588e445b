/** Editing an object's layout in SQLite (part sizes, part rows, part order, part count) on a stopped server: never served, scrub names it. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand,
  S3Client, S3ServiceException, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { strongroomCommand } from '../helpers/data-dir.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';

const MIB = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'strongroom-layout-'));
const bucket = bucketName('layout');
const originals = new Map<string, Buffer>();
const MULTIPART = ['mp-size-zero', 'mp-drop-last', 'mp-swap', 'mp-count', 'mp-untouched'];
const SINGLE = ['single-size-zero', 'single-no-manifest', 'single-untouched', 'empty-untouched'];
let server: TestServer;
let s3: S3Client;
const pending = { uploadId: '', parts: [] as Array<{ PartNumber: number; ETag: string }> };

async function putMultipart(key: string): Promise<void> {
  const parts = [randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(2 * MIB)];
  originals.set(key, Buffer.concat(parts));
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const done = [];
  for (const [i, body] of parts.entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: body }));
    done.push({ PartNumber: i + 1, ETag: r.ETag });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: done } }));
}

/** Runs `edit` against the stopped server's SQLite file, as an attacker with write access to the metadata would. */
function editDatabase(edit: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'meta.sqlite'), { fileMustExist: true });
  try {
    db.transaction(() => edit(db))();
  } finally {
    db.close();
  }
}

before(async () => {
  server = await startServer({ dataDir });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const key of MULTIPART) await putMultipart(key);
  for (const key of SINGLE) {
    const body = key.startsWith('empty') ? Buffer.alloc(0) : randomBytes(100 * 1024);
    originals.set(key, body);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
  // An upload not yet complete, whose part 2 size is edited before CompleteMultipartUpload.
  pending.uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp-pending' }))).UploadId!;
  for (const [i, body] of [randomBytes(5 * MIB), randomBytes(MIB)].entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp-pending', UploadId: pending.uploadId, PartNumber: i + 1, Body: body }));
    pending.parts.push({ PartNumber: i + 1, ETag: r.ETag! });
  }
  s3.destroy();
  await server.stop();

  editDatabase((db) => {
    db.prepare('UPDATE upload_parts SET size = ? WHERE upload_id = ? AND part_number = 2').run(MIB - 1, pending.uploadId);
    const part = db.prepare('UPDATE object_parts SET size = ? WHERE bucket = ? AND key = ? AND part_number = ?');
    const total = db.prepare('UPDATE objects SET size = ?, parts_count = ? WHERE bucket = ? AND key = ?');
    // The last part's size set to 0 (the object's size fixed to match).
    part.run(0, bucket, 'mp-size-zero', 3);
    total.run(10 * MIB, 3, bucket, 'mp-size-zero');
    // The single part of a blob-backed object set to 0 bytes: today an empty 200 without opening the blob.
    part.run(0, bucket, 'single-size-zero', 1);
    total.run(0, null, bucket, 'single-size-zero');
    // The last part row dropped, size and count fixed: every remaining part still verifies on its own.
    db.prepare('DELETE FROM object_parts WHERE bucket = ? AND key = ? AND part_number = 3').run(bucket, 'mp-drop-last');
    total.run(10 * MIB, 2, bucket, 'mp-drop-last');
    // Parts 1 and 2 (same size) swapped.
    const renumber = db.prepare('UPDATE object_parts SET part_number = ? WHERE bucket = ? AND key = ? AND part_number = ?');
    renumber.run(-1, bucket, 'mp-swap', 1);
    renumber.run(1, bucket, 'mp-swap', 2);
    renumber.run(2, bucket, 'mp-swap', -1);
    // The manifest removed, as if the object predated manifests: its version-2 sealed key says otherwise.
    db.prepare('UPDATE objects SET manifest = NULL WHERE bucket = ? AND key = ?').run(bucket, 'single-no-manifest');
    // Only the part count changed.
    db.prepare('UPDATE objects SET parts_count = 4 WHERE bucket = ? AND key = ?').run(bucket, 'mp-count');
  });

  server = await startServer({ dataDir });
  s3 = s3Client(server);
});

after(async () => {
  s3.destroy();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

for (const key of ['mp-size-zero', 'single-size-zero', 'mp-drop-last', 'mp-swap', 'mp-count', 'single-no-manifest']) {
  test(`${key}: GET answers InternalError before any header, and the server logs why`, async () => {
    const res = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/${key}` });
    assert.equal(res.status, 500, `${key}: served with status ${res.status} (${res.body.length} body bytes)`);
    assert.equal(errorCode(res.body), 'InternalError');
    // The log line may reach the test's pipe a moment after the response.
    const line = new RegExp(`"object read failed before headers","bucket":"${bucket}","key":"${key}","error":"layout manifest (does not match|missing)`);
    for (let i = 0; i < 50 && !line.test(server.stderr()); i++) await sleep(20);
    assert.match(server.stderr(), line);
  });
}

test('an uploaded part whose size was edited before Complete: Complete answers InternalError and no object appears', async () => {
  await assert.rejects(
    s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp-pending', UploadId: pending.uploadId, MultipartUpload: { Parts: pending.parts } })),
    (e: S3ServiceException) => e.name === 'InternalError' && e.$metadata.httpStatusCode === 500,
  );
  assert.match(server.stderr(), /"msg":"upload part failed its layout tag; not completing".*"partNumber":2,"error":"layout manifest does not match/);
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mp-pending' })), (e: S3ServiceException) => e.$metadata.httpStatusCode === 404);
});

test('the untouched objects (multipart, single, empty) still read back whole', async () => {
  for (const key of ['mp-untouched', 'single-untouched', 'empty-untouched']) {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.ok(Buffer.from(await res.Body!.transformToByteArray()).equals(originals.get(key)!), key);
  }
});

test('a ranged GET inside an untampered part of a tampered object is refused too', async () => {
  const res = await rawRequest(server.url, { method: 'GET', path: `/${bucket}/mp-drop-last`, headers: { range: 'bytes=0-99' } });
  assert.equal(res.status, 500);
  assert.equal(errorCode(res.body), 'InternalError');
});

test('strongroom scrub exits 1 and names every object whose layout was edited, and no other', async () => {
  const r = await strongroomCommand(['scrub', '--data', dataDir]);
  assert.equal(r.code, 1, r.stderr);
  for (const key of ['mp-size-zero', 'single-size-zero', 'mp-drop-last', 'mp-swap', 'mp-count', 'single-no-manifest']) {
    assert.match(r.stdout, new RegExp(`FAILED s3://${bucket}/${key} `), key);
  }
  assert.doesNotMatch(r.stdout, /FAILED s3:\/\/[^ ]+\/(mp-untouched|single-untouched|empty-untouched) /);
});
