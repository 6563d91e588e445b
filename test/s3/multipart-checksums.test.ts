/** Multipart checksums: FULL_OBJECT CRCs combined from the parts, COMPOSITE checksum-of-checksums, the Complete header verified (BadDigest), the fields returned. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand,
  S3ServiceException, UploadPartCommand, type ChecksumAlgorithm, type CompletedPart,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Crc64Nvme } from '../../src/s3/crc64-nvme.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite('mpsum');
const MiB = 1024 * 1024;
const body = randomBytes(12 * MiB + 12345);
const parts = [body.subarray(0, 5 * MiB), body.subarray(5 * MiB, 10 * MiB), body.subarray(10 * MiB)];

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b.toString('base64'); };
/** The whole-object digest each algorithm gives, computed here over all the bytes. */
const WHOLE: Record<'CRC32' | 'CRC32C' | 'CRC64NVME', (b: Buffer) => string> = {
  CRC32: (b) => u32(crc32(b)),
  CRC32C: (b) => u32(crc32c(b)),
  CRC64NVME: (b) => new Crc64Nvme().update(b).digest().toString('base64'),
};
const field = (alg: string) => `Checksum${alg}` as 'ChecksumCRC32';

async function uploadParts(key: string, alg: ChecksumAlgorithm, type?: 'FULL_OBJECT' | 'COMPOSITE') {
  const created = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: key, ChecksumAlgorithm: alg, ChecksumType: type }));
  const done: CompletedPart[] = [];
  for (const [i, data] of parts.entries()) {
    const r = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: key, UploadId: created.UploadId, PartNumber: i + 1, Body: data, ChecksumAlgorithm: alg }));
    done.push({ PartNumber: i + 1, ETag: r.ETag, [field(alg)]: r[field(alg)] });
  }
  return { uploadId: created.UploadId!, done };
}

async function rejects(p: Promise<unknown>, name: string, status: number) {
  await assert.rejects(p, (e: S3ServiceException) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
  test(`FULL_OBJECT ${alg}: the part CRCs are combined into the whole object's; a wrong Complete header is BadDigest`, async () => {
    const key = `full-${alg}`;
    const whole = WHOLE[alg](body);
    const { uploadId, done } = await uploadParts(key, alg, 'FULL_OBJECT');
    await rejects(suite.s3.send(new CompleteMultipartUploadCommand({
      Bucket: suite.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: done }, ChecksumType: 'FULL_OBJECT', [field(alg)]: WHOLE[alg](Buffer.from('other')),
    })), 'BadDigest', 400);
    // Refused without a trace: the upload is still there and can complete.
    const uploads = await suite.s3.send(new ListMultipartUploadsCommand({ Bucket: suite.bucket, Prefix: key }));
    assert.equal(uploads.Uploads?.length, 1);
    const completed = await suite.s3.send(new CompleteMultipartUploadCommand({
      Bucket: suite.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: done }, ChecksumType: 'FULL_OBJECT', [field(alg)]: whole,
    }));
    assert.equal(completed[field(alg)], whole);
    assert.equal(completed.ChecksumType, 'FULL_OBJECT');
    const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    assert.equal(head[field(alg)], whole);
    assert.equal(head.ChecksumType, 'FULL_OBJECT');
    // The SDK validates a full-object checksum on GET against the bytes it reads.
    const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  });
}

test('FULL_OBJECT without a Complete header still stores the combined CRC (lib-storage Upload, CRC32, FULL_OBJECT)', async () => {
  const upload = new Upload({
    client: suite.s3, partSize: 5 * MiB, queueSize: 2,
    params: { Bucket: suite.bucket, Key: 'lib-full', Body: body, ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' },
  });
  const result = await upload.done();
  assert.equal(result.ChecksumCRC32, WHOLE.CRC32(body));
  assert.equal(result.ChecksumType, 'FULL_OBJECT');
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'lib-full', ChecksumMode: 'ENABLED' }));
  assert.equal(head.ChecksumCRC32, WHOLE.CRC32(body));
});

test('lib-storage Upload with the SDK defaults: COMPOSITE CRC32 checksum of checksums "-3"', async () => {
  const result = await new Upload({ client: suite.s3, partSize: 5 * MiB, params: { Bucket: suite.bucket, Key: 'lib-default', Body: body } }).done();
  const partCrcs = Buffer.concat(parts.map((p) => Buffer.from(WHOLE.CRC32(p), 'base64')));
  const expected = `${WHOLE.CRC32(partCrcs)}-3`;
  assert.equal(result.ChecksumCRC32, expected);
  assert.equal(result.ChecksumType, 'COMPOSITE');
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'lib-default', ChecksumMode: 'ENABLED' }));
  assert.equal(head.ChecksumCRC32, expected);
  assert.equal(head.ChecksumType, 'COMPOSITE');
});

test('COMPOSITE SHA256: the Complete header is the checksum of checksums; a bad one is BadDigest, the right one is returned', async () => {
  const key = 'composite-sha256';
  const { uploadId, done } = await uploadParts(key, 'SHA256');
  const digests = parts.map((p) => createHash('sha256').update(p).digest());
  const expected = `${createHash('sha256').update(Buffer.concat(digests)).digest('base64')}-3`;
  await rejects(suite.s3.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: done }, ChecksumSHA256: b64('00'.repeat(32)),
  })), 'BadDigest', 400);
  const completed = await suite.s3.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: done }, ChecksumSHA256: expected,
  }));
  assert.equal(completed.ChecksumSHA256, expected);
  assert.equal(completed.ChecksumType, 'COMPOSITE');
});

test('checksum types S3 refuses: FULL_OBJECT with SHA, COMPOSITE CRC64NVME, a type without an algorithm, a Complete type or algorithm that differs', async () => {
  await rejects(suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'x', ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' })), 'InvalidRequest', 400);
  await rejects(suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'x', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'COMPOSITE' })), 'InvalidRequest', 400);
  await rejects(suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'x', ChecksumType: 'FULL_OBJECT' })), 'InvalidRequest', 400);
  const { uploadId, done } = await uploadParts('mismatch', 'CRC32C', 'FULL_OBJECT');
  await rejects(suite.s3.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key: 'mismatch', UploadId: uploadId, MultipartUpload: { Parts: done }, ChecksumType: 'COMPOSITE',
  })), 'InvalidRequest', 400);
  await rejects(suite.s3.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key: 'mismatch', UploadId: uploadId, MultipartUpload: { Parts: done }, ChecksumCRC32: WHOLE.CRC32(body),
  })), 'InvalidRequest', 400);
  const uploads = await suite.s3.send(new ListMultipartUploadsCommand({ Bucket: suite.bucket, Prefix: 'x' }));
  assert.equal(uploads.Uploads, undefined, 'refused CreateMultipartUpload calls leave no upload');
});
