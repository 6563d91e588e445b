/** `--tls-self-signed`: a development certificate for localhost, 127.0.0.1 and ::1 in the data directory, made once and reused until it expires. */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bitString, boolean, explicit, implicit, integer, objectIdentifier, octetString, sequence, setOfOne, time, utf8String,
} from './der-writer.js';

export interface SelfSignedCertificate {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** True when this call made a new certificate (first start, or the old one expired or was unreadable). */
  readonly created: boolean;
  readonly fingerprint256: string;
  readonly validTo: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Development certificates last a year; a start within a day of the end makes a new one. */
const VALIDITY_DAYS = 365;
const RENEW_BEFORE_MS = DAY_MS;

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export function selfSignedPaths(dataDir: string): { certPath: string; keyPath: string } {
  return { certPath: join(dataDir, 'tls', 'localhost.crt'), keyPath: join(dataDir, 'tls', 'localhost.key') };
}

/** Reuses the certificate in the data directory when it is readable, matches its key and is not about to expire; else makes a new one. */
export function ensureSelfSignedCertificate(dataDir: string, now: Date = new Date()): SelfSignedCertificate {
  const { certPath, keyPath } = selfSignedPaths(dataDir);
  if (existsSync(certPath) && existsSync(keyPath)) {
    try {
      const cert = readFileSync(certPath);
      const key = readFileSync(keyPath);
      const x509 = new X509Certificate(cert);
      const validTo = new Date(x509.validTo);
      if (x509.checkPrivateKey(createPrivateKey(key)) && validTo.getTime() - now.getTime() > RENEW_BEFORE_MS) {
        chmodSync(keyPath, 0o600);
        return { certPath, keyPath, cert, key, created: false, fingerprint256: x509.fingerprint256, validTo };
      }
    } catch {
      // Unreadable or damaged: made anew below.
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = certificateDer(privateKey, publicKey, now);
  const cert = Buffer.from(pem('CERTIFICATE', der), 'ascii');
  const key = Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'ascii');
  mkdirSync(join(dataDir, 'tls'), { recursive: true, mode: 0o700 });
  chmodSync(join(dataDir, 'tls'), 0o700);
  // Key first, each through a temporary name, so a crash never leaves a certificate without its key.
  writePrivate(keyPath, key);
  writePrivate(certPath, cert, 0o644);
  const x509 = new X509Certificate(cert);
  return { certPath, keyPath, cert, key, created: true, fingerprint256: x509.fingerprint256, validTo: new Date(x509.validTo) };
}

function writePrivate(path: string, bytes: Buffer, mode = 0o600): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, bytes, { mode });
  chmodSync(temp, mode);
  renameSync(temp, path);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** RFC 5280 certificate, self-issued and self-signed with ECDSA P-256 / SHA-256, for a TLS server on the loopback names. */
function certificateDer(privateKey: KeyObject, publicKey: KeyObject, now: Date): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // The key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1); the key is 65 bytes at the end of the SPKI.
  const keyId = createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
  const name = sequence(
    setOfOne(sequence(objectIdentifier(OID.organization), utf8String('Strongroom development'))),
    setOfOne(sequence(objectIdentifier(OID.commonName), utf8String('localhost'))),
  );
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive, at most 20 bytes (RFC 5280 §4.1.2.2)
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const extension = (oid: string, critical: boolean, value: Buffer) =>
    sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    name,
    sequence(time(new Date(now.getTime() - 60 * 60 * 1000)), time(new Date(now.getTime() + VALIDITY_DAYS * DAY_MS))),
    name,
    spki,
    explicit(3, sequence(
      extension(OID.basicConstraints, true, sequence()), // not a CA
      extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)), // digitalSignature
      extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
      extension(OID.subjectAltName, false, sequence(
        implicit(2, Buffer.from('localhost', 'ascii')), // dNSName
        implicit(7, Buffer.from([127, 0, 0, 1])), // iPAddress
        implicit(7, Buffer.concat([Buffer.alloc(15), Buffer.from([1])])), // ::1
      )),
      extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
      extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, keyId))),
    )),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  return sequence(tbs, algorithm, bitString(signature));
}
