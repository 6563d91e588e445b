/** The key that signs the audit trail's digest files: HMAC-SHA256 under a key derived from the root key, so only the root key's holder can sign or check a digest. */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { Secret } from '../common/secret.js';
import { timingSafeEqualString } from '../common/timing-safe.js';

/** Signs and checks digest documents (audit/ receives it as a port; it never sees the key). */
export interface DigestSigner {
  /** Names the key, CloudTrail-style (its public-key fingerprint): an algorithm tag and a fingerprint that reveals nothing of the key. */
  readonly keyId: string;
  readonly algorithm: 'HMAC-SHA256';
  sign(bytes: Buffer): string;
  verify(bytes: Buffer, signatureHex: string): boolean;
  wipe(): void;
}

/** FROZEN: changing the label changes every digest key and breaks the verification of existing trails. */
const LABEL = 'strongroom audit digest signing key v1';

/** Derives the digest key from the root key (HKDF-SHA256, no salt, a fixed label): the same root key gives the same key on every start. */
export function auditDigestSigner(rootKey: Secret): DigestSigner {
  const key = new Secret(Buffer.from(hkdfSync('sha256', rootKey.reveal(), Buffer.alloc(0), LABEL, 32)));
  const fingerprint = createHash('sha256').update('strongroom audit digest key fingerprint\n').update(key.reveal()).digest('hex').slice(0, 32);
  const mac = (bytes: Buffer) => createHmac('sha256', key.reveal()).update(bytes).digest('hex');
  return {
    keyId: `hmac-sha256:v1:${fingerprint}`,
    algorithm: 'HMAC-SHA256',
    sign: mac,
    verify: (bytes, signatureHex) => timingSafeEqualString(mac(bytes), signatureHex),
    wipe: () => key.wipe(),
  };
}
