/** KmsStore on the embedded SQLite database: key metadata as JSON beside its id and account, material versions as sealed blobs. */
import type { KmsAliasRow, KmsGrantRow, KmsKeyRow, KmsKeyVersionRow, KmsStore } from '../kms-store.js';
import { migrate, type SqliteDatabase } from './sqlite-database.js';

/** Numbered migrations of the 'kms' component; append only. */
const MIGRATIONS = [
  `
  CREATE TABLE kms_keys (
    key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, due_at INTEGER, doc TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX kms_keys_by_account ON kms_keys (account_id, key_id);
  CREATE INDEX kms_keys_due ON kms_keys (due_at) WHERE due_at IS NOT NULL;
  CREATE TABLE kms_key_versions (
    key_id TEXT NOT NULL, version INTEGER NOT NULL, sealed BLOB NOT NULL, created_at INTEGER NOT NULL, rotation_type TEXT,
    PRIMARY KEY (key_id, version)
  ) WITHOUT ROWID;
  CREATE TABLE kms_aliases (
    account_id TEXT NOT NULL, alias_name TEXT NOT NULL, key_id TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, alias_name)
  ) WITHOUT ROWID;
  CREATE TABLE kms_grants (grant_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX kms_grants_by_key ON kms_grants (key_id);
  `,
];

interface KeyDoc extends Omit<KmsKeyRow, 'keyId' | 'accountId' | 'createdAt' | 'deletionDate' | 'nextRotationDate'> {
  createdAt: number; deletionDate?: number; nextRotationDate?: number;
}

function keyDoc(row: KmsKeyRow): string {
  const { keyId: _k, accountId: _a, createdAt, deletionDate, nextRotationDate, ...rest } = row;
  return JSON.stringify({ ...rest, createdAt: createdAt.getTime(), deletionDate: deletionDate?.getTime(), nextRotationDate: nextRotationDate?.getTime() });
}

/**
 * The last parsed row of each key, with the text it was parsed from: every SSE-KMS read and write reads its
 * key's row (its state may have changed), but the row rarely changes, so its JSON is parsed again only when
 * the stored text differs. Shared: frozen.
 */
const PARSED_ROWS = new Map<string, { readonly accountId: string; readonly doc: string; readonly row: KmsKeyRow }>();
const MAX_PARSED_ROWS = 1024;

function keyRow(r: { key_id: string; account_id: string; doc: string }): KmsKeyRow {
  const held = PARSED_ROWS.get(r.key_id);
  if (held !== undefined && held.doc === r.doc && held.accountId === r.account_id) return held.row;
  const row = Object.freeze(parseKeyRow(r));
  if (PARSED_ROWS.size >= MAX_PARSED_ROWS) PARSED_ROWS.clear();
  PARSED_ROWS.set(r.key_id, { accountId: r.account_id, doc: r.doc, row });
  return row;
}

function parseKeyRow(r: { key_id: string; account_id: string; doc: string }): KmsKeyRow {
  const d = JSON.parse(r.doc) as KeyDoc;
  return {
    ...d, keyId: r.key_id, accountId: r.account_id, createdAt: new Date(d.createdAt),
    deletionDate: d.deletionDate === undefined ? undefined : new Date(d.deletionDate),
    nextRotationDate: d.nextRotationDate === undefined ? undefined : new Date(d.nextRotationDate),
  };
}

/** The earliest moment the sweep must look at a key: its deletion date, else its next automatic rotation. */
function dueAt(row: KmsKeyRow): number | null {
  if (row.state === 'PendingDeletion') return row.deletionDate?.getTime() ?? null;
  return row.rotationPeriodInDays !== undefined ? row.nextRotationDate?.getTime() ?? null : null;
}

function grantRow(r: { doc: string }): KmsGrantRow {
  const d = JSON.parse(r.doc) as Omit<KmsGrantRow, 'createdAt'> & { createdAt: number };
  return { ...d, createdAt: new Date(d.createdAt) };
}

type AliasSql = { account_id: string; alias_name: string; key_id: string; created_at: number; updated_at: number };
const aliasRow = (r: AliasSql): KmsAliasRow => ({ accountId: r.account_id, aliasName: r.alias_name, keyId: r.key_id, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) });

