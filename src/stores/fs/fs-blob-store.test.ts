/** Runs the BlobStore contract against a real temporary directory. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBlobStoreContract } from '../blob-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

runBlobStoreContract('fs', () => FsBlobStore.open(mkdtempSync(join(tmpdir(), 'strongroom-blobs-'))));

test('fs: a blob is written while its body still arrives (the first 256 KiB before the rest is sent)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'strongroom-blobs-'));
  const store = await FsBlobStore.open(root);
  const tmp = join(root, '.tmp');
  const onDisk = () => readdirSync(tmp).reduce((n, f) => n + statSync(join(tmp, f)).size, 0);
  async function* body() {
    yield randomBytes(512 * 1024);
    // The rest is held back until the first slab reached the temp file (or 5 s pass: then the store waits for the end).
    const until = Date.now() + 5000;
    while (onDisk() < 256 * 1024 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    if (onDisk() < 256 * 1024) throw new Error('nothing written before the body ended');
    yield randomBytes(512 * 1024);
  }
  const { size } = await store.write(Readable.from(body()));
  assert.equal(size, 1024 * 1024);
});

test('fs: a write the file system refuses midway (EFBIG under a 512 KiB file-size limit) rejects and leaves no temp file', () => {
  const root = mkdtempSync(join(tmpdir(), 'strongroom-blobs-'));
  // A child under `ulimit -f 512` (with SIGXFSZ handled, write() fails with EFBIG): the same path as ENOSPC or EIO.
  const script = `
    process.on('SIGXFSZ', () => {});
    const { FsBlobStore } = await import(${JSON.stringify(new URL('./fs-blob-store.ts', import.meta.url).href)});
    const { Readable } = await import('node:stream');
    const { readdirSync } = await import('node:fs');
    const store = await FsBlobStore.open(${JSON.stringify(root)});
    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 1));
    try { await store.write(Readable.from(chunks)); console.log('stored'); }
    catch (e) { console.log(JSON.stringify({ code: e.code, temp: readdirSync(${JSON.stringify(join(root, '.tmp'))}).length, swept: await store.sweepTemporary() })); }`;
  const child = spawnSync('bash', ['-c', 'ulimit -f 512 && exec "$NODE" --import tsx --input-type=module -e "$SCRIPT"'], {
    env: { ...process.env, NODE: process.execPath, SCRIPT: script }, encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout.trim()), { code: 'EFBIG', temp: 0, swept: 0 });
});
