/** Known-answer and invalid vectors for the package format (docs/FORMAT.md). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { EncryptStream } from './encrypt-stream.js';
import { DecryptStream } from './decrypt-stream.js';
import { HEADER, PACKAGE_SIZE, PACKAGE_STRIDE, TAG_SIZE, packageNonce } from './package-format.js';
import { ciphertextLength, packageSpan } from './range-math.js';
import { openPackage, sealPackage } from './package-cipher.js';
import { Secret } from '../common/secret.js';

const KEY = Buffer.alloc(32, 0x11);

async function collect(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out);
}

async function encrypt(plain: Buffer, chunk = 100_000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < plain.length; i += chunk) pieces.push(plain.subarray(i, i + chunk));
  return collect(Readable.from(pieces).pipe(new EncryptStream(new Secret(Buffer.from(KEY)), () => undefined)));
}

async function decrypt(blob: Buffer, plainSize: number, range?: { start: number; end: number }): Promise<Buffer> {
  const r = range ?? { start: 0, end: Math.max(0, plainSize - 1) };
  const span = packageSpan(plainSize, r.start, r.end);
  const input = range ? blob.subarray(span.cipherStart, span.cipherEnd + 1) : blob.subarray(HEADER.length);
  return collect(Readable.from([input]).pipe(new DecryptStream(new Secret(Buffer.from(KEY)), span, plainSize, r, () => undefined)));
}

test('FROZEN constants and nonce layout', () => {
  assert.equal(PACKAGE_SIZE, 65536);
  assert.equal(TAG_SIZE, 16);
  assert.equal(HEADER.toString('hex'), '5352420100000000');
  assert.equal(packageNonce(0, false).toString('hex'), '000000000000000000000000');
  assert.equal(packageNonce(0x01020304, true).toString('hex'), '000000000000000102030401');
});

test('known answers: "hello" under key 0x11…11 (checked against an independent AES-GCM implementation)', async () => {
  // Blob: header ‖ package 0 (final). Pinned: any change to header, nonce, AAD or cipher changes it.
  assert.equal((await encrypt(Buffer.from('hello'))).toString('hex'), '5352420100000000a1ee64a4675e79863052f03f73125fc6f5c3834960');
  // The same plaintext as a non-final package 1: a different nonce gives unrelated bytes.
  assert.equal(Buffer.concat(sealPackage(KEY, 1, false, Buffer.from('hello'))).toString('hex'), '1addffa533cd219aea2a06b7b0d3adb05ca3ad6dc5');
  assert.equal(ciphertextLength(5), 8 + 5 + 16);
});

test('round trips at every interesting size and chunking', async () => {
  for (const size of [0, 1, 65535, 65536, 65537, 3 * 65536, 200_000]) {
    const plain = Buffer.alloc(size);
    for (let i = 0; i < size; i++) plain[i] = (i * 31) & 0xff;
    for (const chunk of [1, 4096, 65536, 1 << 20]) {
      if (chunk === 1 && size > 70_000) continue;
      const blob = await encrypt(plain, chunk);
      assert.equal(blob.length, ciphertextLength(size), `length ${size}`);
      assert.ok((await decrypt(blob, size)).equals(plain), `size ${size} chunk ${chunk}`);
    }
  }
});

test('range math and ranged decryption open only the packages in the range', async () => {
  const size = 5 * PACKAGE_SIZE + 100;
  const plain = Buffer.alloc(size, 7);
  for (let i = 0; i < size; i += 997) plain[i] = i & 0xff;
  const blob = await encrypt(plain);
  for (const [start, end, packages] of [[0, 0, 1], [65535, 65536, 2], [65536, 65536 * 2 - 1, 1], [size - 1, size - 1, 1], [100, size - 1, 6]] as const) {
    const span = packageSpan(size, start, end);
    assert.equal(span.last - span.first + 1, packages, `${start}-${end}`);
    assert.ok((await decrypt(blob, size, { start, end })).equals(plain.subarray(start, end + 1)), `${start}-${end}`);
  }
  assert.deepEqual(packageSpan(0, 0, 0), { first: 0, last: 0, total: 1, cipherStart: 8, cipherEnd: 8 + 16 - 1, plainStart: 0 });
});

test('invalid vectors: each must fail', async () => {
  const size = 3 * PACKAGE_SIZE + 10;
  const plain = Buffer.alloc(size, 3);
  const blob = await encrypt(plain);
  const p = (i: number) => 8 + i * PACKAGE_STRIDE;
  const cases: Array<[string, Buffer]> = [
    // A flipped ciphertext bit: the tag no longer verifies.
    ['bit flip in ciphertext', Buffer.from(blob).fill(blob[p(1) + 5]! ^ 1, p(1) + 5, p(1) + 6)],
    // A flipped tag bit.
    ['bit flip in tag', Buffer.from(blob).fill(blob[p(1) - 1]! ^ 1, p(1) - 1, p(1))],
    // Dropped package 1: package 2 is opened as index 1.
    ['package dropped', Buffer.concat([blob.subarray(0, p(1)), blob.subarray(p(2))])],
    // Swapped packages 0 and 1: the indices in the nonces differ.
    ['packages swapped', Buffer.concat([blob.subarray(0, p(0)), blob.subarray(p(1), p(2)), blob.subarray(p(0), p(1)), blob.subarray(p(2))])],
    // Cut at a package boundary: the new last package was sealed as non-final.
    ['truncated', blob.subarray(0, p(3))],
    // Bytes after the final package.
    ['extended', Buffer.concat([blob, Buffer.alloc(20)])],
  ];
  for (const [name, bad] of cases) {
    await assert.rejects(decrypt(bad, size), /package authentication failed/, name);
  }
  // The wrong key.
  await assert.rejects(collect(Readable.from([blob.subarray(8)]).pipe(new DecryptStream(new Secret(Buffer.alloc(32, 0x22)), packageSpan(size, 0, size - 1), size, { start: 0, end: size - 1 }, () => undefined))), /package authentication failed/);
  // A package sealed as final opened as non-final.
  assert.throws(() => openPackage(KEY, 0, false, Buffer.concat(sealPackage(KEY, 0, true, Buffer.from('x')))), /package authentication failed/);
});
