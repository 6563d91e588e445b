/** The contract every MetaStore implementation must pass; each implementation's test file calls runMetaStoreContract. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OBJECT_LOCK_CONFIG, VERSIONING_CONFIG, type MetaStore, type ObjectRecord, type PartRecord, type UploadRecord } from './meta-store.js';

const T0 = new Date('2026-01-01T00:00:00Z');

function part(n: number, blobId: string, writeId = 'w1'): PartRecord {
  return { partNumber: n, blobId, size: 10, etag: 'e'.repeat(32), sealedKey: Buffer.from([1, 2, n]), writeId, checksums: {}, lastModified: T0 };
}

function object(bucket: string, key: string, blobIds: string[], writeId = 'w1'): ObjectRecord {
  return {
    bucket, key, writeId, size: 10 * blobIds.length, etag: 'x', lastModified: T0, headers: { 'content-type': 'text/plain' },
    userMetadata: { a: 'b' }, tags: [['t', 'v']], checksums: { CRC32: 'AAAAAA==' }, checksumType: 'FULL_OBJECT',
    encryption: { algorithm: 'AES256' }, partsCount: undefined, storageClass: 'STANDARD',
    parts: blobIds.map((id, i) => part(i + 1, id, writeId)),
  };
}

function upload(bucket: string, key: string, uploadId: string): UploadRecord {
  return {
    uploadId, bucket, key, initiated: T0, headers: {}, userMetadata: {}, tags: [], encryption: { algorithm: 'AES256' },
    checksumAlgorithm: undefined, checksumType: undefined, storageClass: 'STANDARD', ownerAccountId: '123456789012',
  };
}

/** `open` returns a fresh, empty store; the suite closes it. */
export function runMetaStoreContract(name: string, open: () => Promise<MetaStore>): void {
  const withStore = (title: string, fn: (s: MetaStore) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      const store = await open();
      try { await fn(store); } finally { await store.close(); }
    });

  withStore('buckets: create once, list, delete only when empty', async (s) => {
    assert.equal(await s.createBucket({ name: 'b1', region: 'us-east-1', createdAt: T0, ownerAccountId: 'a' }), 'created');
    assert.equal(await s.createBucket({ name: 'b1', region: 'us-east-1', createdAt: T0, ownerAccountId: 'a' }), 'exists');
    assert.deepEqual((await s.listBuckets()).map((b) => b.name), ['b1']);
    await s.putObject(object('b1', 'k', ['blob1']));
    assert.equal((await s.deleteBucket('b1')).result, 'not-empty');
    await s.deleteObject('b1', 'k');
    assert.equal((await s.deleteBucket('b1')).result, 'deleted');
    assert.equal((await s.deleteBucket('b1')).result, 'missing');
  });

  withStore('objects: round trip, replace releases the old blobs, delete releases', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    assert.deepEqual((await s.putObject(object('b', 'k', ['blob1', 'blob2']))).blobIds, []);
    const got = await s.getObject('b', 'k');
    assert.deepEqual(got, object('b', 'k', ['blob1', 'blob2']));
    assert.deepEqual([...(await s.putObject(object('b', 'k', ['blob3'], 'w2'))).blobIds].sort(), ['blob1', 'blob2']);
    const del = await s.deleteObject('b', 'k');
    assert.deepEqual(del, { existed: true, blobIds: ['blob3'] });
    assert.equal(await s.getObject('b', 'k'), undefined);
    assert.deepEqual(await s.deleteObject('b', 'k'), { existed: false, blobIds: [] });
  });

  withStore('a failing delete precondition keeps the object; a passing one sees its ETag and deletes', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.putObject(object('b', 'k', ['blob1']));
    const seen: Array<string | undefined> = [];
    await assert.rejects(s.deleteObject('b', 'k', (existing) => { seen.push(existing?.etag); throw new Error('mismatch'); }), /mismatch/);
    assert.equal((await s.getObject('b', 'k'))?.parts[0]?.blobId, 'blob1');
    const del = await s.deleteObject('b', 'k', (existing) => { seen.push(existing?.etag); });
    assert.deepEqual(del, { existed: true, blobIds: ['blob1'] });
    await s.deleteObject('b', 'k', (existing) => { seen.push(existing?.etag); });
    const etag = object('b', 'k', ['blob1']).etag;
    assert.deepEqual(seen, [etag, etag, undefined]);
  });

  withStore('a failing precondition leaves the old object in place', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.putObject(object('b', 'k', ['blob1']));
    await assert.rejects(s.putObject(object('b', 'k', ['blob2'], 'w2'), (existing) => { if (existing) throw new Error('exists'); }), /exists/);
    assert.equal((await s.getObject('b', 'k'))?.parts[0]?.blobId, 'blob1');
    assert.deepEqual(await s.referencedBlobIds(['blob1', 'blob2']), new Set(['blob1']));
  });

  withStore('concurrent switches commit independently: one failing precondition does not undo the others', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    const results = await Promise.allSettled([
      s.putObject(object('b', 'one', ['g1'])),
      s.putObject(object('b', 'two', ['g2']), () => { throw new Error('precondition'); }),
      s.putObject(object('b', 'three', ['g3'])),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.ok(await s.getObject('b', 'one'));
    assert.equal(await s.getObject('b', 'two'), undefined);
    assert.ok(await s.getObject('b', 'three'));
  });

  withStore('listing: prefix, start-after, start-at, limit, byte order', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    const keys = ['a', 'a/1', 'a/2', 'a0', 'b', 'é', '\u{1F600}', 'ab'];
    for (const [i, k] of keys.entries()) await s.putObject(object('b', k, [`blob${i}`], `w${i}`));
    const all = await s.listObjects('b', { prefix: '', limit: 100 });
    // UTF-8 byte order: ASCII < é (C3 A9) < 😀 (F0 9F 98 80).
    assert.deepEqual(all.items.map((o) => o.key), ['a', 'a/1', 'a/2', 'a0', 'ab', 'b', 'é', '\u{1F600}']);
    assert.deepEqual((await s.listObjects('b', { prefix: 'a/', limit: 100 })).items.map((o) => o.key), ['a/1', 'a/2']);
    assert.deepEqual((await s.listObjects('b', { prefix: 'a', startAfter: 'a/1', limit: 2 })).items.map((o) => o.key), ['a/2', 'a0']);
    assert.equal((await s.listObjects('b', { prefix: 'a', startAfter: 'a/1', limit: 2 })).truncated, true);
    assert.deepEqual((await s.listObjects('b', { prefix: '', startAt: 'a0', limit: 2 })).items.map((o) => o.key), ['a0', 'ab']);
    assert.deepEqual((await s.listObjects('b', { prefix: 'a', limit: 1 })).items.map((o) => o.key), ['a']);
  });

  withStore('uploads: parts replace, complete keeps chosen parts and releases the rest', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.createUpload(upload('b', 'k', 'u1'));
    assert.deepEqual((await s.putUploadPart('b', 'u1', part(1, 'p1', 'u1'))).blobIds, []);
    assert.deepEqual((await s.putUploadPart('b', 'u1', part(1, 'p1b', 'u1'))).blobIds, ['p1']);
    await s.putUploadPart('b', 'u1', part(2, 'p2', 'u1'));
    await s.putUploadPart('b', 'u1', part(3, 'p3', 'u1'));
    assert.deepEqual((await s.allUploadParts('b', 'u1')).map((p) => p.blobId), ['p1b', 'p2', 'p3']);
    const page = await s.listUploadParts('b', 'u1', { afterPartNumber: 1, limit: 1 });
    assert.deepEqual([page.items.map((p) => p.partNumber), page.truncated], [[2], true]);
    const done = await s.completeUpload('u1', { ...object('b', 'k', [], 'u1'), parts: [part(1, 'p1b', 'u1'), part(3, 'p3', 'u1')], partsCount: 2 });
    assert.deepEqual([done.result, done.blobIds], ['ok', ['p2']]);
    assert.equal((await s.completeUpload('u1', object('b', 'k', []))).result, 'missing');
    assert.deepEqual((await s.getObject('b', 'k'))?.parts.map((p) => p.blobId), ['p1b', 'p3']);
    assert.equal(await s.getUpload('b', 'u1'), undefined);
  });

  withStore('uploads: abort releases all parts; listing by key and id markers', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    for (const [k, id] of [['a', 'u2'], ['a', 'u1'], ['b', 'u3']] as const) await s.createUpload(upload('b', k, id));
    await s.putUploadPart('b', 'u1', part(1, 'q1', 'u1'));
    const list = await s.listUploads('b', { prefix: '', keyMarker: '', uploadIdMarker: '', limit: 10 });
    assert.deepEqual(list.items.map((u) => `${u.key}/${u.uploadId}`), ['a/u1', 'a/u2', 'b/u3']);
    const after = await s.listUploads('b', { prefix: '', keyMarker: 'a', uploadIdMarker: 'u1', limit: 10 });
    assert.deepEqual(after.items.map((u) => u.uploadId), ['u2', 'u3']);
    const keyOnly = await s.listUploads('b', { prefix: '', keyMarker: 'a', uploadIdMarker: '', limit: 10 });
    assert.deepEqual(keyOnly.items.map((u) => u.uploadId), ['u3']);
    assert.deepEqual(await s.abortUpload('b', 'u1'), { result: 'ok', blobIds: ['q1'] });
    assert.equal((await s.abortUpload('b', 'u1')).result, 'missing');
    assert.equal((await s.putUploadPart('b', 'u1', part(1, 'z'))).result, 'missing');
  });

  withStore('an upload keeps the Object Lock its object is to get (retention, legal hold ON or OFF, or none)', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    const retention = { mode: 'COMPLIANCE' as const, until: new Date('2031-01-01T00:00:00Z') };
    await s.createUpload({ ...upload('b', 'k', 'u1'), retention, legalHold: true });
    await s.createUpload({ ...upload('b', 'k', 'u2'), legalHold: false });
    await s.createUpload(upload('b', 'k', 'u3'));
    const [u1, u2, u3] = [await s.getUpload('b', 'u1'), await s.getUpload('b', 'u2'), await s.getUpload('b', 'u3')];
    assert.deepEqual([u1?.retention, u1?.legalHold], [retention, true]);
    assert.deepEqual([u2?.retention, u2?.legalHold], [undefined, false]);
    assert.deepEqual([u3?.retention, u3?.legalHold], [undefined, undefined]);
  });

  withStore('getBucket carries the versioning and object-lock configs a write needs, as they are now (no second read per write)', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    const plain = await s.getBucket('b');
    assert.deepEqual([plain?.versioning, plain?.objectLock], [undefined, undefined]);
    await s.putBucketConfig('b', VERSIONING_CONFIG, 'Enabled');
    await s.putBucketConfig('b', OBJECT_LOCK_CONFIG, '{"enabled":true}');
    await s.putBucketConfig('b', 'encryption', '{"x":1}');
    const locked = await s.getBucket('b');
    assert.deepEqual([locked?.name, locked?.ownerAccountId, locked?.versioning, locked?.objectLock], ['b', 'a', 'Enabled', '{"enabled":true}']);
    await s.putBucketConfig('b', VERSIONING_CONFIG, 'Suspended');
    assert.equal((await s.getBucket('b'))?.versioning, 'Suspended');
    assert.equal(await s.getBucket('nope'), undefined);
  });

  withStore('bucket configs, tags, rewrap scan and sealed-key update', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.putBucketConfig('b', 'encryption', '{"x":1}');
    assert.equal(await s.getBucketConfig('b', 'encryption'), '{"x":1}');
    await s.putBucketConfig('b', 'encryption', undefined);
    assert.equal(await s.getBucketConfig('b', 'encryption'), undefined);
    await s.putObject(object('b', 'k1', ['x1']));
    await s.putObject(object('b', 'k2', ['x2']));
    assert.equal(await s.putObjectTags('b', 'k1', [['n', 'v']]), true);
    assert.deepEqual((await s.getObject('b', 'k1'))?.tags, [['n', 'v']]);
    assert.equal(await s.putObjectTags('b', 'missing', []), false);
    const first = await s.scanObjectParts({ limit: 1 });
    assert.deepEqual([first.items.map((i) => i.object.key), first.truncated], [['k1'], true]);
    const second = await s.scanObjectParts({ after: first.items[0]!.cursor, limit: 5 });
    assert.deepEqual([second.items.map((i) => i.object.key), second.truncated], [['k2'], false]);
    assert.equal(await s.updateSealedKey('b', 'k2', 'w1', 1, Buffer.from('new')), true);
    assert.deepEqual((await s.getObject('b', 'k2'))?.parts[0]?.sealedKey, Buffer.from('new'));
    assert.equal(await s.updateSealedKey('b', 'k2', 'other-write', 1, Buffer.from('x')), false);
  });

  const version = (key: string, versionId: string | undefined, blobIds: string[], writeId: string): ObjectRecord =>
    ({ ...object('b', key, blobIds, writeId), ...(versionId ? { versionId } : {}) });
  const stack = async (s: MetaStore, key = 'k') =>
    (await s.listVersions('b', { prefix: '', limit: 100 })).items.filter((v) => v.key === key).map((v) => `${v.versionId}${v.deleteMarker ? '(marker)' : ''}${v.isLatest ? '*' : ''}`);

  withStore('versions: each put with a new id keeps the others; reads by id; listing shows only the current', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    assert.deepEqual((await s.putObject(version('k', 'v1', ['b1'], 'w1'))).blobIds, []);
    assert.deepEqual((await s.putObject(version('k', 'v2', ['b2'], 'w2'))).blobIds, []);
    assert.deepEqual((await s.putObject(version('k', 'v3', ['b3'], 'w3'))).blobIds, []);
    assert.equal((await s.getObject('b', 'k'))?.versionId, 'v3');
    assert.deepEqual((await s.getVersion('b', 'k', 'v1'))?.parts.map((p) => p.blobId), ['b1']);
    assert.equal(await s.getVersion('b', 'k', 'nope'), undefined);
    assert.deepEqual(await stack(s), ['v3*', 'v2', 'v1']);
    assert.deepEqual((await s.listObjects('b', { prefix: '', limit: 10 })).items.map((o) => o.key), ['k']);
    assert.deepEqual(await s.referencedBlobIds(['b1', 'b2', 'b3', 'x']), new Set(['b1', 'b2', 'b3']));
    assert.equal((await s.deleteBucket('b')).result, 'not-empty');
  });

  withStore('versions: a delete marker hides the key; deleting it restores the previous; deleting a version releases its blobs', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.putObject(version('k', 'v1', ['b1'], 'w1'));
    await s.putObject(version('k', 'v2', ['b2'], 'w2'));
    assert.deepEqual((await s.putDeleteMarker('b', 'k', 'm1', T0)).blobIds, []);
    assert.equal(await s.getObject('b', 'k'), undefined);
    assert.deepEqual(await s.getLatestDeleteMarker('b', 'k'), { versionId: 'm1', lastModified: T0 });
    assert.equal((await s.getVersion('b', 'k', 'm1'))?.deleteMarker, true);
    assert.deepEqual(await stack(s), ['m1(marker)*', 'v2', 'v1']);
    assert.deepEqual((await s.listObjects('b', { prefix: '', limit: 10 })).items, []);
    assert.deepEqual(await s.deleteVersion('b', 'k', 'm1'), { existed: true, deleteMarker: true, blobIds: [] });
    assert.equal((await s.getObject('b', 'k'))?.versionId, 'v2');
    assert.equal(await s.getLatestDeleteMarker('b', 'k'), undefined);
    assert.deepEqual(await s.deleteVersion('b', 'k', 'v2'), { existed: true, deleteMarker: false, blobIds: ['b2'] });
    assert.equal((await s.getObject('b', 'k'))?.versionId, 'v1');
    assert.deepEqual(await s.deleteVersion('b', 'k', 'v2'), { existed: false, deleteMarker: false, blobIds: [] });
    await s.deleteVersion('b', 'k', 'v1');
    await s.putDeleteMarker('b', 'gone', 'm2', T0);
    assert.equal((await s.deleteBucket('b')).result, 'not-empty', 'a lone delete marker keeps the bucket');
    await s.deleteVersion('b', 'gone', 'm2');
    assert.equal((await s.deleteBucket('b')).result, 'deleted');
  });

  withStore('the null version: replaced in place by a null write or marker, other versions kept', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.putObject(version('k', undefined, ['n1'], 'w1'));
    await s.putObject(version('k', 'v1', ['b1'], 'w2'));
    assert.deepEqual(await stack(s), ['v1*', 'null']);
    assert.deepEqual((await s.putObject(version('k', undefined, ['n2'], 'w3'))).blobIds, ['n1']);
    assert.deepEqual(await stack(s), ['null*', 'v1']);
    assert.deepEqual((await s.getObject('b', 'k'))?.parts.map((p) => p.blobId), ['n2']);
    assert.deepEqual((await s.putDeleteMarker('b', 'k', 'null', T0)).blobIds, ['n2']);
    assert.deepEqual(await stack(s), ['null(marker)*', 'v1']);
    assert.deepEqual((await s.deleteObject('b', 'k')).existed, true, 'deleteObject removes the null version (here a marker)');
    assert.equal((await s.getObject('b', 'k'))?.versionId, 'v1');
  });

  withStore('a removal guard sees the version and can refuse every destroying write', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    const until = new Date('2030-01-01T00:00:00Z');
    await s.putObject({ ...version('k', undefined, ['n1'], 'w1'), retention: { mode: 'COMPLIANCE', until } });
    const seen: unknown[] = [];
    const refuse = (r: unknown) => { seen.push(r); throw new Error('locked'); };
    await assert.rejects(s.deleteVersion('b', 'k', 'null', refuse), /locked/);
    await assert.rejects(s.deleteObject('b', 'k', undefined, refuse), /locked/);
    await assert.rejects(s.putObject(version('k', undefined, ['n2'], 'w2'), undefined, refuse), /locked/);
    await assert.rejects(s.putDeleteMarker('b', 'k', 'null', T0, undefined, refuse), /locked/);
    assert.deepEqual(seen[0], { versionId: 'null', deleteMarker: false, retention: { mode: 'COMPLIANCE', until } });
    assert.equal(seen.length, 4);
    assert.deepEqual((await s.getObject('b', 'k'))?.parts.map((p) => p.blobId), ['n1']);
    assert.deepEqual(await s.referencedBlobIds(['n1', 'n2']), new Set(['n1']));
  });

  withStore('object lock fields and tags per version', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.putObject(version('k', 'v1', ['b1'], 'w1'));
    await s.putObject(version('k', 'v2', ['b2'], 'w2'));
    const until = new Date('2031-01-01T00:00:00Z');
    assert.equal(await s.putObjectLock('b', 'k', 'v1', { retention: { mode: 'GOVERNANCE', until } }), true);
    assert.equal(await s.putObjectLock('b', 'k', undefined, { legalHold: true }), true);
    assert.deepEqual((await s.getVersion('b', 'k', 'v1'))?.retention, { mode: 'GOVERNANCE', until });
    assert.equal((await s.getVersion('b', 'k', 'v1'))?.legalHold, undefined);
    assert.equal((await s.getObject('b', 'k'))?.legalHold, true);
    assert.equal(await s.putObjectLock('b', 'k', undefined, { legalHold: false }), true);
    assert.equal((await s.getObject('b', 'k'))?.legalHold, false, 'a hold set OFF reads back OFF, not as never set');
    assert.equal((await s.getVersion('b', 'k', 'v1'))?.legalHold, undefined);
    assert.equal(await s.putObjectLock('b', 'k', 'v1', { retention: null }), true);
    assert.equal((await s.getVersion('b', 'k', 'v1'))?.retention, undefined);
    assert.equal(await s.putObjectLock('b', 'k', 'nope', { legalHold: true }), false);
    assert.equal(await s.putObjectTags('b', 'k', [['old', '1']], 'v1'), true);
    assert.deepEqual((await s.getVersion('b', 'k', 'v1'))?.tags, [['old', '1']]);
    assert.deepEqual((await s.getObject('b', 'k'))?.tags, [['t', 'v']]);
    await s.putDeleteMarker('b', 'k', 'm1', T0);
    assert.equal(await s.putObjectTags('b', 'k', [], 'm1'), false, 'a delete marker has no tags');
    assert.equal(await s.putObjectLock('b', 'k', 'm1', { legalHold: true }), false);
  });

  withStore('version listing: prefix, key order then newest first, paging after a key or a version', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    for (const [k, v] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2'], ['c', 'c1'], ['a', 'a3']] as const) {
      await s.putObject(version(k, v, [`blob-${v}`], `w-${v}`));
    }
    await s.putDeleteMarker('b', 'b', 'bm', T0);
    const ids = (page: { items: Array<{ versionId: string }> }) => page.items.map((i) => i.versionId);
    assert.deepEqual(ids(await s.listVersions('b', { prefix: '', limit: 100 })), ['a3', 'a2', 'a1', 'bm', 'b2', 'b1', 'c1']);
    const p1 = await s.listVersions('b', { prefix: '', limit: 2 });
    assert.deepEqual([ids(p1), p1.truncated], [['a3', 'a2'], true]);
    assert.deepEqual(ids(await s.listVersions('b', { prefix: '', after: { key: 'a', versionId: 'a2' }, limit: 3 })), ['a1', 'bm', 'b2']);
    assert.deepEqual(ids(await s.listVersions('b', { prefix: '', after: { key: 'a' }, limit: 100 })), ['bm', 'b2', 'b1', 'c1']);
    assert.deepEqual(ids(await s.listVersions('b', { prefix: 'b', limit: 100 })), ['bm', 'b2', 'b1']);
    assert.deepEqual(ids(await s.listVersions('b', { prefix: '', startAt: 'c', limit: 100 })), ['c1']);
    const latest = (await s.listVersions('b', { prefix: '', limit: 100 })).items.filter((i) => i.isLatest).map((i) => i.versionId);
    assert.deepEqual(latest, ['a3', 'bm', 'c1']);
    // A marker version deleted between pages (a client emptying the bucket page by page) resumes below it, by id order.
    await s.deleteVersion('b', 'a', 'a2');
    assert.deepEqual(ids(await s.listVersions('b', { prefix: '', after: { key: 'a', versionId: 'a2' }, limit: 2 })), ['a1', 'bm']);
    await s.deleteVersion('b', 'a', 'a3');
    assert.deepEqual(ids(await s.listVersions('b', { prefix: '', after: { key: 'a', versionId: 'a3' }, limit: 2 })), ['a1', 'bm']);
    assert.deepEqual(ids(await s.listVersions('b', { prefix: '', after: { key: 'a', versionId: 'a0' }, limit: 2 })), ['bm', 'b2'], 'an id older than every version: none left of that key');
  });

  withStore('the rewrap/scrub scan visits every version, current and noncurrent, never a marker', async (s) => {
    await s.createBucket({ name: 'b', region: 'r', createdAt: T0, ownerAccountId: 'a' });
    await s.putObject(version('k', 'v1', ['b1'], 'w1'));
    await s.putObject(version('k', 'v2', ['b2'], 'w2'));
    await s.putDeleteMarker('b', 'k', 'm1', T0);
    await s.putObject(version('l', 'v3', ['b3'], 'w3'));
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await s.scanObjectParts({ after, limit: 1 });
      seen.push(...page.items.map((i) => `${i.object.key}/${i.object.versionId}`));
      if (!page.truncated) break;
      after = page.items[page.items.length - 1]!.cursor;
    }
    assert.deepEqual(seen, ['k/v2', 'k/v1', 'l/v3']);
    assert.equal(await s.updateSealedKey('b', 'k', 'w1', 1, Buffer.from('rewrapped')), true);
    assert.deepEqual((await s.getVersion('b', 'k', 'v1'))?.parts[0]?.sealedKey, Buffer.from('rewrapped'));
  });
}
