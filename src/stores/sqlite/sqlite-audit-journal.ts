/** AuditJournal on the metadata database: a record's row commits in the same group commit as the metadata switches, so one WAL fsync makes both durable. */
import type { AuditJournal, JournalSegment } from '../audit-store.js';
import { groupCommitFor, type GroupCommit } from './group-commit.js';
import { migrate, type SqliteDatabase } from './sqlite-database.js';

const MIGRATIONS: readonly string[] = [
  // 1: record lines waiting for their segment file; id gives the order they were added in.
  `
  CREATE TABLE audit_journal (
    id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, segment TEXT NOT NULL, line TEXT NOT NULL
  );
  CREATE INDEX audit_journal_segment ON audit_journal (account_id, segment, id);
  `,
];

export class SqliteAuditJournal implements AuditJournal {
  readonly #group: GroupCommit;
  readonly #q;

  constructor(db: SqliteDatabase) {
    migrate(db, 'audit-journal', MIGRATIONS);
    this.#group = groupCommitFor(db);
    const p = (sql: string) => db.prepare(sql);
    this.#q = {
      insert: p('INSERT INTO audit_journal (account_id, segment, line) VALUES (?, ?, ?)'),
      segments: p('SELECT account_id AS accountId, segment, count(*) AS records, min(id) AS first FROM audit_journal GROUP BY account_id, segment ORDER BY first'),
      linesAfter: p('SELECT id, line FROM audit_journal WHERE account_id = ? AND segment = ? AND id > ? ORDER BY id LIMIT ?'),
      accountLines: p('SELECT line FROM audit_journal WHERE account_id = ? ORDER BY id').pluck(),
      drop: p('DELETE FROM audit_journal WHERE account_id = ? AND segment = ?'),
    };
  }

  append(accountId: string, segment: string, line: string, durable: boolean): Promise<void> {
    const unit = () => { this.#q.insert.run(accountId, segment, line); };
    return durable ? this.#group.run(unit) : this.#group.ride(unit);
  }

  insertNow(accountId: string, segment: string, line: string): void {
    this.#q.insert.run(accountId, segment, line);
  }

  settle(): Promise<void> {
    return this.#group.run(() => {});
  }

  segments(): JournalSegment[] {
    return (this.#q.segments.all() as Array<JournalSegment & { first: number }>).map(({ accountId, segment, records }) => ({ accountId, segment, records }));
  }

  linesAfter(accountId: string, segment: string, afterId: number, limit: number): Array<{ id: number; line: string }> {
    return this.#q.linesAfter.all(accountId, segment, afterId, limit) as Array<{ id: number; line: string }>;
  }

  accountLines(accountId: string): string[] {
    return this.#q.accountLines.all(accountId) as string[];
  }

  async drop(accountId: string, segment: string): Promise<void> {
    await this.#group.run(() => { this.#q.drop.run(accountId, segment); });
  }

  /** The journal's segments in a database opened read-only (`strongroom audit verify`); none when the table was never made. */
  static pendingIn(db: SqliteDatabase): JournalSegment[] {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_journal'").get();
    if (table === undefined) return [];
    return db.prepare('SELECT account_id AS accountId, segment, count(*) AS records FROM audit_journal GROUP BY account_id, segment ORDER BY min(id)').all() as JournalSegment[];
  }
}
