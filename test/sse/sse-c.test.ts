/** SSE-C end to end through @aws-sdk/client-s3: every operation that takes the triple, multipart, ranges, copies in every direction, rotation by copy onto itself, POST, presigned URLs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  ListObjectsV2Command, ListPartsCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutObjectCommand, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { serverSuite } from '../helpers/suite.js';
import { rawRequest, sendHttp } from '../helpers/raw-request.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';
import { TEST_SECRET_KEY } from '../helpers/start-server.js';

/** SSE-C over plain HTTP needs the test-rig switch (TLS arrives with its own issue). */
const suite = serverSuite('sse-c', async (s) => {
  // New buckets block SSE-C (S3 since April 2026): an explicit configuration without the block allows it.
  await s.s3.send(new PutBucketEncryptionCommand({ Bucket: s.bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
}, { args: ['--allow-insecure-sse-c'] });

const md5b64 = (b: Buffer) => createHash('md5').update(b).digest('base64');
const md5hex = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const ssec = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: k.toString('base64') });
const sourceSsec = (k: Buffer) => ({ CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: k.toString('base64') });
const tripleHeaders = (k: Buffer, prefix = 'x-amz-server-side-encryption') => ({
  [`${prefix}-customer-algorithm`]: 'AES256', [`${prefix}-customer-key`]: k.toString('base64'), [`${prefix}-customer-key-md5`]: md5b64(k),
});

async function body(out: { Body?: unknown }): Promise<Buffer> {
  return Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

async function rejects(p: Promise<unknown>, status: number, code: string, message?: string): Promise<void> {
  await assert.rejects(p, (e: { $metadata?: { httpStatusCode?: number }; name?: string; Code?: string; message?: string }) => {
    assert.equal(e.$metadata?.httpStatusCode, status);
    assert.equal(e.name, code);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

const MISSING = 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.';
const WRONG = 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.';
const DID_NOT_MATCH = 'The provided encryption parameters did not match the ones used originally.';
const PART_NEEDS_KEY = 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.';

test('SSE-C PUT, GET, HEAD: the key decrypts, responses echo algorithm and key MD5, the ETag is not the MD5, listing shows the object', async () => {
  const { s3, bucket } = suite;
  const key = randomBytes(32);
  const data = randomBytes(100_000);
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'basic', Body: data, ...ssec(key) }));
  assert.equal(put.SSECustomerAlgorithm, 'AES256');
  assert.equal(put.SSECustomerKeyMD5, md5b64(key));
  assert.equal(put.ServerSideEncryption, undefined);
  assert.match(put.ETag!, /^"[0-9a-f]{32}"$/);
  assert.notEqual(put.ETag, `"${md5hex(data)}"`, 'the ETag of an SSE-C object is not the MD5 of its data');
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'basic', ...ssec(key) }));
  assert.ok((await body(got)).equals(data));
  assert.equal(got.ETag, put.ETag);
  assert.equal(got.SSECustomerAlgorithm, 'AES256');
  assert.equal(got.SSECustomerKeyMD5, md5b64(key));
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'basic', ...ssec(key) }));
  assert.equal(head.ContentLength, data.length);
  assert.equal(head.SSECustomerKeyMD5, md5b64(key));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'basic' }));
  assert.deepEqual(listed.Contents?.map((o) => [o.Key, o.ETag, o.Size]), [['basic', put.ETag, data.length]]);
  // Content-MD5 is still checked against the real MD5.
  await rejects(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-md5', Body: data, ContentMD5: md5b64(Buffer.from('other')), ...ssec(key) })), 400, 'BadDigest');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'good-md5', Body: data, ContentMD5: md5b64(data), ...ssec(key) }));
});

test('GET and HEAD of an SSE-C object: without the key 400, with a wrong key 403; SSE-C headers on an SSE-S3 object 400', async () => {
  const { s3, bucket } = suite;
  const key = randomBytes(32);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guarded', Body: 'secret', ...ssec(key) }));
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'guarded' })), 400, 'InvalidRequest', MISSING);
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'guarded', ...ssec(randomBytes(32)) })), 403, 'AccessDenied', WRONG);
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'guarded' })), (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode === 400);
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'guarded', ...ssec(randomBytes(32)) })), (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode === 403);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain-sse-s3', Body: 'x' }));
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain-sse-s3', ...ssec(key) })), 400, 'InvalidRequest', 'The encryption parameters are not applicable to this object.');
});

