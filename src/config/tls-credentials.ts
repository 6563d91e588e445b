/** The TLS certificate and key a listener serves: from `--tls-cert`/`--tls-key` PEM files or the self-signed development pair, re-read on SIGHUP. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type TlsSettings } from './config.js';
import { ensureSelfSignedCertificate } from './self-signed-cert.js';

export interface TlsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** SHA-256 fingerprint of the leaf certificate, for the start and reload log lines. */
  readonly fingerprint256: string;
  readonly validTo: Date;
  /** The self-signed certificate's path when this pair is the development one (clients trust this file). */
  readonly selfSignedCertPath?: string;
  /** True when the self-signed certificate was made by this load. */
  readonly created?: boolean;
}

/** Reads (or, for --tls-self-signed, makes or reuses) the pair; throws ConfigError when the files do not parse or do not belong together. */
export function loadTlsCredentials(settings: TlsSettings, dataDir: string): TlsCredentials {
  if (settings.selfSigned) {
    const s = ensureSelfSignedCertificate(dataDir);
    return { cert: s.cert, key: s.key, fingerprint256: s.fingerprint256, validTo: s.validTo, selfSignedCertPath: s.certPath, created: s.created };
  }
  const cert = read(settings.certFile!, '--tls-cert');
  const key = read(settings.keyFile!, '--tls-key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new ConfigError(`--tls-cert ${settings.certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(key));
  } catch (err) {
    throw new ConfigError(`--tls-key ${settings.keyFile} is not a PEM private key: ${(err as Error).message}`);
  }
  if (!matches) throw new ConfigError(`--tls-key ${settings.keyFile} is not the private key of the certificate in ${settings.certFile}`);
  return { cert, key, fingerprint256: leaf.fingerprint256, validTo: new Date(leaf.validTo) };
}

function read(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${flag} ${path} cannot be read: ${(err as Error).message}`);
  }
}
