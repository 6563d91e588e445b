/** IamStore on the embedded SQLite database: accounts, users, groups, access keys (sealed secrets), inline policies. */
import type {
  AccessKeyRecord, AccessKeyStatus, AccountRecord, CreateResult, DeleteResult, GroupRecord, IamStore, InlinePolicy, PolicyOwner, UserRecord,
} from '../iam-store.js';
import type { Statement } from 'better-sqlite3';
import { migrate, type SqliteDatabase } from './sqlite-database.js';

/**
 * Numbered migrations of the 'iam' component; append only. Names of users and groups compare without
 * case (COLLATE NOCASE), as IAM's do; a root key has no user name (NULL).
 */
const MIGRATIONS = [
  `
  CREATE TABLE iam_accounts (
    account_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, canonical_id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL, email TEXT, created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE iam_users (
    account_id TEXT NOT NULL, user_name TEXT NOT NULL COLLATE NOCASE, user_id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (account_id, user_name)
  ) WITHOUT ROWID;
  CREATE TABLE iam_groups (
    account_id TEXT NOT NULL, group_name TEXT NOT NULL COLLATE NOCASE, group_id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (account_id, group_name)
  ) WITHOUT ROWID;
  CREATE TABLE iam_group_members (
    account_id TEXT NOT NULL, group_name TEXT NOT NULL COLLATE NOCASE, user_name TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (account_id, group_name, user_name)
  ) WITHOUT ROWID;
  CREATE INDEX iam_group_members_by_user ON iam_group_members (account_id, user_name);
  CREATE TABLE iam_access_keys (
    access_key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, user_name TEXT COLLATE NOCASE,
    status TEXT NOT NULL, sealed_secret BLOB NOT NULL, created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX iam_access_keys_by_owner ON iam_access_keys (account_id, user_name);
  CREATE TABLE iam_inline_policies (
    account_id TEXT NOT NULL, owner_kind TEXT NOT NULL, owner_name TEXT NOT NULL COLLATE NOCASE,
    policy_name TEXT NOT NULL, document TEXT NOT NULL, PRIMARY KEY (account_id, owner_kind, owner_name, policy_name)
  ) WITHOUT ROWID;
  `,
];

interface AccountRow { account_id: string; name: string; canonical_id: string; display_name: string; email: string | null; created_at: number }
interface UserRow { account_id: string; user_name: string; user_id: string; path: string; created_at: number }
interface GroupRow { account_id: string; group_name: string; group_id: string; path: string; created_at: number }
interface KeyRow { access_key_id: string; account_id: string; user_name: string | null; status: string; sealed_secret: Buffer; created_at: number }

const account = (r: AccountRow): AccountRecord => ({
  accountId: r.account_id, name: r.name, canonicalId: r.canonical_id, displayName: r.display_name, email: r.email ?? undefined, createdAt: new Date(r.created_at),
});
const user = (r: UserRow): UserRecord => ({ accountId: r.account_id, userName: r.user_name, userId: r.user_id, path: r.path, createdAt: new Date(r.created_at) });
const group = (r: GroupRow): GroupRecord => ({ accountId: r.account_id, groupName: r.group_name, groupId: r.group_id, path: r.path, createdAt: new Date(r.created_at) });
const key = (r: KeyRow): AccessKeyRecord => ({
  accessKeyId: r.access_key_id, accountId: r.account_id, userName: r.user_name ?? undefined, status: r.status as AccessKeyStatus,
  sealedSecret: r.sealed_secret, createdAt: new Date(r.created_at),
});

const isConstraint = (err: unknown) => (err as { code?: string } | undefined)?.code?.startsWith('SQLITE_CONSTRAINT') === true;

