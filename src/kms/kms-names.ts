/** KMS identifiers: key ids (UUIDs from the injected random source), key and alias ARNs, and how a request's KeyId names a key. */
import { kmsError } from '../common/api-error.js';
import type { Random } from '../common/random.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;
/** CreateAlias: "alias/" then 1–250 of letters, digits, slashes, underscores and dashes. */
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/** A random (version 4) UUID. */
export function newKeyId(random: Random): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const keyArn = (region: string, accountId: string, keyId: string) => `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
export const aliasArn = (region: string, accountId: string, aliasName: string) => `arn:aws:kms:${region}:${accountId}:${aliasName}`;

/** What a KeyId parameter names: a key (by id, in the caller's account unless an ARN says otherwise) or an alias. */
export type KeyRef =
  | { readonly kind: 'key'; readonly keyId: string; readonly accountId: string | undefined }
  | { readonly kind: 'alias'; readonly aliasName: string; readonly accountId: string | undefined };

/** Parses a KeyId; anything that is none of id, key ARN, alias name, alias ARN is NotFoundException as KMS answers. */
export function parseKeyRef(value: string, region: string): KeyRef {
  if (UUID.test(value)) return { kind: 'key', keyId: value, accountId: undefined };
  if (value.startsWith('alias/')) return { kind: 'alias', aliasName: value, accountId: undefined };
  const key = KEY_ARN.exec(value);
  if (key && key[1] === region && UUID.test(key[3]!)) return { kind: 'key', keyId: key[3]!, accountId: key[2]! };
  const alias = ALIAS_ARN.exec(value);
  if (alias && alias[1] === region) return { kind: 'alias', aliasName: alias[3]!, accountId: alias[2]! };
  if (key || alias || value.startsWith('arn:')) throw kmsError('NotFoundException', { message: `Invalid arn ${value}` });
  throw kmsError('NotFoundException', { message: `Invalid keyId '${value}'` });
}

/** An alias name a caller may create: the `alias/aws/` prefix is reserved for AWS managed keys. */
export function checkAliasName(name: string): void {
  if (!ALIAS_NAME.test(name)) {
    throw kmsError('ValidationException', { message: `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$` });
  }
  if (name.startsWith('alias/aws/')) throw kmsError('NotAuthorizedException');
}
