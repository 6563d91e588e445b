/** KeyStore on the embedded SQLite database. */
import type { CredentialRow, KeyStore, MasterKeyRow } from '../key-store.js';
import { migrate, type SqliteDatabase } from './sqlite-database.js';

/** Numbered migrations of the 'keys' component; append only. */
const MIGRATIONS = [
  'CREATE TABLE kms_master_keys (version INTEGER PRIMARY KEY, sealed BLOB NOT NULL, created_at INTEGER NOT NULL)',
  // 2: credential secrets sealed by the root key (the root user's, replacing the clear root-credentials.json).
  'CREATE TABLE kms_credentials (name TEXT PRIMARY KEY, access_key_id TEXT NOT NULL, sealed BLOB NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID',
];

export class SqliteKeyStore implements KeyStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Migrations run on first write, so that opening with a wrong root key (or read-only) writes nothing. */
  #migrated = false;
  #ensure(): void {
    if (this.#migrated) return;
    migrate(this.db, 'keys', MIGRATIONS);
    this.#migrated = true;
  }

  #hasTable(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  async listMasterKeys(): Promise<MasterKeyRow[]> {
    if (!this.#hasTable('kms_master_keys')) return [];
    const rows = this.db.prepare('SELECT version, sealed, created_at FROM kms_master_keys ORDER BY version').all() as Array<{ version: number; sealed: Buffer; created_at: number }>;
    return rows.map((r) => ({ version: r.version, sealed: r.sealed, createdAt: new Date(r.created_at) }));
  }

  async addMasterKey(row: MasterKeyRow): Promise<boolean> {
    this.#ensure();
    const r = this.db.prepare('INSERT INTO kms_master_keys (version, sealed, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(row.version, row.sealed, row.createdAt.getTime());
    return r.changes === 1;
  }

  async deleteMasterKeys(versions: readonly number[]): Promise<void> {
    if (!this.#hasTable('kms_master_keys')) return;
    const del = this.db.prepare('DELETE FROM kms_master_keys WHERE version = ?');
    this.db.transaction(() => { for (const v of versions) del.run(v); })();
  }

  async getCredential(name: string): Promise<CredentialRow | undefined> {
    if (!this.#hasTable('kms_credentials')) return undefined;
    const r = this.db.prepare('SELECT name, access_key_id, sealed, created_at FROM kms_credentials WHERE name = ?').get(name) as
      { name: string; access_key_id: string; sealed: Buffer; created_at: number } | undefined;
    return r && { name: r.name, accessKeyId: r.access_key_id, sealed: r.sealed, createdAt: new Date(r.created_at) };
  }

  async putCredential(row: CredentialRow): Promise<void> {
    this.#ensure();
    this.db.prepare(`INSERT INTO kms_credentials (name, access_key_id, sealed, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET access_key_id = excluded.access_key_id, sealed = excluded.sealed, created_at = excluded.created_at`)
      .run(row.name, row.accessKeyId, row.sealed, row.createdAt.getTime());
  }
}
