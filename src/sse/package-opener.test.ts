/** PackageOpener: whole-package batches give back exactly the asked range, fail on tampering and truncation, and wipe the key on every ending. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Secret } from '../common/secret.js';
import { EncryptStream } from './encrypt-stream.js';
import { PackageOpener } from './package-opener.js';
import { HEADER, PACKAGE_SIZE } from './package-format.js';
import { packageSpan } from './range-math.js';

async function seal(key: Buffer, plain: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of Readable.from([plain]).pipe(new EncryptStream(new Secret(Buffer.from(key)), () => undefined))) out.push(c as Buffer);
  return Buffer.concat(out);
}

/** Reads [start..end] the way the GET path does: batches of `per` packages from the span's first byte. */
function readRange(key: Buffer, blob: Buffer, size: number, start: number, end: number, per: number) {
  const span = packageSpan(size, start, end);
  const secret = new Secret(Buffer.from(key));
  let opened = 0;
  const opener = new PackageOpener(secret, span, size, { start, end }, () => { opened++; }, span.first === 0);
  let at = span.first === 0 ? 0 : span.cipherStart;
  const out: Buffer[] = [];
  while (!opener.done) {
    const n = opener.nextBatchLength(per);
    const batch = blob.subarray(at, at + n);
    at += batch.length;
    opener.open(batch, out);
    if (batch.length < n) opener.finish();
  }
  return { plain: Buffer.concat(out), opened, secret };
}

test('batches of whole packages give exactly the range, opening only its packages, and wipe the key at the end', async () => {
  const key = randomBytes(32);
  const size = 5 * PACKAGE_SIZE + 123;
  const plain = randomBytes(size);
  const blob = await seal(key, plain);
  for (const [start, end, per] of [[0, size - 1, 4], [0, size - 1, 1], [PACKAGE_SIZE - 1, PACKAGE_SIZE, 16], [size - 1, size - 1, 4], [70_000, 300_000, 2]] as const) {
    const r = readRange(key, blob, size, start, end, per);
    assert.ok(r.plain.equals(plain.subarray(start, end + 1)), `range ${start}-${end} by ${per}`);
    assert.equal(r.opened, Math.floor(end / PACKAGE_SIZE) - Math.floor(start / PACKAGE_SIZE) + 1);
    assert.ok(r.secret.wiped, 'key not wiped after the last package');
  }
});

test('a flipped bit, a bad header and a truncated blob fail, and each wipes the key', async () => {
  const key = randomBytes(32);
  const size = 3 * PACKAGE_SIZE;
  const blob = await seal(key, randomBytes(size));
  const flipped = Buffer.from(blob);
  flipped[HEADER.length + PACKAGE_SIZE + 20]! ^= 1;
  const header = Buffer.from(blob);
  header[0] = 0;
  for (const [bad, reason] of [[flipped, /package 1 did not verify/], [header, /unknown blob header/], [blob.subarray(0, blob.length - 10), /truncated before package 2/], [blob.subarray(0, HEADER.length + 2 * (PACKAGE_SIZE + 16)), /truncated before package 2/]] as const) {
    const span = packageSpan(size, 0, size - 1);
    const secret = new Secret(Buffer.from(key));
    const opener = new PackageOpener(secret, span, size, { start: 0, end: size - 1 }, () => undefined, true);
    assert.throws(() => {
      const n = opener.nextBatchLength(16);
      opener.open(bad.subarray(0, n));
      if (bad.length < n) opener.finish();
    }, reason);
    assert.ok(secret.wiped, `key not wiped after ${String(reason)}`);
  }
});
