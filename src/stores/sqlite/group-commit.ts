/** Group commit: switches requested in the same turn of the event loop share one SQLite transaction, so one fsync; every store on a database shares its one GroupCommit. */
import type { SqliteDatabase } from './sqlite-database.js';

interface Pending { run: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** How long a riding unit waits for a batch to join before it commits on its own. */
const RIDE_MS = 100;

/**
 * Each queued unit runs in its own savepoint inside the shared transaction: a unit that throws (a
 * failed precondition) is rolled back alone and its caller sees the error; the others commit together.
 * A promise resolves only after the shared COMMIT, so an acknowledged write is durable.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  /** Units nobody waits for now (a read's audit record): they join the next batch, or commit after RIDE_MS. */
  #riders: Pending[] = [];
  #scheduled = false;
  #rideTimer: NodeJS.Timeout | undefined;
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

  /** Runs `unit` in the next batch, which is committed in the next turn of the event loop. */
  run<T>(unit: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: unit, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Runs `unit` in whichever batch commits next, without causing one sooner than RIDE_MS from now. */
  ride<T>(unit: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#riders.push({ run: unit, resolve: resolve as (v: unknown) => void, reject });
      if (this.#rideTimer === undefined && !this.#scheduled) {
        this.#rideTimer = setTimeout(() => this.#flush(), RIDE_MS);
        this.#rideTimer.unref();
      }
    });
  }

  #flush(): void {
    if (this.#rideTimer !== undefined) clearTimeout(this.#rideTimer);
    this.#rideTimer = undefined;
    // Riders first: they were queued before the units of this turn.
    const batch = this.#riders.length === 0 ? this.#queue : [...this.#riders, ...this.#queue];
    this.#queue = [];
    this.#riders = [];
    this.#scheduled = false;
    if (batch.length === 0 || !this.db.open) {
      for (const p of batch) p.reject(new Error('the database is closed'));
      return;
    }
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

const shared = new WeakMap<SqliteDatabase, GroupCommit>();

/** The database's one GroupCommit: units of different stores (metadata, audit journal) share its batches and fsyncs. */
export function groupCommitFor(db: SqliteDatabase): GroupCommit {
  let group = shared.get(db);
  if (group === undefined) {
    group = new GroupCommit(db);
    shared.set(db, group);
  }
  return group;
}
