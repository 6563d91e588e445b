/** Opens the embedded SQLite database (WAL, durable commits) that the SQLite stores share. */
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * How a database is opened:
 * - 'read-write': ready for writes at once (WAL, synchronous=FULL).
 * - 'verify-first': nothing is written until `prepareForWrites` (a start checks the root key first, and
 *   a refused start must leave the file as it was).
 * - 'read-only': the read-only commands; SQLite refuses any write, and a file that must exist.
 */
export type OpenMode = 'read-write' | 'verify-first' | 'read-only';

/** Opens (creating if needed, unless read-only) the database file. Opening itself writes nothing. */
export function openSqliteDatabase(path: string, mode: OpenMode = 'read-write'): SqliteDatabase {
  const db = new Database(path, mode === 'read-only' ? { readonly: true, fileMustExist: true } : {});
  // Connection settings only: neither writes to the file.
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (mode === 'read-write') prepareForWrites(db);
  return db;
}

/**
 * WAL lets readers run beside the writer; synchronous=FULL makes every committed transaction survive a
 * power cut, not only a process crash, because a 200 to a PUT promises durability. Switching to WAL
 * writes the file header, so it happens only once the start is known to be good.
 */
export function prepareForWrites(db: SqliteDatabase): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
}

/**
 * Before the last close of a server: back to a rollback journal (best effort; it needs no other
 * connection open), so that a stopped data dir has no -wal/-shm and a read-only command opening it
 * creates none.
 */
export function leaveWalMode(db: SqliteDatabase): void {
  try {
    db.pragma('journal_mode = DELETE');
  } catch {
    // Another process (an offline command) still has it open: it stays in WAL mode, which is fine.
  }
}

/** Applies numbered migrations for one component, each in its own transaction, once. */
export function migrate(db: SqliteDatabase, component: string, migrations: readonly string[]): void {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'").get();
  const row = table ? db.prepare('SELECT version FROM schema_versions WHERE component = ?').get(component) as { version: number } | undefined : undefined;
  const current = row?.version ?? 0;
  if (current >= migrations.length) return;
  if (db.readonly) throw new Error(`the ${component} schema is at version ${current} of ${migrations.length}: start the server once to upgrade it`);
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  for (let v = current; v < migrations.length; v++) {
    const sql = migrations[v]!;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_versions (component, version) VALUES (?, ?) ON CONFLICT(component) DO UPDATE SET version = excluded.version').run(component, v + 1);
    })();
  }
}
