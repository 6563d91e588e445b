/** AuditStore and AuditJournal: the trail's record files (segments), digest files, and the journal records wait in until their segment is written; the trail (audit/) decides what goes in them. */

/** One record file: records of one account, from one hour, written whole (a segment never changes once written). */
export interface AuditSegmentRef {
  readonly accountId: string;
  /** `<seq>-<YYYYMMDDTHH00Z>.jsonl`; names sort in the order the segments were opened. */
  readonly name: string;
}

export interface AuditStore {
  /**
   * Writes a segment durably and whole (temporary file, fsync, rename, directory fsync); never replaces one.
   * Pieces (an async iterable) are written as they come, each before the next is asked for (a producer may reuse
   * its buffer), so a large segment never sits in memory whole.
   */
  writeSegment(accountId: string, name: string, bytes: Buffer | AsyncIterable<Buffer>): Promise<void>;
  /** Accounts that have a trail directory. */
  accounts(): Promise<string[]>;
  /** The account's segment names, sorted. */
  segments(accountId: string): Promise<string[]>;
  /** A segment's bytes; undefined when the file does not exist. */
  readSegment(accountId: string, name: string): Promise<Buffer | undefined>;
  /** The account's digest names (`<seq>.json`), sorted. */
  digests(accountId: string): Promise<string[]>;
  readDigest(accountId: string, name: string): Promise<Buffer | undefined>;
  /** Writes a digest durably (temporary file, fsync, rename, directory fsync); never replaces an existing one. */
  writeDigest(accountId: string, name: string, bytes: Buffer): Promise<void>;
  /** The account's retention marker (what retention removed), if any. */
  readMarker(accountId: string): Promise<Buffer | undefined>;
  /** Replaces the retention marker durably. */
  writeMarker(accountId: string, bytes: Buffer): Promise<void>;
  /** Removes a segment or digest file (retention only). */
  remove(accountId: string, kind: 'segment' | 'digest', name: string): Promise<void>;
  /** Cuts a partial last line off every segment (left by versions that appended to segments, on a crash); returns the segments cut. */
  repairTornTails(): Promise<string[]>;
  close(): Promise<void>;
}

/** A segment that still has records in the journal. */
export interface JournalSegment {
  readonly accountId: string;
  readonly segment: string;
  readonly records: number;
}

/**
 * Where a record is made durable first: rows in the metadata database, committed in the same group commit as the
 * metadata switches (one fsync for both). The trail later writes a segment's rows into its file and drops them.
 */
export interface AuditJournal {
  /**
   * Adds one record line to `segment`. `durable`: resolves once committed (the next batch); otherwise it rides in
   * whichever batch commits next (at most ~100 ms later) and nobody needs to wait for it.
   */
  append(accountId: string, segment: string, line: string, durable: boolean): Promise<void>;
  /** Adds one record line now, inside the transaction the caller runs (a metadata group-commit unit): durable with it. */
  insertNow(accountId: string, segment: string, line: string): void;
  /** Commits every append made before this call. */
  settle(): Promise<void>;
  /** The segments with rows, in the order their first row was added. */
  segments(): JournalSegment[];
  /** At most `limit` of a segment's lines after row `afterId` (0: from the first), in the order added, with their row ids. */
  linesAfter(accountId: string, segment: string, afterId: number, limit: number): Array<{ id: number; line: string }>;
  /** Every line of an account, in the order added (for LookupEvents). */
  accountLines(accountId: string): string[];
  /** Removes a segment's rows (after its file is durable). */
  drop(accountId: string, segment: string): Promise<void>;
}
