/** crc-combine against CRCs computed directly over the concatenated bytes (zlib CRC32, @node-rs CRC32C, our CRC64/NVME). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { Crc64Nvme } from './crc64-nvme.js';
import { CRC32, CRC32C, CRC64NVME, crcCombine, crcFromBase64, crcOfConcatenation, crcToBase64, type CrcParameters } from './crc-combine.js';

const direct: Array<[string, CrcParameters, (b: Buffer) => bigint]> = [
  ['CRC32', CRC32, (b) => BigInt(crc32(b) >>> 0)],
  ['CRC32C', CRC32C, (b) => BigInt(crc32c(b) >>> 0)],
  ['CRC64NVME', CRC64NVME, (b) => BigInt(`0x${new Crc64Nvme().update(b).digest().toString('hex')}`)],
];

test('combining two runs equals the CRC of their concatenation, for every length including 0 and 1', () => {
  for (const [name, p, crc] of direct) {
    for (const [la, lb] of [[0, 0], [0, 5], [5, 0], [1, 1], [7, 64], [1000, 1], [4096, 12345]] as const) {
      const a = randomBytes(la);
      const b = randomBytes(lb);
      assert.equal(crcCombine(p, crc(a), crc(b), lb), crc(Buffer.concat([a, b])), `${name} ${la}+${lb}`);
    }
  }
});

test('many runs of mixed lengths (equal-length runs share one operator) equal the whole-buffer CRC', () => {
  for (const [name, p, crc] of direct) {
    const runs = [8192, 8192, 8192, 1, 0, 8192, 333].map((n) => randomBytes(n));
    const combined = crcOfConcatenation(p, runs.map((r) => ({ crc: crc(r), length: r.length })));
    assert.equal(combined, crc(Buffer.concat(runs)), name);
    assert.equal(crcOfConcatenation(p, []), crc(Buffer.alloc(0)), `${name} of nothing`);
  }
});

test('a 5 GiB run length is handled (the largest part S3 accepts) and 10,000 parts combine quickly', () => {
  // Shifting past 5 GiB of zeros twice equals shifting past 10 GiB once: checks the operator at large lengths.
  const five = 5 * 1024 ** 3;
  const x = 0x12345678n;
  assert.equal(crcCombine(CRC32, crcCombine(CRC32, x, 0n, five), 0n, five), crcCombine(CRC32, x, 0n, 2 * five));
  const started = Date.now();
  const runs = Array.from({ length: 10_000 }, (_, i) => ({ crc: BigInt(i) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn, length: 5 * 1024 * 1024 }));
  crcOfConcatenation(CRC64NVME, runs);
  assert.ok(Date.now() - started < 10_000, '10,000 CRC64 parts combine within 10 s');
});

test('base64 digests round-trip in S3 byte order, and a wrong length is refused', () => {
  assert.equal(crcToBase64(CRC32, 0xcbf43926n), Buffer.from('cbf43926', 'hex').toString('base64'));
  assert.equal(crcFromBase64(CRC64NVME, crcToBase64(CRC64NVME, 0x00ae8b14860a7998n)), 0x00ae8b14860a7998n);
  assert.throws(() => crcFromBase64(CRC32, Buffer.alloc(8).toString('base64')), RangeError);
});
