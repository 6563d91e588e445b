/** `strongroom accounts add|list|remove`: the accounts of a data directory, each with its own buckets, users and root access key. */
import type { OpenedData } from '../app.js';
import { defaultCanonicalUserId } from '../common/canonical-user-id.js';
import type { Clock } from '../common/clock.js';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import { ConfigError, type AccountFlags } from '../config/config.js';
import type { AccountRecord, IamStore } from '../stores/iam-store.js';
import { newAccessKeyId, newSecretAccessKey } from '../iam/iam-ids.js';

/** The name the first account (the data directory's own, whose root is the server's root credentials) is listed under. */
export const PRIMARY_ACCOUNT_NAME = 'default';

/**
 * The first account's record: created on first need, with the canonical id Strongroom always derived from
 * its id (so `Owner` ids seen by clients before accounts existed stay the same).
 */
export async function ensurePrimaryAccount(iam: IamStore, accountId: string, clock: Clock): Promise<AccountRecord> {
  const existing = await iam.getAccount(accountId);
  if (existing) return existing;
  const account: AccountRecord = {
    accountId, name: PRIMARY_ACCOUNT_NAME, canonicalId: defaultCanonicalUserId(accountId), displayName: PRIMARY_ACCOUNT_NAME, email: undefined, createdAt: clock.now(),
  };
  if ((await iam.createAccount(account)) !== 'created') throw new Error(`the first account (${accountId}) could not be recorded: its name or canonical id is taken`);
  return account;
}

export interface AddedAccount {
  readonly account: AccountRecord;
  readonly accessKeyId: string;
  /** Set only when generated here: printed once, never stored in the clear. */
  readonly generatedSecret: string | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function newAccountId(random: Random): string {
  return String(100000000000 + (random.bytes(6).readUIntBE(0, 6) % 900000000000));
}

/** Adds an account with its root access key (given, or generated). Every check runs before anything is written. */
export async function addAccount(data: OpenedData, primaryAccountId: string, name: string, flags: AccountFlags, clock: Clock, random: Random): Promise<AddedAccount> {
  if (!NAME.test(name)) throw new ConfigError(`account name must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit), got ${JSON.stringify(name)}`);
  if (Boolean(flags.accessKey) !== Boolean(flags.secretKey)) throw new ConfigError('give both --access-key and --secret-key, or neither');
  if (flags.accessKey !== undefined && !/^[A-Za-z0-9]{16,128}$/.test(flags.accessKey)) throw new ConfigError('--access-key must be 16-128 letters and digits');
  if (flags.secretKey !== undefined && !/^\S{8,128}$/.test(flags.secretKey)) throw new ConfigError('--secret-key must be 8-128 characters without spaces');
  if (flags.canonicalId !== undefined && !/^[0-9a-f]{64}$/.test(flags.canonicalId)) throw new ConfigError('--canonical-id must be 64 lower-case hex digits');
  if (flags.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(flags.email)) throw new ConfigError('--email must be an address');
  await ensurePrimaryAccount(data.iam, primaryAccountId, clock);
  if (await data.iam.getAccountByName(name)) throw new ConfigError(`an account named ${name} exists already`);

  const accessKeyId = flags.accessKey ?? newAccessKeyId(random);
  const primaryRoot = await data.keys.storedCredential('root');
  primaryRoot?.secret.wipe();
  if (primaryRoot?.accessKeyId === accessKeyId || (await data.iam.getAccessKey(accessKeyId))) throw new ConfigError(`access key ${accessKeyId} is in use already`);

  let accountId = newAccountId(random);
  while (accountId === primaryAccountId || (await data.iam.getAccount(accountId))) accountId = newAccountId(random);
  const account: AccountRecord = {
    accountId, name, canonicalId: flags.canonicalId ?? random.bytes(32).toString('hex'), displayName: flags.displayName ?? name, email: flags.email, createdAt: clock.now(),
  };
  const secret = flags.secretKey !== undefined ? new Secret(Buffer.from(flags.secretKey, 'utf8')) : newSecretAccessKey(random);
  try {
    const rootKey = { accessKeyId, accountId, userName: undefined, status: 'Active' as const, sealedSecret: data.keys.sealAccessKeySecret(accessKeyId, secret), createdAt: account.createdAt };
    const result = await data.iam.createAccount(account, rootKey);
    if (result === 'exists') throw new ConfigError(`the canonical id ${account.canonicalId} belongs to another account`);
    if (result === 'key-exists') throw new ConfigError(`access key ${accessKeyId} is in use already`);
    return { account, accessKeyId, generatedSecret: flags.secretKey === undefined ? secret.reveal().toString('utf8') : undefined };
  } finally {
    secret.wipe();
  }
}

export interface ListedAccount { readonly account: AccountRecord; readonly rootAccessKeys: string[] }

/** Every account, the first one first (also before the server ever recorded it), with its root access key ids. */
export async function listAccounts(data: OpenedData, primaryAccountId: string | undefined): Promise<ListedAccount[]> {
  const accounts = await data.iam.listAccounts();
  const out: ListedAccount[] = [];
  if (primaryAccountId !== undefined) {
    const primary = accounts.find((a) => a.accountId === primaryAccountId) ?? {
      accountId: primaryAccountId, name: PRIMARY_ACCOUNT_NAME, canonicalId: defaultCanonicalUserId(primaryAccountId), displayName: PRIMARY_ACCOUNT_NAME, email: undefined, createdAt: new Date(0),
    };
    const stored = await data.keys.storedCredential('root');
    stored?.secret.wipe();
    const own = (await data.iam.listAccessKeys(primaryAccountId, undefined)).map((k) => k.accessKeyId);
    out.push({ account: primary, rootAccessKeys: [...(stored ? [stored.accessKeyId] : []), ...own] });
  }
  for (const account of accounts) {
    if (account.accountId === primaryAccountId) continue;
    out.push({ account, rootAccessKeys: (await data.iam.listAccessKeys(account.accountId, undefined)).map((k) => k.accessKeyId) });
  }
  return out;
}

/** Removes an account with its users, groups, keys and policies; refused for the first account and for an account that still owns buckets. */
export async function removeAccount(data: OpenedData, primaryAccountId: string | undefined, name: string): Promise<AccountRecord> {
  const account = await data.iam.getAccountByName(name);
  if (!account) throw new ConfigError(`no account named ${name}`);
  if (account.accountId === primaryAccountId) throw new ConfigError(`${name} is the data directory's first account (the server's root credentials): it cannot be removed`);
  const owned = (await data.meta.listBuckets()).filter((b) => b.ownerAccountId === account.accountId).map((b) => b.name);
  if (owned.length > 0) throw new ConfigError(`account ${name} still owns ${owned.length} bucket(s) (${owned.slice(0, 5).join(', ')}${owned.length > 5 ? ', …' : ''}): delete them first`);
  await data.iam.deleteAccount(account.accountId);
  return account;
}
