/** AuditStore: the trail's append-only record files (segments) and digest files, per account; the trail (audit/) decides what goes in them. */

/** One record file: the records of one account for one hour, from one server run (a restart opens a new one). */
export interface AuditSegmentRef {
  readonly accountId: string;
  /** `<seq>-<YYYYMMDDTHH00Z>.jsonl`; names sort in the order the segments were opened. */
  readonly name: string;
}

export interface AuditStore {
  /**
   * Appends one JSON line to the account's open segment for `hour` (`YYYYMMDDTHH00Z`), opening a new segment when
   * the hour changed. Resolves once the line is durable; appends made while a sync runs share the next one.
   */
  append(accountId: string, hour: string, line: string): Promise<void>;
  /** Closes every open segment (after the appends queued before it): nothing is written to them again. */
  closeSegments(): Promise<void>;
  /** Closes the open segments whose hour is not `currentHour`. */
  closeSegmentsBefore(currentHour: string): Promise<void>;
  /** The segments being appended to now ("accountId/name"). */
  openSegments(): ReadonlySet<string>;
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
  /** Cuts a partial last line (a crash mid-write) off every segment not open; returns the segments cut. */
  repairTornTails(): Promise<string[]>;
  close(): Promise<void>;
}
