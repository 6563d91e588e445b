/** The S3 `Owner` element for an account: its canonical id and display name. */
import { defaultCanonicalUserId } from '../common/canonical-user-id.js';
import type { Principal } from '../common/principal.js';

/**
 * The owner element of `accountId`. The caller's own account is described from its principal (an account
 * may carry a canonical id of its own); any other account by its default canonical id.
 */
export function ownerElement(accountId: string, principal?: Principal) {
  if (principal && principal.accountId === accountId) return { ID: principal.canonicalId, DisplayName: principal.displayName };
  return { ID: defaultCanonicalUserId(accountId), DisplayName: accountId };
}
