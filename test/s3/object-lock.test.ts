/** Object Lock: lock-enabled buckets, retention and legal hold per version, COMPLIANCE that nothing breaks (root, every delete path, every admin tool), GOVERNANCE that yields only to the bypass. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketVersioningCommand, GetObjectCommand,
  GetObjectLegalHoldCommand, GetObjectLockConfigurationCommand, GetObjectRetentionCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand,
  ListMultipartUploadsCommand, ListObjectVersionsCommand, ListPartsCommand, PutObjectCommand, PutObjectLegalHoldCommand, PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand, PutObjectTaggingCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { strongroomCommand } from '../helpers/data-dir.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';

const work = mkdtempSync(join(tmpdir(), 'strongroom-lock-'));
const dataDir = join(work, 'data');
const keyFile = join(work, 'root.key');
let server: TestServer;
let s3: S3Client;
const serve = async () => {
  // SSE-C over plain HTTP (the test rig's switch) for the copy that only reseals an SSE-C object's key.
  server = await startServer({ dataDir, args: ['--root-key-file', keyFile, '--allow-insecure-sse-c'] });
  s3 = s3Client(server);
};
const stop = async () => { s3.destroy(); await server.stop({ remove: false }); };

before(async () => {
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  await serve();
});
after(async () => {
  await stop();
  rmSync(work, { recursive: true, force: true });
});

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
const denied = (e: Error) => e.name === 'AccessDenied';

async function lockBucket(label: string): Promise<string> {
  const Bucket = bucketName(label);
  await s3.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
  return Bucket;
}

test('CreateBucket with Object Lock turns versioning on for good; the configuration, default retention, and its errors', async () => {
  const Bucket = await lockBucket('lock-config');
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
  assert.equal((await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration?.ObjectLockEnabled, 'Enabled');
  await assert.rejects(s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } })), (e: Error) => e.name === 'InvalidBucketState');
  await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2 } } } }));
  const got = await s3.send(new GetObjectLockConfigurationCommand({ Bucket }));
  assert.deepEqual(got.ObjectLockConfiguration?.Rule?.DefaultRetention, { Mode: 'GOVERNANCE', Days: 2 });
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'defaulted', Body: 'x' }));
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'defaulted', VersionId: put.VersionId }));
  assert.equal(head.ObjectLockMode, 'GOVERNANCE');
  assert.ok(Math.abs(head.ObjectLockRetainUntilDate!.getTime() - inDays(2).getTime()) < 60_000);

  const plain = bucketName('no-lock');
  await s3.send(new CreateBucketCommand({ Bucket: plain }));
  const none = await rawRequest(server.url, { method: 'GET', path: `/${plain}?object-lock` });
  assert.deepEqual([none.status, errorCode(none.body)], [404, 'ObjectLockConfigurationNotFoundError']);
  const enable = '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>';
  const notVersioned = await rawRequest(server.url, { method: 'PUT', path: `/${plain}?object-lock`, body: enable, headers: { 'content-md5': createHash('md5').update(enable).digest('base64') } });
  assert.deepEqual([notVersioned.status, errorCode(notVersioned.body)], [409, 'InvalidBucketState']);
  const headers = await rawRequest(server.url, {
    method: 'PUT', path: `/${plain}/k`, body: 'x',
    headers: { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': inDays(1).toISOString(), 'content-md5': 'ndTkYSaMgDT1yFZOFVxnpg==' },
  });
  assert.deepEqual([headers.status, errorCode(headers.body)], [400, 'InvalidRequest']);
});

test('per-request lock headers: both mode and date, in the future, with Content-MD5 or a checksum; GetObjectRetention without one is NoSuchObjectLockConfiguration', async () => {
  const Bucket = await lockBucket('lock-headers');
  const put = (headers: Record<string, string>) => rawRequest(server.url, { method: 'PUT', path: `/${Bucket}/k`, body: 'x', headers });
  const md5 = { 'content-md5': 'ndTkYSaMgDT1yFZOFVxnpg==' };
  const cases: Array<[Record<string, string>, number, string]> = [
    [{ 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': inDays(1).toISOString() }, 400, 'InvalidRequest'],
    [{ ...md5, 'x-amz-object-lock-mode': 'COMPLIANCE' }, 400, 'InvalidArgument'],
    [{ ...md5, 'x-amz-object-lock-mode': 'FOREVER', 'x-amz-object-lock-retain-until-date': inDays(1).toISOString() }, 400, 'InvalidArgument'],
    [{ ...md5, 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': inDays(-1).toISOString() }, 400, 'InvalidArgument'],
    [{ ...md5, 'x-amz-object-lock-legal-hold': 'MAYBE' }, 400, 'InvalidArgument'],
  ];
  for (const [h, status, code] of cases) {
    const r = await put(h);
    assert.deepEqual([r.status, errorCode(r.body)], [status, code], JSON.stringify(h));
  }
  const ok = await put({ ...md5, 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': inDays(1).toISOString(), 'x-amz-object-lock-legal-hold': 'ON' });
  assert.equal(ok.status, 200, ok.body);
  const versionId = ok.headers['x-amz-version-id'] as string;
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: versionId }))).LegalHold?.Status, 'ON');
  assert.equal((await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'k', VersionId: versionId }))).Retention?.Mode, 'GOVERNANCE');
  const plain = await s3.send(new PutObjectCommand({ Bucket, Key: 'plain', Body: 'x' }));
  const none = await rawRequest(server.url, { method: 'GET', path: `/${Bucket}/plain?retention&versionId=${plain.VersionId}` });
  assert.deepEqual([none.status, errorCode(none.body)], [404, 'NoSuchObjectLockConfiguration']);
});

test('a COMPLIANCE-locked version survives every delete path, as the account root, and every admin tool (scrub, keys rewrap, the orphan sweeper)', async () => {
  const Bucket = await lockBucket('compliance');
  const body = randomBytes(60_000);
  const locked = await s3.send(new PutObjectCommand({ Bucket, Key: 'record', Body: body, ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: inDays(30) }));
  const id = locked.VersionId!;
  const bypass = { 'x-amz-bypass-governance-retention': 'true' };

  await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket, Key: 'record', VersionId: id })), denied);
  const raw = await rawRequest(server.url, { method: 'DELETE', path: `/${Bucket}/record?versionId=${id}`, headers: bypass });
  assert.deepEqual([raw.status, errorCode(raw.body)], [403, 'AccessDenied'], 'the bypass header does not break COMPLIANCE');
  const batch = await s3.send(new DeleteObjectsCommand({ Bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: 'record', VersionId: id }] } }));
  assert.deepEqual(batch.Errors?.map((e) => [e.Key, e.Code]), [['record', 'AccessDenied']]);
  await assert.rejects(s3.send(new DeleteBucketCommand({ Bucket })), (e: Error) => e.name === 'BucketNotEmpty');
  await assert.rejects(s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'record', VersionId: id, BypassGovernanceRetention: true, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(1) } })), denied);
  await assert.rejects(s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'record', VersionId: id, BypassGovernanceRetention: true, Retention: {} })), denied);
  await assert.rejects(s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'record', VersionId: id, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(60) } })), denied);
  await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'record', VersionId: id, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(31) } }));
  // A DELETE without a version id only adds a marker: the locked version stays.
  const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'record' }));
  assert.equal(marker.DeleteMarker, true);
  // An overwrite adds a version; it never replaces the locked one.
  await s3.send(new PutObjectCommand({ Bucket, Key: 'record', Body: 'newer' }));

  await stop();
  for (const args of [['scrub'], ['keys', 'rotate'], ['keys', 'rewrap']]) {
    const r = await strongroomCommand([...args, '--data', dataDir, '--root-key-file', keyFile]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  await serve(); // the orphan sweeper runs at start
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'record', VersionId: id }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), 'the locked version reads back whole');
  assert.equal(got.ObjectLockMode, 'COMPLIANCE');
  await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket, Key: 'record', VersionId: id })), denied);
});

test('GOVERNANCE yields only to x-amz-bypass-governance-retention; a legal hold blocks deletes until it is OFF', async () => {
  const Bucket = await lockBucket('governance');
  const v = await s3.send(new PutObjectCommand({ Bucket, Key: 'g', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(10) }));
  await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket, Key: 'g', VersionId: v.VersionId })), denied);
  await assert.rejects(s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'g', VersionId: v.VersionId, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(1) } })), denied);
  await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'g', VersionId: v.VersionId, BypassGovernanceRetention: true, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(1) } }));
  const shortened = (await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'g', VersionId: v.VersionId }))).Retention?.RetainUntilDate;
  assert.ok(Math.abs(shortened!.getTime() - inDays(1).getTime()) < 60_000, 'the bypass shortened the GOVERNANCE retention');
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'g', VersionId: v.VersionId, BypassGovernanceRetention: true }));
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket, Key: 'g', VersionId: v.VersionId })), (e: Error) => e.name === 'NotFound' || e.name === 'NoSuchVersion');

  const held = await s3.send(new PutObjectCommand({ Bucket, Key: 'h', Body: 'x' }));
  await s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'h', VersionId: held.VersionId, LegalHold: { Status: 'ON' } }));
  await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket, Key: 'h', VersionId: held.VersionId, BypassGovernanceRetention: true })), denied);
  await s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'h', VersionId: held.VersionId, LegalHold: { Status: 'OFF' } }));
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'h', VersionId: held.VersionId }));
});

test('GetObjectLegalHold of a version that never had a legal hold is 404 NoSuchObjectLockConfiguration; once set, ON or OFF', async () => {
  const Bucket = await lockBucket('legal-hold-none');
  const md5 = { 'content-md5': 'ndTkYSaMgDT1yFZOFVxnpg==' };
  const plain = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
  const hold = (versionId: string) => rawRequest(server.url, { method: 'GET', path: `/${Bucket}/k?legal-hold&versionId=${versionId}` });
  const none = await hold(plain.VersionId!);
  assert.deepEqual([none.status, errorCode(none.body)], [404, 'NoSuchObjectLockConfiguration'], none.body);
  await s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: plain.VersionId, LegalHold: { Status: 'ON' } }));
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: plain.VersionId }))).LegalHold?.Status, 'ON');
  await s3.send(new PutObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: plain.VersionId, LegalHold: { Status: 'OFF' } }));
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: plain.VersionId }))).LegalHold?.Status, 'OFF');
  // A write that asks for OFF has a legal hold configuration: OFF.
  const off = await rawRequest(server.url, { method: 'PUT', path: `/${Bucket}/k`, body: 'x', headers: { ...md5, 'x-amz-object-lock-legal-hold': 'OFF' } });
  assert.equal(off.status, 200, off.body);
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: off.headers['x-amz-version-id'] as string }))).LegalHold?.Status, 'OFF');
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: off.headers['x-amz-version-id'] as string }));
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: plain.VersionId }));
});

test('CreateMultipartUpload keeps the lock headers with the upload and CompleteMultipartUpload applies them; bad ones are refused and store no upload', async () => {
  const Bucket = await lockBucket('lock-multipart');
  const until = new Date(Math.ceil(inDays(2).getTime() / 1000) * 1000);
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: 'ON' }));
  const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId: created.UploadId, PartNumber: 1, Body: 'part one' }));
  const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mp', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  const VersionId = done.VersionId!;
  const retention = await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'mp', VersionId }));
  assert.deepEqual([retention.Retention?.Mode, retention.Retention?.RetainUntilDate?.getTime()], ['COMPLIANCE', until.getTime()]);
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'mp', VersionId }))).LegalHold?.Status, 'ON');
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'mp' }));
  assert.deepEqual([head.ObjectLockMode, head.ObjectLockLegalHoldStatus], ['COMPLIANCE', 'ON']);
  await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket, Key: 'mp', VersionId })), denied);

  const start = (headers: Record<string, string>, bucket = Bucket) => rawRequest(server.url, { method: 'POST', path: `/${bucket}/bad?uploads`, headers });
  const cases: Array<[Record<string, string>, number, string]> = [
    [{ 'x-amz-object-lock-mode': 'COMPLIANCE' }, 400, 'InvalidArgument'],
    [{ 'x-amz-object-lock-retain-until-date': inDays(1).toISOString() }, 400, 'InvalidArgument'],
    [{ 'x-amz-object-lock-mode': 'FOREVER', 'x-amz-object-lock-retain-until-date': inDays(1).toISOString() }, 400, 'InvalidArgument'],
    [{ 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': inDays(-1).toISOString() }, 400, 'InvalidArgument'],
    [{ 'x-amz-object-lock-legal-hold': 'MAYBE' }, 400, 'InvalidArgument'],
  ];
  for (const [h, status, code] of cases) {
    const r = await start(h);
    assert.deepEqual([r.status, errorCode(r.body)], [status, code], JSON.stringify(h));
  }
  const plain = bucketName('lock-multipart-plain');
  await s3.send(new CreateBucketCommand({ Bucket: plain }));
  const noLock = await start({ 'x-amz-object-lock-legal-hold': 'ON' }, plain);
  assert.deepEqual([noLock.status, errorCode(noLock.body)], [400, 'InvalidRequest']);
  assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads, undefined, 'no refused upload was stored');
  assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: plain }))).Uploads, undefined);

  // Without lock headers the completed object gets the bucket's default retention.
  await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } }));
  const bare = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp2' }));
  const p2 = await s3.send(new UploadPartCommand({ Bucket, Key: 'mp2', UploadId: bare.UploadId, PartNumber: 1, Body: 'two' }));
  const d2 = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mp2', UploadId: bare.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p2.ETag }] } }));
  assert.equal((await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'mp2', VersionId: d2.VersionId }))).Retention?.Mode, 'GOVERNANCE');
});

test('POST form object-lock fields are validated and applied like the headers; without them the bucket default applies', async () => {
  const Bucket = await lockBucket('lock-post');
  const until = new Date(Math.ceil(inDays(3).getTime() / 1000) * 1000).toISOString();
  const post = (fields: Record<string, string>, key: string) => {
    const conditions = [{ key }, ...Object.entries(fields).map(([k, v]) => ({ [k]: v }))];
    return postForm(`${server.url}/${Bucket}`, formBody(signedFields(Bucket, conditions, { key, ...fields }), 'x'));
  };
  const md5 = { 'Content-MD5': 'ndTkYSaMgDT1yFZOFVxnpg==' };
  const ok = await post({ ...md5, 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': until, 'x-amz-object-lock-legal-hold': 'ON' }, 'locked');
  assert.equal(ok.status, 204, ok.body);
  const VersionId = ok.headers['x-amz-version-id'] as string;
  const retention = await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'locked', VersionId }));
  assert.deepEqual([retention.Retention?.Mode, retention.Retention?.RetainUntilDate?.toISOString()], ['GOVERNANCE', until]);
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'locked', VersionId }))).LegalHold?.Status, 'ON');

  const cases: Array<[Record<string, string>, number, string]> = [
    [{ 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': until }, 400, 'InvalidRequest'],
    [{ ...md5, 'x-amz-object-lock-mode': 'GOVERNANCE' }, 400, 'InvalidArgument'],
    [{ ...md5, 'x-amz-object-lock-mode': 'FOREVER', 'x-amz-object-lock-retain-until-date': until }, 400, 'InvalidArgument'],
    [{ ...md5, 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': inDays(-1).toISOString() }, 400, 'InvalidArgument'],
    [{ ...md5, 'x-amz-object-lock-legal-hold': 'MAYBE' }, 400, 'InvalidArgument'],
  ];
  for (const [fields, status, code] of cases) {
    const r = await post(fields, 'refused');
    assert.deepEqual([r.status, errorCode(r.body)], [status, code], JSON.stringify(fields));
  }
  assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'refused' }))).Versions, undefined, 'a refused form stores nothing');

  await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } } } }));
  const plain = await post({}, 'default');
  assert.equal(plain.status, 204, plain.body);
  assert.equal((await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'default', VersionId: plain.headers['x-amz-version-id'] as string }))).Retention?.Mode, 'COMPLIANCE');
});

test('CopyObject applies x-amz-object-lock-* without Content-MD5 or a checksum (it uploads no body: S3 asks integrity headers only of uploads); the source\'s lock is not copied', async () => {
  const Bucket = await lockBucket('lock-copy');
  const until = new Date(Math.ceil(inDays(5).getTime() / 1000) * 1000);
  const src = await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'copied bytes', ChecksumAlgorithm: 'CRC32', ObjectLockLegalHoldStatus: 'ON' }));
  // The SDK sends CopyObject with no Content-MD5 and no x-amz-checksum-* (no body to hash).
  const copy = await s3.send(new CopyObjectCommand({
    Bucket, Key: 'dst', CopySource: `${Bucket}/src?versionId=${src.VersionId}`, ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until,
  }));
  const retention = await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'dst', VersionId: copy.VersionId }));
  assert.deepEqual([retention.Retention?.Mode, retention.Retention?.RetainUntilDate?.getTime()], ['COMPLIANCE', until.getTime()]);
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'dst', VersionId: copy.VersionId }));
  assert.equal(head.ObjectLockLegalHoldStatus, undefined, 'the source\'s legal hold is not copied');
  // A hand-built copy with nothing but the copy source and the lock headers.
  const raw = await rawRequest(server.url, {
    method: 'PUT', path: `/${Bucket}/held`,
    headers: { 'x-amz-copy-source': `/${Bucket}/src?versionId=${src.VersionId}`, 'x-amz-object-lock-legal-hold': 'ON' },
  });
  assert.equal(raw.status, 200, raw.body);
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'held', VersionId: raw.headers['x-amz-version-id'] as string }))).LegalHold?.Status, 'ON');
  // The other rules of the headers still hold for a copy: both mode and date, a known mode, a future date.
  const refused = await rawRequest(server.url, {
    method: 'PUT', path: `/${Bucket}/refused`,
    headers: { 'x-amz-copy-source': `/${Bucket}/src`, 'x-amz-object-lock-mode': 'COMPLIANCE' },
  });
  assert.deepEqual([refused.status, errorCode(refused.body)], [400, 'InvalidArgument']);
  assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'refused' }))).Versions, undefined, 'a refused copy stores nothing');
  // On a bucket without Object Lock, lock headers are refused on every copy, also an SSE-C key change onto itself (which only reseals its data key).
  const plain = bucketName('lock-copy-plain');
  await s3.send(new CreateBucketCommand({ Bucket: plain }));
  // New buckets block SSE-C: an explicit configuration without the block allows it.
  await s3.send(new PutBucketEncryptionCommand({ Bucket: plain, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  const [k1, k2] = [randomBytes(32), randomBytes(32)];
  const ssec = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: k.toString('base64') });
  await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'k', Body: 'x', ...ssec(k1) }));
  await assert.rejects(s3.send(new CopyObjectCommand({
    Bucket: plain, Key: 'k', CopySource: `${plain}/k`, CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: k1.toString('base64'), ...ssec(k2),
    ObjectLockLegalHoldStatus: 'ON',
  })), (e: Error) => e.name === 'InvalidRequest');
  const still = await s3.send(new GetObjectCommand({ Bucket: plain, Key: 'k', ...ssec(k1) }));
  assert.equal(await still.Body!.transformToString(), 'x', 'the refused copy changed nothing: the old key still reads it');
});

test('a COMPLIANCE-locked null version (written before versioning and Object Lock were turned on) survives DELETE ?versionId=null, DeleteObjects, an overwrite, and suspending versioning', async () => {
  const Bucket = bucketName('lock-null');
  await s3.send(new CreateBucketCommand({ Bucket }));
  const body = randomBytes(40_000);
  await s3.send(new PutObjectCommand({ Bucket, Key: 'old', Body: body }));
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }));
  await s3.send(new PutObjectRetentionCommand({ Bucket, Key: 'old', VersionId: 'null', Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(30) } }));

  await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket, Key: 'old', VersionId: 'null', BypassGovernanceRetention: true })), denied);
  const batch = await s3.send(new DeleteObjectsCommand({ Bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: 'old', VersionId: 'null' }] } }));
  assert.deepEqual(batch.Errors?.map((e) => [e.Key, e.Code]), [['old', 'AccessDenied']]);
  // The null version could only be replaced by a write on a suspended bucket, and a bucket with Object Lock cannot be suspended.
  await assert.rejects(s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } })), (e: Error) => e.name === 'InvalidBucketState');
  const newer = await s3.send(new PutObjectCommand({ Bucket, Key: 'old', Body: 'newer' }));
  assert.notEqual(newer.VersionId, 'null', 'an overwrite adds a version beside the null one');
  await s3.send(new CopyObjectCommand({ Bucket, Key: 'old', CopySource: `${Bucket}/old?versionId=null`, MetadataDirective: 'REPLACE', ContentType: 'text/plain' }));
  await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'old', VersionId: 'null', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
  await assert.rejects(s3.send(new DeleteBucketCommand({ Bucket })), (e: Error) => e.name === 'BucketNotEmpty');

  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'old', VersionId: 'null' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), 'the locked null version reads back whole');
  assert.equal(got.ObjectLockMode, 'COMPLIANCE');
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'old' }));
  assert.equal(versions.Versions?.filter((v) => v.VersionId === 'null').length, 1);
});

test('GOVERNANCE in DeleteObjects: an entry without BypassGovernanceRetention is an AccessDenied <Error> (the version stays), with it the version is deleted', async () => {
  const Bucket = await lockBucket('governance-batch');
  const v = await s3.send(new PutObjectCommand({ Bucket, Key: 'g', Body: 'x', ChecksumAlgorithm: 'CRC32', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(10) }));
  const refused = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'g', VersionId: v.VersionId }] } }));
  assert.deepEqual([refused.Errors?.map((e) => [e.Key, e.Code]), refused.Deleted], [[['g', 'AccessDenied']], undefined]);
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: 'g', VersionId: v.VersionId }))).ObjectLockMode, 'GOVERNANCE');
  const bypassed = await s3.send(new DeleteObjectsCommand({ Bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: 'g', VersionId: v.VersionId }] } }));
  assert.deepEqual([bypassed.Deleted?.map((d) => [d.Key, d.VersionId]), bypassed.Errors], [[['g', v.VersionId]], undefined]);
  const gone = await rawRequest(server.url, { method: 'GET', path: `/${Bucket}/g?versionId=${v.VersionId}` });
  assert.deepEqual([gone.status, errorCode(gone.body)], [404, 'NoSuchVersion']);
});

test('PutObjectLockConfiguration: a Years default retention dates new versions that many years ahead; Days and Years together or neither are MalformedXML, a non-positive period InvalidArgument, and nothing changes', async () => {
  const Bucket = await lockBucket('lock-years');
  await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 1 } } } }));
  assert.deepEqual((await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration?.Rule?.DefaultRetention, { Mode: 'COMPLIANCE', Years: 1 });
  const before = new Date();
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'yearly', Body: 'x' }));
  const until = (await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'yearly', VersionId: put.VersionId }))).Retention?.RetainUntilDate;
  const yearAhead = new Date(before.getTime());
  yearAhead.setUTCFullYear(yearAhead.getUTCFullYear() + 1);
  assert.ok(Math.abs(until!.getTime() - yearAhead.getTime()) < 60_000, `${until?.toISOString()} is a year after ${before.toISOString()}`);

  const putConfig = (rule: string) => {
    const body = `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>${rule}</DefaultRetention></Rule></ObjectLockConfiguration>`;
    return rawRequest(server.url, { method: 'PUT', path: `/${Bucket}?object-lock`, body, headers: { 'content-md5': createHash('md5').update(body).digest('base64') } });
  };
  const cases: Array<[string, number, string]> = [
    ['<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>', 400, 'MalformedXML'],
    ['<Mode>GOVERNANCE</Mode>', 400, 'MalformedXML'],
    ['<Mode>FOREVER</Mode><Days>1</Days>', 400, 'MalformedXML'],
    ['<Mode>GOVERNANCE</Mode><Days>0</Days>', 400, 'InvalidArgument'],
    ['<Mode>GOVERNANCE</Mode><Years>-1</Years>', 400, 'InvalidArgument'],
  ];
  for (const [rule, status, code] of cases) {
    const r = await putConfig(rule);
    assert.deepEqual([r.status, errorCode(r.body)], [status, code], rule);
  }
  assert.deepEqual((await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration?.Rule?.DefaultRetention, { Mode: 'COMPLIANCE', Years: 1 }, 'a refused configuration changes nothing');
});

test('an upload that gets a lock needs Content-MD5 or a checksum, as S3: a PutObject under the bucket default retention, and each UploadPart of an upload with lock parameters (Put Part); without any lock neither is asked', async () => {
  const Bucket = await lockBucket('lock-integrity');
  const md5 = (b: string) => createHash('md5').update(b).digest('base64');
  const put = (Key: string, headers: Record<string, string> = {}) => rawRequest(server.url, { method: 'PUT', path: `/${Bucket}/${Key}`, body: 'x', headers });
  // A lock bucket without a default retention: a plain PUT gets no lock and needs no integrity header.
  const unlocked = await put('free');
  assert.equal(unlocked.status, 200, unlocked.body);
  await s3.send(new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } }));
  const bare = await put('defaulted');
  assert.deepEqual([bare.status, errorCode(bare.body)], [400, 'InvalidRequest'], bare.body);
  assert.ok(bare.body.includes('<Message>Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters</Message>'), bare.body);
  assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'defaulted' }))).Versions, undefined, 'nothing stored');
  for (const headers of [{ 'content-md5': md5('x') }, { 'x-amz-checksum-crc32': 'jNwWgw==' }] as Array<Record<string, string>>) {
    const ok = await put('defaulted', headers);
    assert.equal(ok.status, 200, ok.body);
    assert.equal((await s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'defaulted', VersionId: ok.headers['x-amz-version-id'] as string }))).Retention?.Mode, 'GOVERNANCE');
  }

  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp', ObjectLockLegalHoldStatus: 'ON' }));
  const part = (headers: Record<string, string> = {}) => rawRequest(server.url, {
    method: 'PUT', path: `/${Bucket}/mp?partNumber=1&uploadId=${encodeURIComponent(UploadId!)}`, body: 'part', headers,
  });
  const noDigest = await part();
  assert.deepEqual([noDigest.status, errorCode(noDigest.body)], [400, 'InvalidRequest'], noDigest.body);
  assert.ok(noDigest.body.includes('<Message>Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters</Message>'), noDigest.body);
  assert.equal((await s3.send(new ListPartsCommand({ Bucket, Key: 'mp', UploadId }))).Parts, undefined, 'no part stored');
  const withDigest = await part({ 'content-md5': md5('part') });
  assert.equal(withDigest.status, 200, withDigest.body);

  // A bucket without Object Lock: parts need no integrity header.
  const plain = bucketName('lock-integrity-plain');
  await s3.send(new CreateBucketCommand({ Bucket: plain }));
  const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: plain, Key: 'mp' }));
  const free = await rawRequest(server.url, { method: 'PUT', path: `/${plain}/mp?partNumber=1&uploadId=${encodeURIComponent(upload.UploadId!)}`, body: 'part' });
  assert.equal(free.status, 200, free.body);
});

test('PutObjectRetention, PutObjectLegalHold and PutObjectLockConfiguration require Content-MD5 or a checksum of their body (botocore: requestChecksumRequired): none is 400 InvalidRequest, a wrong one 400 BadDigest, and nothing changes', async () => {
  const Bucket = await lockBucket('lock-digest');
  const v = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
  const md5 = (b: string) => createHash('md5').update(b).digest('base64');
  const requests: Array<[string, string]> = [
    [`/${Bucket}/k?retention&versionId=${v.VersionId}`, `<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>${inDays(3).toISOString()}</RetainUntilDate></Retention>`],
    [`/${Bucket}/k?legal-hold&versionId=${v.VersionId}`, '<LegalHold><Status>ON</Status></LegalHold>'],
    [`/${Bucket}?object-lock`, '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>3</Days></DefaultRetention></Rule></ObjectLockConfiguration>'],
  ];
  for (const [path, body] of requests) {
    const none = await rawRequest(server.url, { method: 'PUT', path, body });
    assert.deepEqual([none.status, errorCode(none.body)], [400, 'InvalidRequest'], `${path}: ${none.body}`);
    const wrong = await rawRequest(server.url, { method: 'PUT', path, body, headers: { 'content-md5': md5('another body') } });
    assert.deepEqual([wrong.status, errorCode(wrong.body)], [400, 'BadDigest'], `${path}: ${wrong.body}`);
  }
  await assert.rejects(s3.send(new GetObjectRetentionCommand({ Bucket, Key: 'k', VersionId: v.VersionId })), (e: Error) => e.name === 'NoSuchObjectLockConfiguration');
  await assert.rejects(s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: v.VersionId })), (e: Error) => e.name === 'NoSuchObjectLockConfiguration');
  assert.equal((await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration?.Rule, undefined);
  // With the digest each is applied.
  for (const [path, body] of requests) {
    const ok = await rawRequest(server.url, { method: 'PUT', path, body, headers: { 'content-md5': md5(body) } });
    assert.equal(ok.status, 200, `${path}: ${ok.body}`);
  }
  assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: 'k', VersionId: v.VersionId }))).LegalHold?.Status, 'ON');
});
