/** Access keys kept in the IamStore → the principal they authenticate as (an account root or an IAM user); inactive and deleted keys are unknown. */
import type { CredentialLookup, Principal } from '../common/principal.js';
import type { Secret } from '../common/secret.js';
import type { AccountRecord, IamStore, UserRecord } from '../stores/iam-store.js';
import { userArn } from './iam-names.js';

/** Opens a stored sealed secret (kms/, injected by the composition root). */
export type SecretOpener = (accessKeyId: string, sealed: Buffer) => Secret;

/** The principal of an account's root user. */
export function rootPrincipal(account: AccountRecord, accessKeyId: string): Principal {
  return {
    accessKeyId, arn: `arn:aws:iam::${account.accountId}:root`, accountId: account.accountId, displayName: account.displayName,
    canonicalId: account.canonicalId, type: 'root', userId: account.accountId,
  };
}

function userPrincipal(account: AccountRecord, user: UserRecord, accessKeyId: string): Principal {
  return {
    accessKeyId, arn: userArn(account.accountId, user.path, user.userName), accountId: account.accountId, displayName: account.displayName,
    canonicalId: account.canonicalId, type: 'user', userName: user.userName, userId: user.userId,
  };
}

/**
 * Looks a key up on every request (no cache), so an UpdateAccessKey to Inactive or a DeleteAccessKey takes
 * effect on the very next request.
 */
export function createIamCredentialLookup(store: IamStore, open: SecretOpener): CredentialLookup {
  return async (accessKeyId) => {
    const key = await store.getAccessKey(accessKeyId);
    if (!key || key.status !== 'Active') return undefined;
    const account = await store.getAccount(key.accountId);
    if (!account) return undefined;
    let principal: Principal;
    if (key.userName === undefined) {
      principal = rootPrincipal(account, accessKeyId);
    } else {
      const user = await store.getUser(account.accountId, key.userName);
      if (!user) return undefined;
      principal = userPrincipal(account, user, accessKeyId);
    }
    const secret = open(accessKeyId, key.sealedSecret);
    try {
      // auth/ signs with a string; it lives only for this request.
      return { secretAccessKey: secret.reveal().toString('utf8'), principal };
    } finally {
      secret.wipe();
    }
  };
}