test('multipart SSE-C: every part repeats the key, ListParts and Complete accept it; a range across the part boundary reads with the key and fails without', async () => {
  const { s3, bucket } = suite;
  const key = randomBytes(32);
  const part1 = randomBytes(5 * 1024 * 1024);
  const part2 = randomBytes(300_000);
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp', ...ssec(key) }));
  assert.equal(created.SSECustomerKeyMD5, md5b64(key));
  const UploadId = created.UploadId!;
  const up = (n: number, b: Buffer, extra: object) => s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: n, Body: b, ...extra }));
  await rejects(up(1, part1, {}), 400, 'InvalidRequest', PART_NEEDS_KEY);
  await rejects(up(1, part1, ssec(randomBytes(32))), 400, 'InvalidRequest', DID_NOT_MATCH);
  const p1 = await up(1, part1, ssec(key));
  assert.equal(p1.SSECustomerKeyMD5, md5b64(key));
  assert.notEqual(p1.ETag, `"${md5hex(part1)}"`);
  const p2 = await up(2, part2, ssec(key));
  const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp', UploadId, ...ssec(key) }));
  assert.deepEqual(parts.Parts?.map((p) => p.ETag), [p1.ETag, p2.ETag]);
  const done = await s3.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: 'mp', UploadId, ...ssec(key), MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
  }));
  assert.match(done.ETag!, /^"[0-9a-f]{32}-2"$/);
  const all = Buffer.concat([part1, part2]);
  const start = part1.length - 1000;
  const range = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'mp', Range: `bytes=${start}-${part1.length + 999}`, ...ssec(key) }));
  assert.ok((await body(range)).equals(all.subarray(start, part1.length + 1000)));
  assert.ok((await body(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'mp', ...ssec(key) })))).equals(all));
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'mp', Range: `bytes=${start}-${part1.length + 999}` })), 400, 'InvalidRequest', MISSING);
  // A part with SSE-C on an upload that had none is refused too.
  const plainUpload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp-plain' }));
  await rejects(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp-plain', UploadId: plainUpload.UploadId!, PartNumber: 1, Body: 'x', ...ssec(key) })), 400, 'InvalidRequest', PART_NEEDS_KEY);
});

