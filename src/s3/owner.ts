/** The S3 `Owner` element for an account: a stable canonical id and a display name. */
import { createHash } from 'node:crypto';
import type { Principal } from '../common/principal.js';

export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`strongroom-canonical-user:${accountId}`).digest('hex');
}

export function ownerElement(accountId: string, principal?: Principal) {
  return { ID: canonicalUserId(accountId), DisplayName: principal?.displayName ?? accountId };
}
