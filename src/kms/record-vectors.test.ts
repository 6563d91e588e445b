/** Known-answer and invalid vectors of the records sealed by the root key (docs/FORMAT.md), recomputed; the hex was checked with pyca/cryptography. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMasterKey, sealMasterKey } from './key-material.js';
import { openCredential, sealCredential } from './sealed-credential.js';
import { Secret } from '../common/secret.js';
import type { Random } from '../common/random.js';

/** FORMAT.md's inputs: root key 00 01 … 1f; salts and nonces repeated bytes. */
const ROOT = new Secret(Buffer.from(Array.from({ length: 32 }, (_, i) => i)));
const fixed = (byte: number): Random => ({ bytes: (n) => Buffer.alloc(n, byte) });

const MASTER_V2 = '02' + '22'.repeat(32) + 'ebc909c858d17dcc3372c3de5b317a2ffb93116e6550d2a722fc8dd36e42ad6b0b0c109118b3e30ce3d88a769990c3b7';
const MASTER_V1 = '01' + '44'.repeat(12) + 'd71ce577871ea4976cdcd24b2c829642baeee7ed073a323cafba037f43e02f0822ede915df7728d38d460f10b351392d';
const CREDENTIAL = '01' + '55'.repeat(32) + 'cfffd480c5d01213ef49df429e21985ff0576b576ffbd718829e8a35e9d8';

test('master key record v2: master key 33…33, version 1, salt 22…22', () => {
  const sealed = sealMasterKey(ROOT, 1, new Secret(Buffer.alloc(32, 0x33)), fixed(0x22));
  assert.equal(sealed.toString('hex'), MASTER_V2);
  assert.equal(sealed.length, 81);
  assert.ok(openMasterKey(ROOT, 1, Buffer.from(MASTER_V2, 'hex'))!.reveal().equals(Buffer.alloc(32, 0x33)));
});

test('master key record v1 (read only): master key 33…33, version 1, nonce 44…44', () => {
  assert.ok(openMasterKey(ROOT, 1, Buffer.from(MASTER_V1, 'hex'))!.reveal().equals(Buffer.alloc(32, 0x33)));
});

test('credential record: SREXAMPLEACCESSKEY01 / "example-secret", salt 55…55', () => {
  const sealed = sealCredential(ROOT, 'SREXAMPLEACCESSKEY01', new Secret(Buffer.from('example-secret')), fixed(0x55));
  assert.equal(sealed.toString('hex'), CREDENTIAL);
  assert.equal(openCredential(ROOT, 'SREXAMPLEACCESSKEY01', sealed)!.reveal().toString(), 'example-secret');
});

test('invalid vectors: each must fail', () => {
  const v2 = Buffer.from(MASTER_V2, 'hex');
  const v1 = Buffer.from(MASTER_V1, 'hex');
  const other = new Secret(Buffer.alloc(32, 0xee));
  const flip = (b: Buffer, i: number) => { const c = Buffer.from(b); c[i]! ^= 1; return c; };
  // Another root key: the derived key (v2) or the key itself (v1) differs.
  assert.equal(openMasterKey(other, 1, v2), undefined);
  assert.equal(openMasterKey(other, 1, v1), undefined);
  // Stored under another version number: the version is associated data.
  assert.equal(openMasterKey(ROOT, 2, v2), undefined);
  assert.equal(openMasterKey(ROOT, 2, v1), undefined);
  // A flipped salt bit derives another key; a flipped ciphertext or tag bit fails the tag.
  assert.equal(openMasterKey(ROOT, 1, flip(v2, 1)), undefined);
  assert.equal(openMasterKey(ROOT, 1, flip(v2, 40)), undefined);
  assert.equal(openMasterKey(ROOT, 1, flip(v2, 80)), undefined);
  // A v2 body under the v1 format byte (and the reverse) is the wrong length for that format.
  assert.throws(() => openMasterKey(ROOT, 1, Buffer.concat([Buffer.from([1]), v2.subarray(1)])), /unknown record format/);
  assert.throws(() => openMasterKey(ROOT, 1, Buffer.concat([Buffer.from([2]), v1.subarray(1)])), /unknown record format/);
  // A credential moved to another access key id: the id is associated data.
  const cred = Buffer.from(CREDENTIAL, 'hex');
  assert.equal(openCredential(ROOT, 'SREXAMPLEACCESSKEY02', cred), undefined);
  assert.equal(openCredential(other, 'SREXAMPLEACCESSKEY01', cred), undefined);
  assert.throws(() => openCredential(ROOT, 'SREXAMPLEACCESSKEY01', flip(cred, 0)), /unknown record format/);
});

test('two records of the same key under the same root key share no derived key (fresh salts)', () => {
  const key = new Secret(Buffer.alloc(32, 0x33));
  const real: Random = { bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256))) };
  const a = sealMasterKey(ROOT, 1, key, real);
  const b = sealMasterKey(ROOT, 1, key, real);
  assert.ok(!a.subarray(1, 33).equals(b.subarray(1, 33)));
  assert.ok(!a.subarray(33).equals(b.subarray(33)));
});
