/** Group commit: switches requested in the same turn of the event loop share one SQLite transaction, so one fsync. */
import type { SqliteDatabase } from './sqlite-database.js';

interface Pending { run: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Each queued unit runs in its own savepoint inside the shared transaction: a unit that throws (a
 * failed precondition) is rolled back alone and its caller sees the error; the others commit together.
 * A promise resolves only after the shared COMMIT, so an acknowledged write is durable.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;
  /** Built once (db.transaction() is costly to call: four wrappers, twenty properties): the shared transaction and a unit's savepoint. */
  readonly #inTransaction: (batch: Pending[], outcomes: Outcome[]) => void;
  readonly #inSavepoint: (unit: () => unknown) => unknown;

  constructor(private readonly db: SqliteDatabase) {
    // A nested better-sqlite3 transaction is a SAVEPOINT: a throw undoes this unit only.
    this.#inSavepoint = db.transaction((unit: () => unknown) => unit());
    this.#inTransaction = db.transaction((batch: Pending[], outcomes: Outcome[]) => {
      for (const p of batch) {
        try {
          outcomes.push({ ok: true, value: this.#inSavepoint(p.run) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    });
  }

  run<T>(unit: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: unit, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const outcomes: Outcome[] = [];
    try {
      this.#inTransaction(batch, outcomes);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
