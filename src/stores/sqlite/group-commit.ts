/** Group commit: switches requested in the same turn of the event loop share one SQLite transaction, and one WAL sync; every store on a database shares its one GroupCommit. */
import type { SqliteDatabase } from './sqlite-database.js';

interface Pending { run: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** How long a riding unit waits for a batch to join before it commits on its own. */
const RIDE_MS = 100;

/** Makes everything written to the WAL before the call durable (stores/fs/wal-sync.ts: fdatasync on the thread pool). */
export interface WalBarrier { sync(): Promise<void> }

/**
 * Each queued unit runs in its own savepoint inside the shared transaction: a unit that throws (a
 * failed precondition) is rolled back alone and its caller sees the error; the others commit together.
 * A promise resolves only once the shared COMMIT is durable, so an acknowledged write is durable.
 *
 * With a barrier, the COMMIT runs under synchronous=NORMAL (it writes the WAL frames but does not
 * fsync inside the synchronous call, which would block the event loop for the whole fsync), and the
 * outcomes are handed out only after `barrier.sync()`, an fdatasync of the WAL on the thread pool.
 * The connection is set back to FULL right after, so every other writer on it (IAM, KMS, key store,
 * multipart, deletes) keeps its fsync inside COMMIT; a FULL commit syncs the whole WAL and so also
 * covers earlier group commits. Without a barrier (unit tests), COMMIT fsyncs as before.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  /** Units nobody waits for now (a read's audit record): they join the next batch, or commit after RIDE_MS. */
  #riders: Pending[] = [];
  #scheduled = false;
  #rideTimer: NodeJS.Timeout | undefined;
  /** The sync of the last committed batch until it settles: readers wait for it (see `durable`). */
  #unsynced: Promise<void> | undefined;
  /** Built once (db.transaction() is costly to call: four wrappers, twenty properties): the shared transaction and a unit's savepoint. */
  readonly #inTransaction: (batch: Pending[], outcomes: Outcome[]) => void;
  readonly #inSavepoint: (unit: () => unknown) => unknown;
  readonly #syncNormal;
  readonly #syncFull;

  constructor(private readonly db: SqliteDatabase, private readonly barrier?: WalBarrier) {
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
    this.#syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
    this.#syncFull = db.prepare('PRAGMA synchronous = FULL');
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

  /**
   * For a reader, after it has read: undefined if every group commit it could have seen is durable,
   * else a promise that settles when they are. Waiting after the read (not before) means a read never
   * returns a commit that a crash could still undo, and a steady stream of writes cannot starve it.
   */
  durable(): Promise<void> | undefined {
    return this.#unsynced;
  }

  #flush(): void {
    if (this.#rideTimer !== undefined) clearTimeout(this.#rideTimer);
    this.#rideTimer = undefined;
    // Riders first: they were queued before the units of this turn.
    const batch = this.#riders.length === 0 ? this.#queue : [...this.#riders, ...this.#queue];
    this.#queue = [];
    this.#riders = [];
    this.#scheduled = false;
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const p of batch) p.reject(new Error('the database is closed'));
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      if (this.barrier) this.#syncNormal.run();
      try {
        this.#inTransaction(batch, outcomes);
      } finally {
        if (this.barrier) this.#syncFull.run();
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    if (!this.barrier) return this.#settle(batch, outcomes);
    // Failed units wait too: their errors (a failed precondition) may reflect commits not yet durable.
    const synced = this.barrier.sync();
    const tracked = synced.then(() => { if (this.#unsynced === tracked) this.#unsynced = undefined; });
    this.#unsynced = tracked;
    tracked.catch(() => undefined);
    synced.then(() => this.#settle(batch, outcomes), (error: unknown) => { for (const p of batch) p.reject(error); });
  }

  #settle(batch: Pending[], outcomes: Outcome[]): void {
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}

const shared = new WeakMap<SqliteDatabase, GroupCommit>();

/**
 * The database's one GroupCommit: units of different stores (metadata, audit journal) share its batches and syncs.
 * The first caller (the metadata store, opened first) gives the WAL barrier.
 */
export function groupCommitFor(db: SqliteDatabase, barrier?: WalBarrier): GroupCommit {
  let group = shared.get(db);
  if (group === undefined) {
    group = new GroupCommit(db, barrier);
    shared.set(db, group);
  }
  return group;
}
