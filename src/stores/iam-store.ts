/** IamStore: accounts, IAM users, groups, access keys (secrets only sealed) and inline policies — the interface every backend implements. */

export interface AccountRecord {
  /** 12 digits. */
  readonly accountId: string;
  /** The operator's name for it (`strongroom accounts add NAME`); unique. */
  readonly name: string;
  /** S3 canonical user id (64 hex); unique. */
  readonly canonicalId: string;
  readonly displayName: string;
  readonly email: string | undefined;
  readonly createdAt: Date;
}

export interface UserRecord {
  readonly accountId: string;
  /** Unique per account, compared without case as IAM does ("Bob" and "bob" are one user). */
  readonly userName: string;
  /** AIDA… */
  readonly userId: string;
  readonly path: string;
  readonly createdAt: Date;
}

export interface GroupRecord {
  readonly accountId: string;
  readonly groupName: string;
  /** AGPA… */
  readonly groupId: string;
  readonly path: string;
  readonly createdAt: Date;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly accountId: string;
  /** The IAM user the key belongs to; undefined for the account root's own keys. */
  readonly userName: string | undefined;
  readonly status: AccessKeyStatus;
  /** The secret access key sealed by the root key (kms/sealed-credential.ts); never the secret itself. */
  readonly sealedSecret: Buffer;
  readonly createdAt: Date;
}

/** Whose inline policy: a user's or a group's, in one account. */
export interface PolicyOwner { readonly kind: 'user' | 'group'; readonly accountId: string; readonly name: string }

export interface InlinePolicy { readonly policyName: string; readonly document: string }

export type CreateResult = 'created' | 'exists';
/** 'conflict': the entity still has keys, policies, members or groups (IAM's DeleteConflict). */
export type DeleteResult = 'deleted' | 'missing' | 'conflict';

export interface IamStore {
  /** 'exists' when the name, account id or canonical id is taken. The root's first key may be stored with it. */
  createAccount(account: AccountRecord, rootKey?: AccessKeyRecord): Promise<CreateResult | 'key-exists'>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  getAccountByName(name: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;
  /** Removes the account with its users, groups, keys and policies. */
  deleteAccount(accountId: string): Promise<boolean>;

  createUser(user: UserRecord): Promise<CreateResult>;
  getUser(accountId: string, userName: string): Promise<UserRecord | undefined>;
  /** In name order. */
  listUsers(accountId: string): Promise<UserRecord[]>;
  /** 'conflict' while the user has access keys, inline policies or group memberships. */
  deleteUser(accountId: string, userName: string): Promise<DeleteResult>;

  /** 'limit' when the owner already has `maxPerOwner` keys; 'no-user' when the user does not exist; 'exists' on an id collision. */
  createAccessKey(key: AccessKeyRecord, maxPerOwner: number): Promise<CreateResult | 'limit' | 'no-user'>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /** The keys of a user (or of the account root when `userName` is undefined), oldest first. */
  listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]>;
  /** False when no such key belongs to that user (or root). */
  updateAccessKeyStatus(accountId: string, userName: string | undefined, accessKeyId: string, status: AccessKeyStatus): Promise<boolean>;
  deleteAccessKey(accountId: string, userName: string | undefined, accessKeyId: string): Promise<boolean>;

  createGroup(group: GroupRecord): Promise<CreateResult>;
  getGroup(accountId: string, groupName: string): Promise<GroupRecord | undefined>;
  listGroups(accountId: string): Promise<GroupRecord[]>;
  /** 'conflict' while the group has members or inline policies. */
  deleteGroup(accountId: string, groupName: string): Promise<DeleteResult>;
  /** Idempotent; 'no-user' / 'no-group' when either is missing. */
  addUserToGroup(accountId: string, groupName: string, userName: string): Promise<'added' | 'no-user' | 'no-group'>;
  removeUserFromGroup(accountId: string, groupName: string, userName: string): Promise<'removed' | 'no-user' | 'no-group' | 'not-member'>;
  groupMembers(accountId: string, groupName: string): Promise<UserRecord[]>;
  groupsForUser(accountId: string, userName: string): Promise<GroupRecord[]>;

  /** Creates or replaces; false when the owner does not exist. */
  putPolicy(owner: PolicyOwner, policy: InlinePolicy): Promise<boolean>;
  getPolicy(owner: PolicyOwner, policyName: string): Promise<InlinePolicy | undefined>;
  /** In name order. */
  listPolicies(owner: PolicyOwner): Promise<InlinePolicy[]>;
  deletePolicy(owner: PolicyOwner, policyName: string): Promise<boolean>;
}
