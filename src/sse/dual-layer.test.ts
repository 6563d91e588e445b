/** Known answers and failure cases of the two-layer blob (format 2, DSSE-KMS): each data key opens only its own layer (docs/FORMAT.md). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { EncryptStream } from './encrypt-stream.js';
import { DecryptStream } from './decrypt-stream.js';
import { OuterLayer } from './dual-layer.js';
import { openPackage, sealPackage } from './package-cipher.js';
import { DUAL_LAYER_HEADER, HEADER, PACKAGE_SIZE, TAG_SIZE } from './package-format.js';
import { ciphertextLength, packageSpan } from './range-math.js';
import { Secret } from '../common/secret.js';

/** FORMAT.md's inputs: data key 1 = 40 41 … 5f, data key 2 = 60 61 … 7f. */
const KEY1 = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i));
const KEY2 = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x60 + i));
/** Computed with pyca/cryptography's AESGCM straight from FORMAT.md (not through this code). */
const HELLO = '5352420200000000092ba07e5e55d8052751fa4af9eca2bfbcd957a426090c7d9bf38d68a7bba4ef849653c906';
/** Plaintext byte i = (31 i) mod 256, 65,539 bytes (two packages): blob length and SHA-256, from pyca likewise. */
const TWO_PACKAGES = { size: 65539, length: 65611, sha256: '986ffb68d48f4fbaaf668ecf194f786b276dfe09c6cc442ab21dcfcad9e70ed9' };

const s = (b: Buffer) => new Secret(Buffer.from(b));
const TWO_TAGS = 2 * TAG_SIZE;

async function collect(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out);
}

const encrypt = (plain: Buffer, chunk = 4096) => {
  const pieces: Buffer[] = [];
  for (let i = 0; i < plain.length; i += chunk) pieces.push(plain.subarray(i, i + chunk));
  return collect(Readable.from(pieces.length ? pieces : [Buffer.alloc(0)]).pipe(new EncryptStream(s(KEY1), () => undefined, new OuterLayer(s(KEY2)))));
};

function decrypt(blob: Buffer, size: number, range: { start: number; end: number }, keys: { inner: Buffer; outer?: Buffer }, tagBytes = TWO_TAGS): Promise<Buffer> {
  const span = packageSpan(size, range.start, range.end, tagBytes);
  const fromHeader = span.first === 0;
  const input = blob.subarray(fromHeader ? 0 : span.cipherStart, span.cipherEnd + 1);
  return collect(Readable.from([input]).pipe(new DecryptStream(s(keys.inner), span, size, range, () => undefined, fromHeader, keys.outer && new OuterLayer(s(keys.outer)))));
}

const pattern = (size: number) => { const b = Buffer.alloc(size); for (let i = 0; i < size; i++) b[i] = (i * 31) & 0xff; return b; };

test('two-layer blob (format 2): the FORMAT.md known answers, checked with pyca/cryptography', async () => {
  assert.equal(DUAL_LAYER_HEADER.toString('hex'), '5352420200000000');
  assert.equal((await encrypt(Buffer.from('hello'))).toString('hex'), HELLO);
  const plain = pattern(TWO_PACKAGES.size);
  const blob = await encrypt(plain);
  assert.equal(blob.length, TWO_PACKAGES.length);
  assert.equal(blob.length, ciphertextLength(TWO_PACKAGES.size, TWO_TAGS));
  assert.equal(createHash('sha256').update(blob).digest('hex'), TWO_PACKAGES.sha256);
  assert.ok((await decrypt(blob, plain.length, { start: 0, end: plain.length - 1 }, { inner: KEY1, outer: KEY2 })).equals(plain));
});