export class SqliteKmsStore implements KmsStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Migrations run on first write, so that a read-only open (offline commands) writes nothing. */
  #migrated = false;
  #ensure(): void {
    if (this.#migrated) return;
    migrate(this.db, 'kms', MIGRATIONS);
    this.#migrated = true;
  }

  /** Once the tables exist they stay: no lookup of sqlite_master on every call after that. */
  #seen = false;
  #ready(): boolean {
    if (this.#migrated || this.#seen) return true;
    this.#seen = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kms_keys'").get() !== undefined;
    return this.#seen;
  }

  /** The statement of the hottest read (every key use), prepared once the table exists. */
  #getKeyStatement: ReturnType<SqliteDatabase['prepare']> | undefined;

  async getKey(keyId: string): Promise<KmsKeyRow | undefined> {
    if (!this.#ready()) return undefined;
    this.#getKeyStatement ??= this.db.prepare('SELECT key_id, account_id, doc FROM kms_keys WHERE key_id = ?');
    const r = this.#getKeyStatement.get(keyId) as { key_id: string; account_id: string; doc: string } | undefined;
    return r && keyRow(r);
  }

  async listKeys(accountId: string): Promise<KmsKeyRow[]> {
    if (!this.#ready()) return [];
    return (this.db.prepare('SELECT key_id, account_id, doc FROM kms_keys WHERE account_id = ? ORDER BY key_id').all(accountId) as Array<{ key_id: string; account_id: string; doc: string }>).map(keyRow);
  }

  async createKey(row: KmsKeyRow, first: KmsKeyVersionRow): Promise<void> {
    this.#ensure();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO kms_keys (key_id, account_id, due_at, doc) VALUES (?, ?, ?, ?)').run(row.keyId, row.accountId, dueAt(row), keyDoc(row));
      this.#insertVersion(first);
    })();
  }

  async importKey(row: KmsKeyRow, versions: readonly KmsKeyVersionRow[]): Promise<void> {
    this.#ensure();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO kms_keys (key_id, account_id, due_at, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(row.keyId, row.accountId, dueAt(row), keyDoc(row));
      for (const v of versions) this.#insertVersion(v);
    })();
  }

  async updateKey(row: KmsKeyRow): Promise<void> {
    this.#ensure();
    this.db.prepare('UPDATE kms_keys SET due_at = ?, doc = ? WHERE key_id = ?').run(dueAt(row), keyDoc(row), row.keyId);
  }

  async deleteKey(keyId: string): Promise<void> {
    this.#ensure();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM kms_key_versions WHERE key_id = ?').run(keyId);
      this.db.prepare('DELETE FROM kms_aliases WHERE key_id = ?').run(keyId);
      this.db.prepare('DELETE FROM kms_grants WHERE key_id = ?').run(keyId);
      this.db.prepare('DELETE FROM kms_keys WHERE key_id = ?').run(keyId);
    })();
  }

  async keysDue(now: Date): Promise<KmsKeyRow[]> {
    if (!this.#ready()) return [];
    return (this.db.prepare('SELECT key_id, account_id, doc FROM kms_keys WHERE due_at IS NOT NULL AND due_at <= ?').all(now.getTime()) as Array<{ key_id: string; account_id: string; doc: string }>).map(keyRow);
  }

  async listVersions(keyId: string): Promise<KmsKeyVersionRow[]> {
    if (!this.#ready()) return [];
    const rows = this.db.prepare('SELECT key_id, version, sealed, created_at, rotation_type FROM kms_key_versions WHERE key_id = ? ORDER BY version').all(keyId) as
      Array<{ key_id: string; version: number; sealed: Buffer; created_at: number; rotation_type: 'AUTOMATIC' | 'ON_DEMAND' | null }>;
    return rows.map((r) => ({ keyId: r.key_id, version: r.version, sealed: r.sealed, createdAt: new Date(r.created_at), rotationType: r.rotation_type ?? undefined }));
  }

  #insertVersion(row: KmsKeyVersionRow): boolean {
    return this.db.prepare('INSERT INTO kms_key_versions (key_id, version, sealed, created_at, rotation_type) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(row.keyId, row.version, row.sealed, row.createdAt.getTime(), row.rotationType ?? null).changes === 1;
  }

  async addVersion(row: KmsKeyVersionRow): Promise<boolean> {
    this.#ensure();
    return this.#insertVersion(row);
  }

  async getAlias(accountId: string, aliasName: string): Promise<KmsAliasRow | undefined> {
    if (!this.#ready()) return undefined;
    const r = this.db.prepare('SELECT * FROM kms_aliases WHERE account_id = ? AND alias_name = ?').get(accountId, aliasName) as AliasSql | undefined;
    return r && aliasRow(r);
  }

  async listAliases(accountId: string): Promise<KmsAliasRow[]> {
    if (!this.#ready()) return [];
    return (this.db.prepare('SELECT * FROM kms_aliases WHERE account_id = ? ORDER BY alias_name').all(accountId) as AliasSql[]).map(aliasRow);
  }

  async createAlias(row: KmsAliasRow): Promise<boolean> {
    this.#ensure();
    return this.db.prepare('INSERT INTO kms_aliases (account_id, alias_name, key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(row.accountId, row.aliasName, row.keyId, row.createdAt.getTime(), row.updatedAt.getTime()).changes === 1;
  }

  async updateAlias(row: KmsAliasRow): Promise<void> {
    this.#ensure();
    this.db.prepare('UPDATE kms_aliases SET key_id = ?, updated_at = ? WHERE account_id = ? AND alias_name = ?').run(row.keyId, row.updatedAt.getTime(), row.accountId, row.aliasName);
  }

  async deleteAlias(accountId: string, aliasName: string): Promise<void> {
    this.#ensure();
    this.db.prepare('DELETE FROM kms_aliases WHERE account_id = ? AND alias_name = ?').run(accountId, aliasName);
  }

  async listGrants(keyId: string): Promise<KmsGrantRow[]> {
    if (!this.#ready()) return [];
    return (this.db.prepare('SELECT doc FROM kms_grants WHERE key_id = ? ORDER BY grant_id').all(keyId) as Array<{ doc: string }>).map(grantRow);
  }

  async getGrant(grantId: string): Promise<KmsGrantRow | undefined> {
    if (!this.#ready()) return undefined;
    const r = this.db.prepare('SELECT doc FROM kms_grants WHERE grant_id = ?').get(grantId) as { doc: string } | undefined;
    return r && grantRow(r);
  }

  async addGrant(row: KmsGrantRow): Promise<void> {
    this.#ensure();
    this.db.prepare('INSERT INTO kms_grants (grant_id, key_id, doc) VALUES (?, ?, ?)').run(row.grantId, row.keyId, JSON.stringify({ ...row, createdAt: row.createdAt.getTime() }));
  }

  async deleteGrant(grantId: string): Promise<void> {
    this.#ensure();
    this.db.prepare('DELETE FROM kms_grants WHERE grant_id = ?').run(grantId);
  }
}
