/** Bucket versioning through the SDK and raw requests: version stacks, delete markers, reads and deletes by version id, ListObjectVersions, suspended buckets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand,
  DeleteObjectCommand, DeleteObjectTaggingCommand, DeleteObjectsCommand, PutBucketEncryptionCommand, GetBucketVersioningCommand, GetObjectCommand, GetObjectTaggingCommand,
  HeadObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutBucketVersioningCommand,
  PutObjectCommand, PutObjectTaggingCommand, UploadPartCommand, UploadPartCopyCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { bucketName } from '../helpers/clients.js';
import { blobPath, objectParts } from '../helpers/data-dir.js';
import { existsSync } from 'node:fs';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';

const suite = serverSuite('versioning');

async function versionedBucket(label: string, status: 'Enabled' | 'Suspended' = 'Enabled'): Promise<string> {
  const Bucket = bucketName(label);
  await suite.s3.send(new CreateBucketCommand({ Bucket }));
  await suite.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: status } }));
  return Bucket;
}

const text = async (s3: S3Client, Bucket: string, Key: string, VersionId?: string) =>
  (await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body!.transformToString();

const VERSION_ID = /^[0-9a-f]{12}[A-Za-z0-9_-]{20}$/;

test('SDK: enable versioning, three PUTs, list the versions, read the first by id, a delete marker hides the key, deleting the marker restores it', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('must-show');
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
  const ids: string[] = [];
  for (const body of ['one', 'two', 'three']) {
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'doc', Body: body }));
    assert.match(put.VersionId ?? '', VERSION_ID);
    ids.push(put.VersionId!);
  }
  assert.deepEqual([...ids].sort(), ids, 'version ids of one key sort by creation');
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  assert.deepEqual(listed.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size]), [
    ['doc', ids[2], true, 5], ['doc', ids[1], false, 3], ['doc', ids[0], false, 3],
  ]);
  assert.equal(await text(s3, Bucket, 'doc', ids[0]), 'one');
  assert.equal(await text(s3, Bucket, 'doc'), 'three');
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'doc', VersionId: ids[1] }));
  assert.deepEqual([head.ContentLength, head.VersionId], [3, ids[1]]);

  const del = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'doc' }));
  assert.equal(del.DeleteMarker, true);
  assert.match(del.VersionId ?? '', VERSION_ID);
  const gone = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}/doc` });
  assert.deepEqual([gone.status, errorCode(gone.body)], [404, 'NoSuchKey']);
  assert.equal(gone.headers['x-amz-delete-marker'], 'true');
  assert.equal(gone.headers['x-amz-version-id'], del.VersionId);
  const headGone = await rawRequest(suite.server.url, { method: 'HEAD', path: `/${Bucket}/doc` });
  assert.deepEqual([headGone.status, headGone.headers['x-amz-delete-marker'], headGone.headers['x-amz-version-id']], [404, 'true', del.VersionId]);
  assert.equal((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0);
  const withMarker = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  assert.deepEqual(withMarker.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest]), [['doc', del.VersionId, true]]);
  assert.deepEqual(withMarker.Versions?.map((v) => v.IsLatest), [false, false, false]);

  const undo = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'doc', VersionId: del.VersionId }));
  assert.deepEqual([undo.DeleteMarker, undo.VersionId], [true, del.VersionId]);
  assert.equal(await text(s3, Bucket, 'doc'), 'three');
});

test('GET or HEAD of a delete marker by its id is 405 MethodNotAllowed with its headers; unknown id 404 NoSuchVersion; malformed 400 InvalidArgument', async () => {
  const Bucket = await versionedBucket('marker-reads');
  await suite.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
  const marker = await suite.s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
  for (const method of ['GET', 'HEAD']) {
    const r = await rawRequest(suite.server.url, { method, path: `/${Bucket}/k?versionId=${marker.VersionId}` });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers['x-amz-delete-marker'], 'true');
    assert.equal(r.headers['x-amz-version-id'], marker.VersionId);
    if (method === 'GET') assert.equal(errorCode(r.body), 'MethodNotAllowed');
  }
  const unknown = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}/k?versionId=000000000001AAAAAAAAAAAAAAAAAAAA` });
  assert.deepEqual([unknown.status, errorCode(unknown.body)], [404, 'NoSuchVersion']);
  const bad = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}/k?versionId=not-a-version` });
  assert.deepEqual([bad.status, errorCode(bad.body)], [400, 'InvalidArgument']);
  const tagging = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}/k?tagging&versionId=${marker.VersionId}` });
  assert.equal(tagging.status, 405);
});

test('deleting the current version by id makes the previous one current and removes the data for good', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('delete-version');
  // Bodies above the 32 KiB inline limit: each version's bytes are a blob file of their own.
  const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: `first${'.'.repeat(40_000)}` }));
  const before = objectParts(suite.server.dataDir, Bucket, 'k');
  const v2 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: `second${'.'.repeat(40_000)}` }));
  const both = objectParts(suite.server.dataDir, Bucket, 'k');
  const second = both.find((row) => !before.some((b) => b.write_id === row.write_id))!;
  assert.ok(existsSync(blobPath(suite.server.dataDir, second.blob_id)), 'the second version has its blob file');
  const r = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v2.VersionId }));
  assert.deepEqual([r.VersionId, r.DeleteMarker], [v2.VersionId, undefined]);
  assert.ok((await text(s3, Bucket, 'k')).startsWith('first.'));
  // Its blob is released and its sealed data key is gone with its row; the first version's stay.
  assert.equal(existsSync(blobPath(suite.server.dataDir, second.blob_id)), false, 'the deleted version\'s blob file is gone');
  assert.deepEqual(objectParts(suite.server.dataDir, Bucket, 'k').map((row) => [row.write_id, row.sealed_key.toString('hex')]),
    before.map((row) => [row.write_id, row.sealed_key.toString('hex')]));
  const again = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}/k?versionId=${v2.VersionId}` });
  assert.deepEqual([again.status, errorCode(again.body)], [404, 'NoSuchVersion']);
  assert.deepEqual((await s3.send(new ListObjectVersionsCommand({ Bucket }))).Versions?.map((v) => [v.VersionId, v.IsLatest]), [[v1.VersionId, true]]);
});

test('DeleteObjects: without VersionId adds markers (DeleteMarker, DeleteMarkerVersionId); with one removes it; a marker removed by id says so', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('delete-objects');
  const a = await s3.send(new PutObjectCommand({ Bucket, Key: 'a', Body: 'a' }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'b', Body: 'b' }));
  const first = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'a', VersionId: a.VersionId }, { Key: 'b' }] } }));
  const byKey = new Map(first.Deleted?.map((d) => [d.Key, d]));
  assert.deepEqual([byKey.get('a')?.VersionId, byKey.get('a')?.DeleteMarker], [a.VersionId, undefined]);
  assert.equal(byKey.get('b')?.DeleteMarker, true);
  assert.match(byKey.get('b')?.DeleteMarkerVersionId ?? '', VERSION_ID);
  const markerId = byKey.get('b')!.DeleteMarkerVersionId!;
  const second = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'b', VersionId: markerId }, { Key: 'c', VersionId: 'bad' }] } }));
  assert.deepEqual(second.Deleted?.map((d) => [d.Key, d.VersionId, d.DeleteMarker, d.DeleteMarkerVersionId]), [['b', markerId, true, markerId]]);
  assert.deepEqual(second.Errors?.map((e) => [e.Key, e.Code]), [['c', 'NoSuchVersion']]);
  assert.equal(await text(s3, Bucket, 'b'), 'b');
});

test('a bucket with only noncurrent versions or delete markers is BucketNotEmpty until they are deleted by id', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('not-empty');
  const v = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
  const m = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
  await assert.rejects(s3.send(new DeleteBucketCommand({ Bucket })), (e: Error) => e.name === 'BucketNotEmpty');
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: v.VersionId }));
  await assert.rejects(s3.send(new DeleteBucketCommand({ Bucket })), (e: Error) => e.name === 'BucketNotEmpty');
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k', VersionId: m.VersionId }));
  await s3.send(new DeleteBucketCommand({ Bucket }));
});

test('suspended versioning: a PUT replaces only the null version; a DELETE adds a null marker; the versioned ones stay', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('suspended');
  const kept = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'versioned' }));
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }));
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Suspended');
  const n1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'null one' }));
  assert.equal(n1.VersionId, 'null');
  const n2 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'null two' }));
  assert.equal(n2.VersionId, 'null');
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size]), [['null', true, 8], [kept.VersionId, false, 9]]);
  assert.equal(await text(s3, Bucket, 'k', 'null'), 'null two');
  assert.equal(await text(s3, Bucket, 'k', kept.VersionId), 'versioned');
  const del = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
  assert.deepEqual([del.DeleteMarker, del.VersionId], [true, 'null']);
  const after = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  assert.deepEqual(after.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [['null', true]]);
  assert.deepEqual(after.Versions?.map((v) => v.VersionId), [kept.VersionId]);
  // CopyObject and PostObject on a suspended bucket write the null version too, and say so.
  const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: 'copied', CopySource: `${Bucket}/k?versionId=${kept.VersionId}` }));
  assert.deepEqual([copy.VersionId, copy.CopySourceVersionId], ['null', kept.VersionId]);
  const posted = await postForm(`${suite.server.url}/${Bucket}`, formBody(signedFields(Bucket, [{ key: 'posted' }], { key: 'posted' }), 'form'));
  assert.deepEqual([posted.status, posted.headers['x-amz-version-id']], [204, 'null'], posted.body);
});

test('PutBucketVersioning: MfaDelete is NotImplemented, a bad Status MalformedXML; an enabled bucket is never unversioned again', async () => {
  const Bucket = await versionedBucket('put-versioning');
  const put = (body: string) => rawRequest(suite.server.url, { method: 'PUT', path: `/${Bucket}?versioning`, body });
  const mfa = await put('<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>');
  assert.deepEqual([mfa.status, errorCode(mfa.body)], [501, 'NotImplemented']);
  for (const status of ['Disabled', '']) {
    const r = await put(`<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>`);
    assert.deepEqual([r.status, errorCode(r.body)], [400, 'MalformedXML'], status);
  }
  assert.equal((await suite.s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, 'Enabled');
  const never = await suite.s3.send(new GetBucketVersioningCommand({ Bucket: suite.bucket }));
  assert.equal(never.Status, undefined);
});

test('ListObjectVersions pages inside a key by key-marker + version-id-marker, with prefix and delimiter', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('list-paging');
  const expected: Array<[string, string]> = [];
  for (const Key of ['a', 'd/x', 'd/y', 'z']) {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s3.send(new PutObjectCommand({ Bucket, Key, Body: `${Key}${i}` }))).VersionId!);
    for (const id of ids.reverse()) expected.push([Key, id]);
  }
  const seen: Array<[string, string]> = [];
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 20);
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 2, ...markers }));
    seen.push(...(page.Versions ?? []).map((v): [string, string] => [v.Key!, v.VersionId!]));
    if (!page.IsTruncated) break;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
  assert.deepEqual(seen, expected);
  const rolled = await s3.send(new ListObjectVersionsCommand({ Bucket, Delimiter: '/' }));
  assert.deepEqual(rolled.CommonPrefixes?.map((p) => p.Prefix), ['d/']);
  assert.deepEqual(rolled.Versions?.map((v) => v.Key), ['a', 'a', 'a', 'z', 'z', 'z']);
  const prefixed = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'd/y', MaxKeys: 1 }));
  assert.deepEqual([prefixed.Versions?.map((v) => v.Key), prefixed.IsTruncated], [['d/y'], true]);
});

test('reads by version: tagging, CopyObject and UploadPartCopy sources (x-amz-copy-source-version-id), partNumber', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('version-reads');
  const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'old bytes', Tagging: 'gen=1' }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'new bytes!', Tagging: 'gen=2' }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'src', VersionId: v1.VersionId }));
  assert.deepEqual([tags.TagSet?.map((t) => `${t.Key}=${t.Value}`), tags.VersionId], [['gen=1'], v1.VersionId]);
  await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'src', VersionId: v1.VersionId, Tagging: { TagSet: [{ Key: 'gen', Value: 'one' }] } }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'src' }))).TagSet?.map((t) => t.Value), ['2']);
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'src', VersionId: v1.VersionId }))).TagSet?.map((t) => t.Value), ['one']);
  const untagged = await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'src', VersionId: v1.VersionId }));
  assert.equal(untagged.VersionId, v1.VersionId);
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'src', VersionId: v1.VersionId }))).TagSet, []);
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'src' }))).TagSet?.map((t) => t.Value), ['2'], 'the current version keeps its tags');

  const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy', CopySource: `${Bucket}/src?versionId=${v1.VersionId}` }));
  assert.equal(copy.CopySourceVersionId, v1.VersionId);
  assert.match(copy.VersionId ?? '', VERSION_ID);
  assert.equal(await text(s3, Bucket, 'copy'), 'old bytes');
  const badSource = await rawRequest(suite.server.url, { method: 'PUT', path: `/${Bucket}/copy2`, headers: { 'x-amz-copy-source': `/${Bucket}/src?versionId=nope` } });
  assert.deepEqual([badSource.status, errorCode(badSource.body)], [400, 'InvalidArgument']);

  const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }));
  const part = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'mp', UploadId: upload.UploadId, PartNumber: 1, CopySource: `${Bucket}/src?versionId=${v1.VersionId}` }));
  assert.equal(part.CopySourceVersionId, v1.VersionId);
  const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mp', UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag }] } }));
  assert.match(done.VersionId ?? '', VERSION_ID);
  const partRead = await s3.send(new GetObjectCommand({ Bucket, Key: 'mp', VersionId: done.VersionId, PartNumber: 1 }));
  assert.equal(await partRead.Body!.transformToString(), 'old bytes');
});

test('every version has its own data key (sealed key record); copying an old version seals the copy under a fresh one; reads use each version\'s own', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('encryption');
  const ids: string[] = [];
  for (const Body of ['first version', 'second version']) ids.push((await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body }))).VersionId!);
  const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: 'k', CopySource: `${Bucket}/k?versionId=${ids[0]}` }));
  const rows = objectParts(suite.server.dataDir, Bucket, 'k');
  assert.equal(rows.length, 3, 'three versions, one part each');
  assert.equal(new Set(rows.map((r) => r.sealed_key.toString('hex'))).size, 3, 'three distinct sealed data keys');
  assert.equal(new Set(rows.map((r) => r.write_id)).size, 3);
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: 'k', VersionId: ids[0] }))).ServerSideEncryption, 'AES256');
  assert.deepEqual([await text(s3, Bucket, 'k', ids[0]), await text(s3, Bucket, 'k', ids[1]), await text(s3, Bucket, 'k', copy.VersionId)],
    ['first version', 'second version', 'first version']);
});

test('PostObject answers x-amz-version-id; GetObjectAcl reads a noncurrent version, PutObjectAcl of one is NotImplemented (never the current one by mistake)', async () => {
  const Bucket = await versionedBucket('post-acl');
  const first = await suite.s3.send(new PutObjectCommand({ Bucket, Key: 'form', Body: 'put' }));
  const posted = await postForm(`${suite.server.url}/${Bucket}`, formBody(signedFields(Bucket, [{ key: 'form' }], { key: 'form' }), 'posted'));
  assert.equal(posted.status, 204, posted.body);
  assert.match(String(posted.headers['x-amz-version-id']), VERSION_ID);
  assert.notEqual(posted.headers['x-amz-version-id'], first.VersionId);
  assert.equal(await text(suite.s3, Bucket, 'form'), 'posted');
  const acl = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}/form?acl&versionId=${first.VersionId}` });
  assert.equal(acl.status, 200, acl.body);
  const put = await rawRequest(suite.server.url, { method: 'PUT', path: `/${Bucket}/form?acl&versionId=${first.VersionId}`, headers: { 'x-amz-acl': 'bucket-owner-full-control' } });
  assert.deepEqual([put.status, errorCode(put.body)], [501, 'NotImplemented']);
});

/** The <Version> / <DeleteMarker> elements of a ListVersionsResult, in document order, as [kind, key, versionId]. */
function versionEntries(xml: string): Array<[string, string, string]> {
  return [...xml.matchAll(/<(Version|DeleteMarker)>(.*?)<\/\1>/gs)]
    .map((m): [string, string, string] => [m[1]!, /<Key>([^<]*)<\/Key>/.exec(m[2]!)![1]!, /<VersionId>([^<]*)<\/VersionId>/.exec(m[2]!)![1]!]);
}

