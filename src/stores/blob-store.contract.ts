/** The contract every BlobStore implementation must pass; each implementation's test file calls runBlobStoreContract. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from './blob-store.js';

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function runBlobStoreContract(name: string, open: () => Promise<BlobStore>): void {
  const withStore = (title: string, fn: (s: BlobStore) => Promise<void>) =>
    test(`${name}: ${title}`, async () => {
      const store = await open();
      try { await fn(store); } finally { await store.close(); }
    });

  withStore('write then read whole and by range', async (s) => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const pieces = [data.subarray(0, 5), data.subarray(5, 2_000_000), data.subarray(2_000_000)];
    const { id, size } = await s.write(Readable.from(pieces));
    assert.equal(size, data.length);
    assert.deepEqual(await readAll(await s.read(id)), data);
    assert.deepEqual(await readAll(await s.read(id, { start: 5, end: 1_048_580 })), data.subarray(5, 1_048_581));
    assert.deepEqual(await readAll(await s.read(id, { start: data.length - 1, end: data.length - 1 })), data.subarray(data.length - 1));
  });

  withStore('every byte in order whatever the chunking (sizes around 256 KiB and 1 MiB boundaries)', async (s) => {
    const KIB = 1024;
    for (const length of [1, 256 * KIB - 1, 256 * KIB, 256 * KIB + 1, 1024 * KIB, 1024 * KIB + 1, 5 * 1024 * KIB + 17]) {
      const data = randomBytes(length);
      // Ragged chunks from 1 byte to 100 KiB, and the whole body as one chunk.
      const ragged: Buffer[] = [];
      for (let at = 0, n = 1; at < length; at += n, n = (n * 7919) % (100 * KIB) + 1) ragged.push(data.subarray(at, Math.min(length, at + n)));
      for (const pieces of [ragged, [data]]) {
        const { id, size } = await s.write(Readable.from(pieces));
        assert.equal(size, length);
        assert.ok((await readAll(await s.read(id))).equals(data), `${length} bytes in ${pieces.length} chunks`);
      }
    }
  });

  withStore('empty blob', async (s) => {
    const { id, size } = await s.write(Readable.from([]));
    assert.equal(size, 0);
    assert.equal((await readAll(await s.read(id))).length, 0);
  });

  withStore('every write gets a new id; list and delete', async (s) => {
    const a = await s.write(Readable.from([Buffer.from('a')]));
    const b = await s.write(Readable.from([Buffer.from('a')]));
    assert.notEqual(a.id, b.id);
    const listed = new Set<string>();
    for await (const id of s.list()) listed.add(id);
    assert.ok(listed.has(a.id) && listed.has(b.id));
    await s.delete([a.id, 'f'.repeat(32)]);
    await assert.rejects(s.read(a.id));
    assert.deepEqual(await readAll(await s.read(b.id)), Buffer.from('a'));
  });

  withStore('a failing source leaves nothing behind', async (s) => {
    const before = new Set<string>();
    for await (const id of s.list()) before.add(id);
    async function* failing() {
      yield Buffer.alloc(2 * 1024 * 1024, 1);
      throw new Error('client went away');
    }
    await assert.rejects(s.write(Readable.from(failing())), /client went away/);
    const after = new Set<string>();
    for await (const id of s.list()) after.add(id);
    assert.deepEqual(after, before);
    assert.equal(await s.sweepTemporary(), 0);
  });
}