test('copies: SSE-C → SSE-S3, SSE-S3 → SSE-C, SSE-C → SSE-C under another key, UploadPartCopy from an SSE-C source; the source triple is required and checked', async () => {
  const { s3, bucket } = suite;
  const a = randomBytes(32);
  const b = randomBytes(32);
  const data = randomBytes(70_000);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-src', Body: data, ...ssec(a) }));
  const CopySource = `${bucket}/copy-src`;
  await rejects(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-x', CopySource })), 400, 'InvalidRequest', MISSING);
  await rejects(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-x', CopySource, ...sourceSsec(b) })), 400, 'InvalidRequest', DID_NOT_MATCH);

  const toS3 = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-to-sse-s3', CopySource, ...sourceSsec(a) }));
  assert.equal(toS3.CopyObjectResult?.ETag, `"${md5hex(data)}"`, 'an SSE-S3 copy has the MD5 ETag again');
  const plain = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy-to-sse-s3' }));
  assert.equal(plain.ServerSideEncryption, 'AES256');
  assert.ok((await body(plain)).equals(data));

  const back = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-back-to-sse-c', CopySource: `${bucket}/copy-to-sse-s3`, ...ssec(b) }));
  assert.equal(back.SSECustomerKeyMD5, md5b64(b));
  assert.notEqual(back.CopyObjectResult?.ETag, `"${md5hex(data)}"`);
  assert.ok((await body(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy-back-to-sse-c', ...ssec(b) })))).equals(data));
  await rejects(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-x', CopySource: `${bucket}/copy-to-sse-s3`, ...sourceSsec(a) })), 400, 'InvalidRequest', 'The encryption parameters are not applicable to this object.');

  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-c-to-c', CopySource, ...sourceSsec(a), ...ssec(b) }));
  assert.ok((await body(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy-c-to-c', ...ssec(b) })))).equals(data));
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy-c-to-c', ...ssec(a) })), 403, 'AccessDenied', WRONG);

  const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copy-parts', ...ssec(b) }));
  await rejects(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copy-parts', UploadId: upload.UploadId!, PartNumber: 1, CopySource, ...ssec(b) })), 400, 'InvalidRequest', MISSING);
  const part = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copy-parts', UploadId: upload.UploadId!, PartNumber: 1, CopySource, CopySourceRange: 'bytes=100-999', ...sourceSsec(a), ...ssec(b) }));
  assert.equal(part.SSECustomerKeyMD5, md5b64(b));
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'copy-parts', UploadId: upload.UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag }] } }));
  assert.ok((await body(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy-parts', ...ssec(b) })))).equals(data.subarray(100, 1000)));
});

/** The blob files of the data directory with their bytes' hash and mtime. */
function blobFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(p, `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

test('key rotation by copy onto itself reseals the data key only: blob untouched, ETag kept, old key 403, new key works; a wrong source key is refused even when it equals the target key', async () => {
  const { s3, bucket, server } = suite;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const data = randomBytes(200_000);
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'rotate', Body: data, ...ssec(oldKey), Metadata: { keep: 'me' } }));
  const before = blobFiles(join(server.dataDir, 'blobs'));
  const CopySource = `${bucket}/rotate`;
  // MinIO once skipped the source-key check when both keys were equal (minio/minio#5625).
  await rejects(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'rotate', CopySource, ...sourceSsec(newKey), ...ssec(newKey) })), 400, 'InvalidRequest', DID_NOT_MATCH);
  const rotated = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'rotate', CopySource, ...sourceSsec(oldKey), ...ssec(newKey) }));
  assert.equal(rotated.CopyObjectResult?.ETag, put.ETag);
  assert.equal(rotated.SSECustomerKeyMD5, md5b64(newKey));
  assert.deepEqual(blobFiles(join(server.dataDir, 'blobs')), before, 'no blob was written, changed or removed');
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'rotate', ...ssec(oldKey) })), 403, 'AccessDenied', WRONG);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'rotate', ...ssec(newKey) }));
  assert.ok((await body(got)).equals(data));
  assert.deepEqual(got.Metadata, { keep: 'me' });
});

test('POST Object form fields carry the SSE-C triple; a presigned GET whose signed headers carry the triple works', async () => {
  const { s3, bucket, server } = suite;
  const key = randomBytes(32);
  const fields = signedFields(bucket, [['starts-with', '$key', 'posted'], ['starts-with', '$x-amz-server-side-encryption-customer-algorithm', ''], ['starts-with', '$x-amz-server-side-encryption-customer-key', ''], ['starts-with', '$x-amz-server-side-encryption-customer-key-MD5', '']], {
    key: 'posted', 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': key.toString('base64'), 'x-amz-server-side-encryption-customer-key-MD5': md5b64(key),
  });
  const posted = await postForm(`${server.url}/${bucket}`, formBody(fields, 'from a form'));
  assert.equal(posted.status, 204, posted.body);
  assert.equal(posted.headers['x-amz-server-side-encryption-customer-key-md5'], md5b64(key));
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'posted' })), 400, 'InvalidRequest', MISSING);
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'posted', ...ssec(key) }), { expiresIn: 300 });
  const u = new URL(url);
  assert.ok(!u.search.toLowerCase().includes('customer-key='), 'the key travels in headers, not in the URL');
  const res = await sendHttp({ host: u.hostname, port: u.port, method: 'GET', path: `${u.pathname}${u.search}`, headers: tripleHeaders(key) }, Buffer.alloc(0));
  assert.equal(res.status, 200, res.body);
  assert.equal(res.body, 'from a form');
});

test('SignatureDoesNotMatch does not echo the customer key in the canonical request', async () => {
  const { bucket, server } = suite;
  const key = randomBytes(32);
  const res = await rawRequest(server.url, {
    method: 'PUT', path: `/${bucket}/sig`, body: 'x', secretKey: `${TEST_SECRET_KEY}x`,
    headers: { ...tripleHeaders(key), ...tripleHeaders(randomBytes(32), 'x-amz-copy-source-server-side-encryption') },
  });
  assert.equal(res.status, 403);
  assert.match(res.body, /<Code>SignatureDoesNotMatch<\/Code>/);
  assert.match(res.body, /x-amz-server-side-encryption-customer-key:\[redacted\]/);
  assert.match(res.body, /x-amz-copy-source-server-side-encryption-customer-key:\[redacted\]/);
  assert.ok(!res.body.includes(key.toString('base64')), 'the key is echoed');
  assert.ok(res.body.includes(md5b64(key)), 'the key MD5 line stays for debugging');
});

test('on a versioned bucket each version keeps its own customer key; a key change by copy onto itself is a new version, the old one still needs the old key', async () => {
  const { s3 } = suite;
  const bucket = `${suite.bucket}-v`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const k3 = randomBytes(32);
  const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'first', ...ssec(k1) }));
  const v2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'second', ...ssec(k2) }));
  assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
  const read = async (versionId: string | undefined, k: Buffer) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: versionId, ...ssec(k) }))).Body!.transformToString();
  assert.equal(await read(v1.VersionId, k1), 'first');
  assert.equal(await read(v2.VersionId, k2), 'second');
  assert.equal(await read(undefined, k2), 'second');
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: v1.VersionId, ...ssec(k2) })), 403, 'AccessDenied', WRONG);
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: v1.VersionId })), 400, 'InvalidRequest', MISSING);
  const rotated = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'doc', CopySource: `${bucket}/doc`, ...sourceSsec(k2), ...ssec(k3) }));
  assert.ok(rotated.VersionId && rotated.VersionId !== v2.VersionId, 'a new version');
  assert.equal(await read(undefined, k3), 'second');
  assert.equal(await read(v2.VersionId, k2), 'second', 'the old version keeps its own key');
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: v2.VersionId, ...ssec(k3) })), 403, 'AccessDenied', WRONG);
});

test('CompleteMultipartUpload of an SSE-C upload answers without SSE-C headers, as the CompleteMultipartUploadOutput of the S3 model has none (with or without the triple); an SSE-S3 upload keeps x-amz-server-side-encryption', async () => {
  const { s3, bucket, server } = suite;
  const key = randomBytes(32);
  const complete = async (name: string, headers: Record<string, string>, uploadId: string, etag: string) => rawRequest(server.url, {
    method: 'POST', path: `/${bucket}/${name}?uploadId=${encodeURIComponent(uploadId)}`, headers,
    body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
  });
  for (const [name, triple] of [['mp-complete-triple', true], ['mp-complete-bare', false]] as const) {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: name, ...ssec(key) }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: name, UploadId, PartNumber: 1, Body: 'only part', ...ssec(key) }));
    const res = await complete(name, triple ? tripleHeaders(key) : {}, UploadId!, part.ETag!);
    assert.equal(res.status, 200, res.body);
    assert.match(res.body, /<CompleteMultipartUploadResult/);
    for (const h of ['x-amz-server-side-encryption-customer-algorithm', 'x-amz-server-side-encryption-customer-key-md5', 'x-amz-server-side-encryption']) {
      assert.equal(res.headers[h], undefined, `${name}: ${h} on the Complete answer`);
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: name, ...ssec(key) }));
    assert.equal(got.SSECustomerAlgorithm, 'AES256', 'the object is SSE-C all the same');
    assert.equal((await body(got)).toString(), 'only part');
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp-complete-s3', ServerSideEncryption: 'AES256' }));
  const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp-complete-s3', UploadId, PartNumber: 1, Body: 'only part' }));
  const res = await complete('mp-complete-s3', {}, UploadId!, part.ETag!);
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers['x-amz-server-side-encryption'], 'AES256');
});