export class SqliteIamStore implements IamStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Migrations run on first write, so that a read-only command (or a refused start) writes nothing. */
  #migrated = false;
  #write(): SqliteDatabase {
    if (!this.#migrated) {
      migrate(this.db, 'iam', MIGRATIONS);
      this.#migrated = true;
    }
    return this.db;
  }

  /** Prepared once per SQL text: the credential lookup and the authorizer read on every request. */
  readonly #statements = new Map<string, Statement>();
  #statement(db: SqliteDatabase, sql: string): Statement {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  #readStatement(sql: string): Statement | undefined {
    const db = this.#read();
    return db && this.#statement(db, sql);
  }

  /** Reads before the first migration find no tables: everything is empty. */
  #read(): SqliteDatabase | undefined {
    if (this.#migrated) return this.db;
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'iam_accounts'").get() ? this.db : undefined;
  }

  #insert(sql: string, ...params: unknown[]): boolean {
    try {
      this.#statement(this.#write(), sql).run(...params);
      return true;
    } catch (err) {
      if (isConstraint(err)) return false;
      throw err;
    }
  }

  async createAccount(a: AccountRecord, rootKey?: AccessKeyRecord): Promise<CreateResult | 'key-exists'> {
    const db = this.#write();
    return db.transaction((): CreateResult | 'key-exists' => {
      const taken = this.#statement(db, 'SELECT 1 FROM iam_accounts WHERE account_id = ? OR name = ? OR canonical_id = ?').get(a.accountId, a.name, a.canonicalId);
      if (taken) return 'exists';
      if (rootKey && this.#statement(db, 'SELECT 1 FROM iam_access_keys WHERE access_key_id = ?').get(rootKey.accessKeyId)) return 'key-exists';
      this.#statement(db, 'INSERT INTO iam_accounts (account_id, name, canonical_id, display_name, email, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(a.accountId, a.name, a.canonicalId, a.displayName, a.email ?? null, a.createdAt.getTime());
      if (rootKey) this.#insertKey(db, rootKey);
      return 'created';
    })();
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const r = this.#readStatement('SELECT * FROM iam_accounts WHERE account_id = ?')?.get(accountId) as AccountRow | undefined;
    return r && account(r);
  }

  async getAccountByName(name: string): Promise<AccountRecord | undefined> {
    const r = this.#readStatement('SELECT * FROM iam_accounts WHERE name = ?')?.get(name) as AccountRow | undefined;
    return r && account(r);
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return ((this.#readStatement('SELECT * FROM iam_accounts ORDER BY created_at, name')?.all() ?? []) as AccountRow[]).map(account);
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    const db = this.#write();
    return db.transaction(() => {
      for (const table of ['iam_users', 'iam_groups', 'iam_group_members', 'iam_access_keys', 'iam_inline_policies']) {
        this.#statement(db, `DELETE FROM ${table} WHERE account_id = ?`).run(accountId);
      }
      return this.#statement(db, 'DELETE FROM iam_accounts WHERE account_id = ?').run(accountId).changes === 1;
    })();
  }

  async createUser(u: UserRecord): Promise<CreateResult> {
    return this.#insert('INSERT INTO iam_users (account_id, user_name, user_id, path, created_at) VALUES (?, ?, ?, ?, ?)',
      u.accountId, u.userName, u.userId, u.path, u.createdAt.getTime()) ? 'created' : 'exists';
  }

  async getUser(accountId: string, userName: string): Promise<UserRecord | undefined> {
    const r = this.#readStatement('SELECT * FROM iam_users WHERE account_id = ? AND user_name = ?')?.get(accountId, userName) as UserRow | undefined;
    return r && user(r);
  }

  async listUsers(accountId: string): Promise<UserRecord[]> {
    return ((this.#readStatement('SELECT * FROM iam_users WHERE account_id = ? ORDER BY user_name')?.all(accountId) ?? []) as UserRow[]).map(user);
  }

  async deleteUser(accountId: string, userName: string): Promise<DeleteResult> {
    const db = this.#write();
    return db.transaction((): DeleteResult => {
      if (!this.#statement(db, 'SELECT 1 FROM iam_users WHERE account_id = ? AND user_name = ?').get(accountId, userName)) return 'missing';
      const attached = this.#statement(db, 'SELECT 1 FROM iam_access_keys WHERE account_id = ? AND user_name = ?').get(accountId, userName)
        ?? this.#statement(db, "SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND owner_kind = 'user' AND owner_name = ?").get(accountId, userName)
        ?? this.#statement(db, 'SELECT 1 FROM iam_group_members WHERE account_id = ? AND user_name = ?').get(accountId, userName);
      if (attached) return 'conflict';
      this.#statement(db, 'DELETE FROM iam_users WHERE account_id = ? AND user_name = ?').run(accountId, userName);
      return 'deleted';
    })();
  }

  #insertKey(db: SqliteDatabase, k: AccessKeyRecord): void {
    this.#statement(db, 'INSERT INTO iam_access_keys (access_key_id, account_id, user_name, status, sealed_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(k.accessKeyId, k.accountId, k.userName ?? null, k.status, k.sealedSecret, k.createdAt.getTime());
  }

  async createAccessKey(k: AccessKeyRecord, maxPerOwner: number): Promise<CreateResult | 'limit' | 'no-user'> {
    const db = this.#write();
    return db.transaction((): CreateResult | 'limit' | 'no-user' => {
      if (k.userName !== undefined && !this.#statement(db, 'SELECT 1 FROM iam_users WHERE account_id = ? AND user_name = ?').get(k.accountId, k.userName)) return 'no-user';
      const { n } = this.#statement(db, 'SELECT count(*) AS n FROM iam_access_keys WHERE account_id = ? AND user_name IS ?').get(k.accountId, k.userName ?? null) as { n: number };
      if (n >= maxPerOwner) return 'limit';
      if (this.#statement(db, 'SELECT 1 FROM iam_access_keys WHERE access_key_id = ?').get(k.accessKeyId)) return 'exists';
      // The stored user name takes the user's own spelling, whatever case the request used.
      const stored = k.userName === undefined ? undefined
        : (this.#statement(db, 'SELECT user_name FROM iam_users WHERE account_id = ? AND user_name = ?').get(k.accountId, k.userName) as { user_name: string }).user_name;
      this.#insertKey(db, { ...k, userName: stored });
      return 'created';
    })();
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const r = this.#readStatement('SELECT * FROM iam_access_keys WHERE access_key_id = ?')?.get(accessKeyId) as KeyRow | undefined;
    return r && key(r);
  }

  async listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]> {
    const rows = this.#readStatement('SELECT * FROM iam_access_keys WHERE account_id = ? AND user_name IS ? ORDER BY created_at, access_key_id')?.all(accountId, userName ?? null) ?? [];
    return (rows as KeyRow[]).map(key);
  }

  async updateAccessKeyStatus(accountId: string, userName: string | undefined, accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    return this.#statement(this.#write(), 'UPDATE iam_access_keys SET status = ? WHERE access_key_id = ? AND account_id = ? AND user_name IS ?')
      .run(status, accessKeyId, accountId, userName ?? null).changes === 1;
  }

  async deleteAccessKey(accountId: string, userName: string | undefined, accessKeyId: string): Promise<boolean> {
    return this.#statement(this.#write(), 'DELETE FROM iam_access_keys WHERE access_key_id = ? AND account_id = ? AND user_name IS ?')
      .run(accessKeyId, accountId, userName ?? null).changes === 1;
  }

  async createGroup(g: GroupRecord): Promise<CreateResult> {
    return this.#insert('INSERT INTO iam_groups (account_id, group_name, group_id, path, created_at) VALUES (?, ?, ?, ?, ?)',
      g.accountId, g.groupName, g.groupId, g.path, g.createdAt.getTime()) ? 'created' : 'exists';
  }

  async getGroup(accountId: string, groupName: string): Promise<GroupRecord | undefined> {
    const r = this.#readStatement('SELECT * FROM iam_groups WHERE account_id = ? AND group_name = ?')?.get(accountId, groupName) as GroupRow | undefined;
    return r && group(r);
  }

  async listGroups(accountId: string): Promise<GroupRecord[]> {
    return ((this.#readStatement('SELECT * FROM iam_groups WHERE account_id = ? ORDER BY group_name')?.all(accountId) ?? []) as GroupRow[]).map(group);
  }

  async deleteGroup(accountId: string, groupName: string): Promise<DeleteResult> {
    const db = this.#write();
    return db.transaction((): DeleteResult => {
      if (!this.#statement(db, 'SELECT 1 FROM iam_groups WHERE account_id = ? AND group_name = ?').get(accountId, groupName)) return 'missing';
      const attached = this.#statement(db, 'SELECT 1 FROM iam_group_members WHERE account_id = ? AND group_name = ?').get(accountId, groupName)
        ?? this.#statement(db, "SELECT 1 FROM iam_inline_policies WHERE account_id = ? AND owner_kind = 'group' AND owner_name = ?").get(accountId, groupName);
      if (attached) return 'conflict';
      this.#statement(db, 'DELETE FROM iam_groups WHERE account_id = ? AND group_name = ?').run(accountId, groupName);
      return 'deleted';
    })();
  }

  /** The stored spellings of a group and a user, or which one is missing. */
  #pair(db: SqliteDatabase, accountId: string, groupName: string, userName: string): { group: string; user: string } | 'no-user' | 'no-group' {
    const g = this.#statement(db, 'SELECT group_name FROM iam_groups WHERE account_id = ? AND group_name = ?').get(accountId, groupName) as { group_name: string } | undefined;
    if (!g) return 'no-group';
    const u = this.#statement(db, 'SELECT user_name FROM iam_users WHERE account_id = ? AND user_name = ?').get(accountId, userName) as { user_name: string } | undefined;
    if (!u) return 'no-user';
    return { group: g.group_name, user: u.user_name };
  }

  async addUserToGroup(accountId: string, groupName: string, userName: string): Promise<'added' | 'no-user' | 'no-group'> {
    const db = this.#write();
    return db.transaction(() => {
      const pair = this.#pair(db, accountId, groupName, userName);
      if (typeof pair === 'string') return pair;
      this.#statement(db, 'INSERT INTO iam_group_members (account_id, group_name, user_name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(accountId, pair.group, pair.user);
      return 'added' as const;
    })();
  }

  async removeUserFromGroup(accountId: string, groupName: string, userName: string): Promise<'removed' | 'no-user' | 'no-group' | 'not-member'> {
    const db = this.#write();
    return db.transaction(() => {
      const pair = this.#pair(db, accountId, groupName, userName);
      if (typeof pair === 'string') return pair;
      const r = this.#statement(db, 'DELETE FROM iam_group_members WHERE account_id = ? AND group_name = ? AND user_name = ?').run(accountId, groupName, userName);
      return r.changes === 1 ? 'removed' as const : 'not-member' as const;
    })();
  }

  async groupMembers(accountId: string, groupName: string): Promise<UserRecord[]> {
    const rows = this.#readStatement(`SELECT u.* FROM iam_group_members m JOIN iam_users u ON u.account_id = m.account_id AND u.user_name = m.user_name
      WHERE m.account_id = ? AND m.group_name = ? ORDER BY u.user_name`)?.all(accountId, groupName) ?? [];
    return (rows as UserRow[]).map(user);
  }

  async groupsForUser(accountId: string, userName: string): Promise<GroupRecord[]> {
    const rows = this.#readStatement(`SELECT g.* FROM iam_group_members m JOIN iam_groups g ON g.account_id = m.account_id AND g.group_name = m.group_name
      WHERE m.account_id = ? AND m.user_name = ? ORDER BY g.group_name`)?.all(accountId, userName) ?? [];
    return (rows as GroupRow[]).map(group);
  }

  async putPolicy(owner: PolicyOwner, policy: InlinePolicy): Promise<boolean> {
    const db = this.#write();
    const table = owner.kind === 'user' ? 'iam_users' : 'iam_groups';
    const column = owner.kind === 'user' ? 'user_name' : 'group_name';
    return db.transaction(() => {
      const found = this.#statement(db, `SELECT ${column} AS name FROM ${table} WHERE account_id = ? AND ${column} = ?`).get(owner.accountId, owner.name) as { name: string } | undefined;
      if (!found) return false;
      this.#statement(db, `INSERT INTO iam_inline_policies (account_id, owner_kind, owner_name, policy_name, document) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (account_id, owner_kind, owner_name, policy_name) DO UPDATE SET document = excluded.document`)
        .run(owner.accountId, owner.kind, found.name, policy.policyName, policy.document);
      return true;
    })();
  }

  async getPolicy(owner: PolicyOwner, policyName: string): Promise<InlinePolicy | undefined> {
    const r = this.#readStatement('SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ? AND owner_kind = ? AND owner_name = ? AND policy_name = ?')
      ?.get(owner.accountId, owner.kind, owner.name, policyName) as { policy_name: string; document: string } | undefined;
    return r && { policyName: r.policy_name, document: r.document };
  }

  async listPolicies(owner: PolicyOwner): Promise<InlinePolicy[]> {
    const rows = this.#readStatement('SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ? AND owner_kind = ? AND owner_name = ? ORDER BY policy_name')
      ?.all(owner.accountId, owner.kind, owner.name) ?? [];
    return (rows as Array<{ policy_name: string; document: string }>).map((r) => ({ policyName: r.policy_name, document: r.document }));
  }

  async deletePolicy(owner: PolicyOwner, policyName: string): Promise<boolean> {
    return this.#statement(this.#write(), 'DELETE FROM iam_inline_policies WHERE account_id = ? AND owner_kind = ? AND owner_name = ? AND policy_name = ?')
      .run(owner.accountId, owner.kind, owner.name, policyName).changes === 1;
  }
}
