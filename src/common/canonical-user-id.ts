/** The default S3 canonical user id of an account: stable, derived from its id (accounts may also be given one). */
import { createHash } from 'node:crypto';

/** 64 hex characters, as S3's canonical ids; the same account id always gives the same one. */
export function defaultCanonicalUserId(accountId: string): string {
  return createHash('sha256').update(`strongroom-canonical-user:${accountId}`).digest('hex');
}
