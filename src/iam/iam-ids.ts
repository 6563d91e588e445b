/** New IAM identifiers and secrets in AWS's shapes (AKIA…, AIDA…, AGPA…, 40-character secrets), from the injected randomness. */
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';

/** Upper-case letters and digits 2–7 (base32), as AWS's ids use. */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomId(random: Random, prefix: string, length: number): string {
  // 32 and 64 divide 256, so `b % n` is uniform.
  return prefix + Array.from(random.bytes(length), (b) => ID_ALPHABET[b % 32]).join('');
}

export const newAccessKeyId = (random: Random) => randomId(random, 'AKIA', 16);
export const newUserId = (random: Random) => randomId(random, 'AIDA', 17);
export const newGroupId = (random: Random) => randomId(random, 'AGPA', 17);

/** A 40-character secret access key (240 bits). */
export function newSecretAccessKey(random: Random): Secret {
  return new Secret(Buffer.from(Array.from(random.bytes(40), (b) => SECRET_ALPHABET[b % 64]).join(''), 'utf8'));
}