test('ListObjectVersions interleaves Version and DeleteMarker elements newest first within a key, also across pages that end between a marker and a version', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('interleave');
  const put = async (Key: string) => ['Version', Key, (await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }))).VersionId!] as [string, string, string];
  const del = async (Key: string) => ['DeleteMarker', Key, (await s3.send(new DeleteObjectCommand({ Bucket, Key }))).VersionId!] as [string, string, string];
  // a: version, marker, version, marker (latest a marker); b: one version; c: marker on top of a version.
  const a = [await put('a'), await del('a'), await put('a'), await del('a')];
  const b = [await put('b')];
  const c = [await put('c'), await del('c')];
  const expected = [...a.reverse(), ...b, ...c.reverse()];
  const whole = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}?versions` });
  assert.equal(whole.status, 200, whole.body);
  assert.deepEqual(versionEntries(whole.body), expected);
  // Every page size, so a page ends after each entry (between a marker and a version and the other way round).
  for (const maxKeys of [1, 2, 3]) {
    const seen: Array<[string, string, string]> = [];
    let marker = '';
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 20);
      const page = await rawRequest(suite.server.url, { method: 'GET', path: `/${Bucket}?versions&max-keys=${maxKeys}${marker}` });
      assert.equal(page.status, 200, page.body);
      const entries = versionEntries(page.body);
      assert.ok(entries.length <= maxKeys);
      seen.push(...entries);
      if (!page.body.includes('<IsTruncated>true</IsTruncated>')) break;
      const last = entries[entries.length - 1]!;
      assert.equal(/<NextKeyMarker>([^<]*)</.exec(page.body)?.[1], last[1]);
      assert.equal(/<NextVersionIdMarker>([^<]*)</.exec(page.body)?.[1], last[2]);
      marker = `&key-marker=${last[1]}&version-id-marker=${last[2]}`;
    }
    assert.deepEqual(seen, expected, `max-keys ${maxKeys}`);
  }
  // The SDK still sorts them into its two lists.
  const sdk = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  assert.deepEqual(sdk.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest]), [['a', a[0]![2], true], ['a', a[2]![2], false], ['c', c[0]![2], true]]);
  assert.deepEqual(sdk.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]), [['a', a[1]![2], false], ['a', a[3]![2], false], ['b', b[0]![2], true], ['c', c[1]![2], false]]);
});

test('a null version read without versionId answers x-amz-version-id: null once the bucket has had versioning (enabled or suspended); never-versioned: no header', async () => {
  const s3 = suite.s3;
  const Bucket = bucketName('null-read');
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'before', Body: 'written unversioned' }));
  const read = (method: string, path: string) => rawRequest(suite.server.url, { method, path: `/${Bucket}/${path}` });
  for (const method of ['GET', 'HEAD']) {
    const r = await read(method, 'before');
    assert.deepEqual([r.status, r.headers['x-amz-version-id']], [200, undefined], `${method} never versioned`);
  }
  assert.equal((await read('GET', 'before?tagging')).headers['x-amz-version-id'], undefined);
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  for (const method of ['GET', 'HEAD']) {
    const r = await read(method, 'before');
    assert.deepEqual([r.status, r.headers['x-amz-version-id']], [200, 'null'], `${method} enabled`);
  }
  assert.equal((await read('GET', 'before?tagging')).headers['x-amz-version-id'], 'null');
  assert.equal((await s3.send(new GetObjectCommand({ Bucket, Key: 'before' }))).VersionId, 'null');
  await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }));
  await s3.send(new PutObjectCommand({ Bucket, Key: 'during', Body: 'written suspended' }));
  for (const method of ['GET', 'HEAD']) {
    const r = await read(method, 'during');
    assert.deepEqual([r.status, r.headers['x-amz-version-id']], [200, 'null'], `${method} suspended`);
  }
  assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: 'during' }))).VersionId, 'null');
});

test('a repeated CompleteMultipartUpload answers the version id the first completion made: a fresh id on an enabled bucket, "null" on a suspended one', async () => {
  const s3 = suite.s3;
  const complete = (Bucket: string, UploadId: string, etag: string) => rawRequest(suite.server.url, {
    method: 'POST', path: `/${Bucket}/mp?uploadId=${encodeURIComponent(UploadId)}`,
    body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
  });
  for (const status of ['Enabled', 'Suspended'] as const) {
    const Bucket = await versionedBucket(`replay-${status.toLowerCase()}`, status);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId, PartNumber: 1, Body: 'only part' }));
    const first = await complete(Bucket, UploadId!, part.ETag!);
    assert.equal(first.status, 200, first.body);
    const id = first.headers['x-amz-version-id'];
    if (status === 'Enabled') assert.match(String(id), VERSION_ID);
    else assert.equal(id, 'null');
    const again = await complete(Bucket, UploadId!, part.ETag!);
    assert.equal(again.status, 200, again.body);
    assert.equal(again.headers['x-amz-version-id'], id, `${status}: the repeat names the version the first completion made`);
    assert.equal(again.body, first.body);
  }
});

test('a bucket default encryption change affects only new versions: the old ones keep the encryption they were written with', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('default-change');
  const v1 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'under SSE-S3' }));
  await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } }));
  const v2 = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'under SSE-KMS' }));
  const [h1, h2] = [await s3.send(new HeadObjectCommand({ Bucket, Key: 'k', VersionId: v1.VersionId })), await s3.send(new HeadObjectCommand({ Bucket, Key: 'k', VersionId: v2.VersionId }))];
  assert.deepEqual([h1.ServerSideEncryption, h1.SSEKMSKeyId], ['AES256', undefined]);
  assert.equal(h2.ServerSideEncryption, 'aws:kms');
  assert.match(h2.SSEKMSKeyId ?? '', /^arn:aws:kms:/);
  assert.deepEqual([await text(s3, Bucket, 'k', v1.VersionId), await text(s3, Bucket, 'k', v2.VersionId)], ['under SSE-S3', 'under SSE-KMS']);
});

test('a copy source naming a delete marker by id is 400 InvalidRequest; a source whose latest version is a marker is 404 NoSuchKey; nothing is stored', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('copy-marker');
  await s3.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'x' }));
  const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'src' }));
  const copy = (source: string, target = 'dst') => rawRequest(suite.server.url, { method: 'PUT', path: `/${Bucket}/${target}`, headers: { 'x-amz-copy-source': source } });
  const named = await copy(`/${Bucket}/src?versionId=${marker.VersionId}`);
  assert.deepEqual([named.status, errorCode(named.body)], [400, 'InvalidRequest'], named.body);
  const latest = await copy(`/${Bucket}/src`);
  assert.deepEqual([latest.status, errorCode(latest.body)], [404, 'NoSuchKey'], latest.body);
  const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }));
  const part = await rawRequest(suite.server.url, {
    method: 'PUT', path: `/${Bucket}/mp?partNumber=1&uploadId=${encodeURIComponent(upload.UploadId!)}`, headers: { 'x-amz-copy-source': `/${Bucket}/src?versionId=${marker.VersionId}` },
  });
  assert.deepEqual([part.status, errorCode(part.body)], [400, 'InvalidRequest'], part.body);
  assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'dst' }))).Versions, undefined);
});

test('ListObjectVersions resumes after a version-id-marker deleted meanwhile (list a page, delete what it listed, list the next: how SDKs empty a bucket), skipping no older version of that key', async () => {
  const s3 = suite.s3;
  const Bucket = await versionedBucket('delete-while-paging');
  for (const Key of ['k', 'k', 'k', 'k', 'm', 'm']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  let deleted = 0;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 20);
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 2, ...markers }));
    const listed = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    for (const v of listed) await s3.send(new DeleteObjectCommand({ Bucket, Key: v.Key, VersionId: v.VersionId }));
    deleted += listed.length;
    if (!page.IsTruncated) break;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
  assert.equal(deleted, 7, 'every version and the marker were listed once');
  const left = await s3.send(new ListObjectVersionsCommand({ Bucket }));
  assert.deepEqual([left.Versions, left.DeleteMarkers], [undefined, undefined]);
  await s3.send(new DeleteBucketCommand({ Bucket }));
});
