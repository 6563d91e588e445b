/** KeyStore on the embedded SQLite database. */
import type { KeyStore, MasterKeyRow } from '../key-store.js';
import { migrate, type SqliteDatabase } from './sqlite-database.js';

const MIGRATIONS = [
  'CREATE TABLE kms_master_keys (version INTEGER PRIMARY KEY, sealed BLOB NOT NULL, created_at INTEGER NOT NULL)',
];

export class SqliteKeyStore implements KeyStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Migrations run on first write, so that opening with a wrong root key writes nothing. */
  #migrated = false;
  #ensure(): void {
    if (this.#migrated) return;
    migrate(this.db, 'keys', MIGRATIONS);
    this.#migrated = true;
  }

  async listMasterKeys(): Promise<MasterKeyRow[]> {
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kms_master_keys'").get();
    if (!exists) return [];
    const rows = this.db.prepare('SELECT version, sealed, created_at FROM kms_master_keys ORDER BY version').all() as Array<{ version: number; sealed: Buffer; created_at: number }>;
    return rows.map((r) => ({ version: r.version, sealed: r.sealed, createdAt: new Date(r.created_at) }));
  }

  async addMasterKey(row: MasterKeyRow): Promise<boolean> {
    this.#ensure();
    const r = this.db.prepare('INSERT INTO kms_master_keys (version, sealed, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(row.version, row.sealed, row.createdAt.getTime());
    return r.changes === 1;
  }
}
