/** Known-answer tests for the checksum algorithms (the CRC catalogue's check values over "123456789"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { compositeChecksum, createHasher, validateChecksumValue, type ChecksumAlgorithm } from './checksums.js';

const CHECK = Buffer.from('123456789');
const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

test('check values of every algorithm', () => {
  const expected: Record<ChecksumAlgorithm, string> = {
    CRC32: 'cbf43926',
    CRC32C: 'e3069283',
    CRC64NVME: 'ae8b14860a799888',
    SHA1: createHash('sha1').update(CHECK).digest('hex'),
    SHA256: createHash('sha256').update(CHECK).digest('hex'),
  };
  for (const [alg, value] of Object.entries(expected)) {
    const h = createHasher(alg as ChecksumAlgorithm);
    h.update(CHECK);
    assert.equal(hex(h.digest()), value, alg);
  }
});

test('incremental hashing equals one-shot hashing at any split', () => {
  const data = randomBytes(1000);
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    const whole = createHasher(alg);
    whole.update(data);
    for (const split of [0, 1, 7, 500, 999]) {
      const h = createHasher(alg);
      h.update(data.subarray(0, split));
      h.update(data.subarray(split));
      assert.equal(h.digest(), whole.digest(), `${alg} split ${split}`);
    }
  }
});

test('supplied values must be base64 of the digest length', () => {
  validateChecksumValue('CRC32', 'y/Q5Jg==');
  assert.throws(() => validateChecksumValue('CRC32', 'y/Q5'), { code: 'InvalidRequest' });
  assert.throws(() => validateChecksumValue('SHA256', 'y/Q5Jg=='), { code: 'InvalidRequest' });
  assert.throws(() => validateChecksumValue('CRC32', 'not base64!'), { code: 'InvalidRequest' });
});

test('composite checksum is the checksum of the binary part checksums, suffixed with the count', () => {
  const parts = ['AAAAAQ==', 'AAAAAg=='];
  const h = createHasher('CRC32');
  h.update(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]));
  assert.equal(compositeChecksum('CRC32', parts), `${h.digest()}-2`);
});
