/** Multipart uploads through the SDK and lib-storage: assembly, ETags, errors, listing, part reads, and metadata-only completion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverSuite } from '../helpers/suite.js';
import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand,
  GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, S3ServiceException, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { blobFiles } from '../helpers/data-dir.js';

const MIB = 1024 * 1024;
const suite = serverSuite('multipart');


const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const rejects = (p: Promise<unknown>, name: string, status: number) =>
  assert.rejects(p, (e: S3ServiceException) => e.name === name && e.$metadata.httpStatusCode === status);

async function body(key: string, extra: Record<string, unknown> = {}) {
  const res = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key, ...extra }));
  return { res, bytes: Buffer.from(await res.Body!.transformToByteArray()) };
}

test('lib-storage Upload of 20 MiB in 5 MiB parts: identical bytes, ETag is the md5 of the part md5s', async () => {
  const data = randomBytes(20 * MIB);
  await new Upload({ client: suite.s3, params: { Bucket: suite.bucket, Key: 'lib', Body: data }, partSize: 5 * MIB, queueSize: 2 }).done();
  const { res, bytes } = await body('lib');
  assert.ok(bytes.equals(data));
  const parts = [0, 1, 2, 3].map((i) => md5(data.subarray(i * 5 * MIB, (i + 1) * 5 * MIB)));
  assert.equal(res.ETag, `"${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-4"`);
  assert.equal(res.ServerSideEncryption, 'AES256');
});

test('a re-uploaded part replaces the first; parts read back by number and ranges cross part boundaries', async () => {
  const { UploadId } = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'manual' }));
  const p1 = randomBytes(5 * MIB);
  const p2 = randomBytes(3 * MIB);
  await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'manual', UploadId, PartNumber: 1, Body: randomBytes(5 * MIB) }));
  const r1 = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'manual', UploadId, PartNumber: 1, Body: p1 }));
  assert.equal(r1.ServerSideEncryption, 'AES256');
  const r2 = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'manual', UploadId, PartNumber: 2, Body: p2 }));
  const listed = await suite.s3.send(new ListPartsCommand({ Bucket: suite.bucket, Key: 'manual', UploadId, MaxParts: 1 }));
  assert.deepEqual([listed.Parts?.map((p) => p.PartNumber), listed.IsTruncated, listed.NextPartNumberMarker], [[1], true, '1']);
  const done = await suite.s3.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key: 'manual', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] },
  }));
  assert.equal(done.ServerSideEncryption, 'AES256');
  const whole = Buffer.concat([p1, p2]);
  assert.ok((await body('manual')).bytes.equals(whole));
  const second = await body('manual', { PartNumber: 2 });
  assert.ok(second.bytes.equals(p2));
  assert.equal(second.res.PartsCount, 2);
  assert.equal(second.res.$metadata.httpStatusCode, 206);
  const across = await body('manual', { Range: `bytes=${5 * MIB - 10}-${5 * MIB + 9}` });
  assert.ok(across.bytes.equals(whole.subarray(5 * MIB - 10, 5 * MIB + 10)));
});

test('completion errors: EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload after abort', async () => {
  const { UploadId } = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'errors' }));
  const a = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'errors', UploadId, PartNumber: 1, Body: randomBytes(1000) }));
  const b = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'errors', UploadId, PartNumber: 2, Body: randomBytes(1000) }));
  const complete = (parts: Array<{ PartNumber: number; ETag?: string }>) =>
    suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'errors', UploadId, MultipartUpload: { Parts: parts } }));
  await rejects(complete([{ PartNumber: 1, ETag: a.ETag }, { PartNumber: 2, ETag: b.ETag }]), 'EntityTooSmall', 400);
  await rejects(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]), 'InvalidPart', 400);
  await rejects(complete([{ PartNumber: 3, ETag: a.ETag }]), 'InvalidPart', 400);
  await rejects(complete([{ PartNumber: 2, ETag: b.ETag }, { PartNumber: 1, ETag: a.ETag }]), 'InvalidPartOrder', 400);
  await suite.s3.send(new AbortMultipartUploadCommand({ Bucket: suite.bucket, Key: 'errors', UploadId }));
  await rejects(complete([{ PartNumber: 1, ETag: a.ETag }]), 'NoSuchUpload', 404);
  await rejects(suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'errors', UploadId, PartNumber: 3, Body: 'x' })), 'NoSuchUpload', 404);
});

test('ListMultipartUploads pages with key and upload-id markers', async () => {
  const ids: string[] = [];
  for (const key of ['lmu/a', 'lmu/a', 'lmu/b']) ids.push((await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: key }))).UploadId!);
  const first = await suite.s3.send(new ListMultipartUploadsCommand({ Bucket: suite.bucket, Prefix: 'lmu/', MaxUploads: 2 }));
  assert.equal(first.IsTruncated, true);
  assert.equal(first.Uploads?.length, 2);
  const rest = await suite.s3.send(new ListMultipartUploadsCommand({ Bucket: suite.bucket, Prefix: 'lmu/', KeyMarker: first.NextKeyMarker, UploadIdMarker: first.NextUploadIdMarker }));
  const all = [...first.Uploads!, ...rest.Uploads!].map((u) => u.UploadId).sort();
  assert.deepEqual(all, [...ids].sort());
  const rolled = await suite.s3.send(new ListMultipartUploadsCommand({ Bucket: suite.bucket, Delimiter: '/' }));
  assert.ok(rolled.CommonPrefixes?.some((p) => p.Prefix === 'lmu/'));
  for (const [i, key] of ['lmu/a', 'lmu/a', 'lmu/b'].entries()) await suite.s3.send(new AbortMultipartUploadCommand({ Bucket: suite.bucket, Key: key, UploadId: ids[i] }));
});

test('completion moves no bytes: the blobs afterwards are exactly the chosen parts', async () => {
  const { UploadId } = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'no-copy' }));
  const before = new Set(blobFiles(suite.server.dataDir));
  const etags: string[] = [];
  for (let n = 1; n <= 3; n++) etags.push((await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'no-copy', UploadId, PartNumber: n, Body: randomBytes(5 * MIB) }))).ETag!);
  const partBlobs = blobFiles(suite.server.dataDir).filter((f) => !before.has(f));
  assert.equal(partBlobs.length, 3);
  // Part 2 is left out: its blob must be released, the others kept as they are.
  await suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'no-copy', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etags[0] }, { PartNumber: 3, ETag: etags[2] }] } }));
  const after = blobFiles(suite.server.dataDir).filter((f) => !before.has(f));
  assert.equal(after.length, 2);
  for (const f of after) assert.ok(partBlobs.includes(f), 'the object uses the part blobs as written');
});
