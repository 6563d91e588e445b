/** The encrypt stream's staging buffer: one pooled 64 KiB buffer reused by stream after stream, not one per stream. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { EncryptStream } from './encrypt-stream.js';
import { Secret } from '../common/secret.js';

async function sealAll(body: Buffer): Promise<number> {
  const stream = new EncryptStream(new Secret(randomBytes(32)), () => undefined);
  Readable.from([body]).pipe(stream);
  let bytes = 0;
  for await (const piece of stream) bytes += (piece as Buffer).length;
  return bytes;
}

test('500 small bodies sealed one after another add far less than 500 x 64 KiB of ArrayBuffers (the staging buffer is reused)', async () => {
  await sealAll(Buffer.from('warm-up'));
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 500; i++) await sealAll(Buffer.from('x'));
  const grown = process.memoryUsage().arrayBuffers - before;
  // A fresh 64 KiB staging buffer per stream would be 32 MB here (unless a GC happened to run meanwhile).
  assert.ok(grown < 8 * 1024 * 1024, `ArrayBuffers grew by ${(grown / 1e6).toFixed(1)} MB`);
});
