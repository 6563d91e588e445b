/** The contract every MetaStore implementation must pass; each implementation's test file calls runMetaStoreContract. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetaStore, ObjectRecord, PartRecord, UploadRecord } from './meta-store.js';

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
}
