/** The development certificate: made once, reused while valid, made anew when it nears its end or is damaged; DER from our own writer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSelfSignedCertificate } from './self-signed-cert.js';
import { integer, objectIdentifier, time, tlv } from './der-writer.js';

test('DER writer: lengths, integers, object identifiers and times encode as X.690 says', () => {
  assert.equal(tlv(0x04, Buffer.alloc(3)).toString('hex'), '0403000000');
  assert.equal(tlv(0x04, Buffer.alloc(200)).subarray(0, 3).toString('hex'), '0481c8');
  assert.equal(tlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString('hex'), '0482012c');
  assert.equal(integer(2).toString('hex'), '020102');
  assert.equal(integer(128).toString('hex'), '02020080');
  assert.equal(integer(Buffer.from([0, 0, 0x7f])).toString('hex'), '02017f');
  assert.equal(integer(Buffer.from([0xff])).toString('hex'), '020200ff');
  assert.equal(objectIdentifier('1.2.840.10045.4.3.2').toString('hex'), '06082a8648ce3d040302');
  assert.equal(time(new Date('2026-01-02T03:04:05Z')).toString('latin1'), '\x17\x0d260102030405Z');
  assert.equal(time(new Date('2050-01-02T03:04:05Z')).toString('latin1'), '\x18\x0f20500102030405Z');
});

test('made once with a 0600 key, reused while valid, made anew within a day of expiry or when damaged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-selfsigned-'));
  try {
    const now = new Date();
    const first = ensureSelfSignedCertificate(dir, now);
    assert.equal(first.created, true);
    assert.equal(statSync(first.keyPath).mode & 0o777, 0o600);
    const x509 = new X509Certificate(first.cert);
    assert.equal(x509.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.ok(x509.verify(x509.publicKey));
    assert.ok(x509.checkHost('localhost') !== undefined && x509.checkIP('127.0.0.1') !== undefined && x509.checkIP('::1') !== undefined);

    const again = ensureSelfSignedCertificate(dir, now);
    assert.equal(again.created, false);
    assert.equal(again.fingerprint256, first.fingerprint256);

    const nearEnd = new Date(first.validTo.getTime() - 60 * 60 * 1000);
    const renewed = ensureSelfSignedCertificate(dir, nearEnd);
    assert.equal(renewed.created, true);
    assert.notEqual(renewed.fingerprint256, first.fingerprint256);

    writeFileSync(renewed.certPath, 'not a certificate');
    const repaired = ensureSelfSignedCertificate(dir, now);
    assert.equal(repaired.created, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
