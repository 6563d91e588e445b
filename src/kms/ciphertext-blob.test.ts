/** The KMS ciphertext blob's known answer (docs/FORMAT.md › KMS ciphertext blob), computed with pyca/cryptography's HKDF and AESGCM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js';
import { Secret } from '../common/secret.js';

const MATERIAL = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x10 + i));
const PLAINTEXT = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x30 + i));
const HEADER = { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', version: 3 };
const CONTEXT = { 'aws:s3:arn': 'arn:aws:s3:::b/k' };
const BLOB = '011234abcd12ab34cd56ef1234567890ab0000000320202020202020202020202020202020a92945114f09dbe693cb6947024448cb7e98658464caf3fa30a5ff45e9ea84b8e96ce9d5e9bbe63da868e9c27d5b8c45';

test('KMS ciphertext blob v1: key 1234abcd-…, version 3, material 10…2f, salt 20…20, plaintext 30…4f under {"aws:s3:arn": "arn:aws:s3:::b/k"} (pyca/cryptography vector)', () => {
  const sealed = sealBlob(HEADER, new Secret(Buffer.from(MATERIAL)), CONTEXT, PLAINTEXT, { bytes: (n) => Buffer.alloc(n, 0x20) });
  assert.equal(sealed.toString('hex'), BLOB);
  const blob = Buffer.from(BLOB, 'hex');
  assert.deepEqual(readBlobHeader(blob), HEADER);
  assert.ok(openBlob(blob, new Secret(Buffer.from(MATERIAL)), CONTEXT)?.equals(PLAINTEXT));
  assert.equal(openBlob(blob, new Secret(Buffer.from(MATERIAL)), { 'aws:s3:arn': 'arn:aws:s3:::b/other' }), undefined);
  const flipped = Buffer.from(blob);
  flipped[21]! ^= 1;
  assert.equal(openBlob(flipped, new Secret(Buffer.from(MATERIAL)), CONTEXT), undefined, 'the salt is bound');
});