test('two layers: data key 2 alone opens only to layer 1, a format-1 package that is still ciphertext; data key 1 alone opens nothing', async () => {
  const plain = Buffer.from('hello');
  const blob = Buffer.from(HELLO, 'hex');
  const layer1 = new OuterLayer(s(KEY2)).open(0, true, blob.subarray(HEADER.length));
  // What key 2 reveals is exactly data key 1's sealing of the package, and not the plaintext.
  assert.ok(layer1.equals(Buffer.concat(sealPackage(KEY1, 0, true, plain))));
  assert.equal(layer1.indexOf(plain), -1);
  assert.ok(openPackage(KEY1, 0, true, layer1).equals(plain));
  // Key 1 on the stored bytes, or the keys swapped, fails authentication.
  assert.throws(() => openPackage(KEY1, 0, true, blob.subarray(HEADER.length)), /did not verify/);
  assert.throws(() => new OuterLayer(s(KEY1)).open(0, true, blob.subarray(HEADER.length)), /did not verify \(layer 2\)/);
  await assert.rejects(decrypt(blob, 5, { start: 0, end: 4 }, { inner: KEY2, outer: KEY1 }), /did not verify/);
  // A reader expecting one layer refuses the format-2 header (and a two-layer reader the format-1 one).
  await assert.rejects(decrypt(blob, 5, { start: 0, end: 4 }, { inner: KEY1 }, TAG_SIZE), /unknown blob header|did not verify|truncated/);
  const oneLayer = Buffer.concat([HEADER, layer1]);
  await assert.rejects(decrypt(oneLayer, 5, { start: 0, end: 4 }, { inner: KEY1, outer: KEY2 }, TAG_SIZE), /unknown blob header/);
});

test('two layers: a range opens only the packages it touches, at offsets that count both tags; reordering, truncation and extension fail', async () => {
  const size = 3 * PACKAGE_SIZE + 100;
  const plain = pattern(size);
  const blob = await encrypt(plain, 65536);
  let opened = 0;
  const span = packageSpan(size, 2 * PACKAGE_SIZE + 5, 2 * PACKAGE_SIZE + 9, TWO_TAGS);
  assert.equal(span.cipherStart, HEADER.length + 2 * (PACKAGE_SIZE + TWO_TAGS));
  const got = await collect(Readable.from([blob.subarray(span.cipherStart, span.cipherEnd + 1)])
    .pipe(new DecryptStream(s(KEY1), span, size, { start: 2 * PACKAGE_SIZE + 5, end: 2 * PACKAGE_SIZE + 9 }, () => { opened++; }, false, new OuterLayer(s(KEY2)))));
  assert.ok(got.equals(plain.subarray(2 * PACKAGE_SIZE + 5, 2 * PACKAGE_SIZE + 10)));
  assert.equal(opened, 1);
  // The last package (final flag) read alone.
  assert.ok((await decrypt(blob, size, { start: size - 3, end: size - 1 }, { inner: KEY1, outer: KEY2 })).equals(plain.subarray(size - 3)));
  const stride = PACKAGE_SIZE + TWO_TAGS;
  const whole = { start: 0, end: size - 1 };
  const swapped = Buffer.concat([blob.subarray(0, 8), blob.subarray(8 + stride, 8 + 2 * stride), blob.subarray(8, 8 + stride), blob.subarray(8 + 2 * stride)]);
  await assert.rejects(decrypt(swapped, size, whole, { inner: KEY1, outer: KEY2 }), /did not verify \(layer 2\)/);
  const cut = blob.subarray(0, 8 + 3 * stride);
  await assert.rejects(decrypt(cut, 3 * PACKAGE_SIZE, { start: 0, end: 3 * PACKAGE_SIZE - 1 }, { inner: KEY1, outer: KEY2 }), /did not verify/);
  const wholeSpan = packageSpan(size, 0, size - 1, TWO_TAGS);
  const extended = Readable.from([Buffer.concat([blob, Buffer.alloc(1)])]).pipe(new DecryptStream(s(KEY1), wholeSpan, size, whole, () => undefined, true, new OuterLayer(s(KEY2))));
  await assert.rejects(collect(extended), /unexpected bytes/);
});
