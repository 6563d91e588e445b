/** The version stack of each key in SQLite: the current version in `objects`, noncurrent versions and delete markers in `object_versions`. */
import { NULL_VERSION_ID } from '../meta-store.js';
import type {
  ListPage, ObjectRecord, Precondition, Released, RemovalGuard, Retention, VersionSummary,
} from '../meta-store.js';
import { prefixUpperBound } from '../../common/key-order.js';
import type { SqliteDatabase } from './sqlite-database.js';
import {
  legalHoldColumn, objectParams, partParams, toObject, toPart, toRemoved, toSummary, type ObjectRow, type PartRow, type VersionRow,
} from './sqlite-rows.js';

/** The columns `objects` and `object_versions` share, in one order, for moving a row between them. */
const SHARED = 'bucket, key, write_id, size, etag, last_modified, headers, user_meta, tags, checksums, checksum_type, encryption, parts_count, storage_class, manifest, acl, version_id, seq, retention_mode, retain_until, legal_hold';
const SUMMARY = 'key, size, etag, last_modified, storage_class, checksums, checksum_type, version_id, seq';
/** A sequence above every real one: "from the start of this key". */
const TOP = Number.MAX_SAFE_INTEGER;

type SummaryRow = Parameters<typeof toSummary>[0] & { version_id: string; seq: number; delete_marker: number; is_latest: number };

/** UTF-8 byte order, as SQLite's BINARY collation compares TEXT. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Invariant kept by every method: a key's newest version is in `objects` exactly when it is not a delete
 * marker; everything older (and every delete marker) is in `object_versions`. So ListObjectsV2 and GET
 * read `objects` alone and never see a noncurrent row. Methods run inside the caller's transaction.
 */
export class SqliteVersionStack {
  readonly #q;

  constructor(db: SqliteDatabase) {
    const p = (sql: string) => db.prepare(sql);
    this.#q = {
      current: p('SELECT * FROM objects WHERE bucket = ? AND key = ?'),
      anyCurrent: p('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1'),
      anyNoncurrent: p('SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1'),
      version: p('SELECT * FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?'),
      newest: p('SELECT * FROM object_versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1'),
      maxSeq: p('SELECT max(seq) AS seq FROM object_versions WHERE bucket = ? AND key = ?'),
      oldestNewer: p(`SELECT min(seq) AS seq FROM (
        SELECT seq FROM objects WHERE bucket = @bucket AND key = @key AND version_id > @versionId AND version_id <> @nullId
        UNION ALL SELECT seq FROM object_versions WHERE bucket = @bucket AND key = @key AND version_id > @versionId AND version_id <> @nullId)`),
      parts: p('SELECT * FROM object_parts WHERE bucket = ? AND key = ? AND version_id = ? ORDER BY part_number'),
      blobs: p('SELECT blob_id FROM object_parts WHERE bucket = ? AND key = ? AND version_id = ?'),
      deleteParts: p('DELETE FROM object_parts WHERE bucket = ? AND key = ? AND version_id = ?'),
      demote: p(`INSERT INTO object_versions (${SHARED}, delete_marker) SELECT ${SHARED}, 0 FROM objects WHERE bucket = ? AND key = ?`),
      deleteCurrent: p('DELETE FROM objects WHERE bucket = ? AND key = ?'),
      promote: p(`INSERT INTO objects (${SHARED}) SELECT ${SHARED} FROM object_versions WHERE bucket = ? AND key = ? AND seq = ?`),
      deleteVersion: p('DELETE FROM object_versions WHERE bucket = ? AND key = ? AND seq = ?'),
      insertObject: p(`INSERT INTO objects (${SHARED})
        VALUES (@bucket, @key, @write_id, @size, @etag, @last_modified, @headers, @user_meta, @tags, @checksums, @checksum_type, @encryption, @parts_count, @storage_class, @manifest, @acl, @version_id, @seq, @retention_mode, @retain_until, @legal_hold)`),
      insertPart: p(`INSERT INTO object_parts (bucket, key, version_id, part_number, write_id, blob_id, size, etag, sealed_key, checksums, last_modified, inline_data, layout_tag)
        VALUES (@bucket, @key, @version_id, @part_number, @write_id, @blob_id, @size, @etag, @sealed_key, @checksums, @last_modified, @inline_data, @layout_tag)`),
      insertMarker: p(`INSERT INTO object_versions (bucket, key, seq, version_id, delete_marker, write_id, size, etag, last_modified, headers, user_meta, tags, checksums, encryption, storage_class)
        VALUES (?, ?, ?, ?, 1, '', 0, '', ?, '{}', '{}', '[]', '{}', '{}', 'STANDARD')`),
      tagsCurrent: p('UPDATE objects SET tags = ? WHERE bucket = ? AND key = ?'),
      tagsOfCurrent: p('UPDATE objects SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ?'),
      tagsOfVersion: p('UPDATE object_versions SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0'),
      lockCurrent: p('UPDATE objects SET retention_mode = ?, retain_until = ?, legal_hold = ? WHERE bucket = ? AND key = ? AND version_id = ?'),
      lockVersion: p('UPDATE object_versions SET retention_mode = ?, retain_until = ?, legal_hold = ? WHERE bucket = ? AND key = ? AND version_id = ?'),
      listCurrent: p(`SELECT ${SUMMARY}, 0 AS delete_marker, 1 AS is_latest FROM objects
        WHERE bucket = ? AND key >= ? AND NOT (key = ? AND seq >= ?) AND (key < ? OR ?) ORDER BY key LIMIT ?`),
      listNoncurrent: p(`SELECT ${SUMMARY}, delete_marker,
          (NOT EXISTS (SELECT 1 FROM objects o WHERE o.bucket = v.bucket AND o.key = v.key)
           AND v.seq = (SELECT max(seq) FROM object_versions w WHERE w.bucket = v.bucket AND w.key = v.key)) AS is_latest
        FROM object_versions v
        WHERE bucket = ? AND key >= ? AND NOT (key = ? AND seq >= ?) AND (key < ? OR ?) ORDER BY key, seq DESC LIMIT ?`),
      scanCurrent: p(`SELECT * FROM objects WHERE (? IS NULL OR bucket = ?) AND (bucket > ? OR (bucket = ? AND key >= ?))
        AND NOT (bucket = ? AND key = ? AND seq >= ?) ORDER BY bucket, key LIMIT ?`),
      scanNoncurrent: p(`SELECT * FROM object_versions WHERE (? IS NULL OR bucket = ?) AND (bucket > ? OR (bucket = ? AND key >= ?))
        AND NOT (bucket = ? AND key = ? AND seq >= ?) AND delete_marker = 0 ORDER BY bucket, key, seq DESC LIMIT ?`),
    };
  }

  current(bucket: string, key: string): ObjectRecord | undefined {
    const row = this.#q.current.get(bucket, key) as ObjectRow | undefined;
    return row && this.#withParts(row);
  }

  /** The current row's summary, for a Precondition. */
  currentSummary(bucket: string, key: string) {
    const row = this.#q.current.get(bucket, key) as ObjectRow | undefined;
    return row && toSummary(row);
  }

  version(bucket: string, key: string, versionId: string): ObjectRecord | undefined {
    const cur = this.#q.current.get(bucket, key) as ObjectRow | undefined;
    if (cur?.version_id === versionId) return this.#withParts(cur);
    const row = this.#q.version.get(bucket, key, versionId) as VersionRow | undefined;
    if (!row) return undefined;
    return row.delete_marker === 1 ? toObject(row, []) : this.#withParts(row);
  }

  latestDeleteMarker(bucket: string, key: string): { versionId: string; lastModified: Date } | undefined {
    if (this.#q.current.get(bucket, key)) return undefined;
    const newest = this.#q.newest.get(bucket, key) as VersionRow | undefined;
    return newest?.delete_marker === 1 ? { versionId: newest.version_id, lastModified: new Date(newest.last_modified) } : undefined;
  }

  /** Makes `object` current: replaces a same-id (null) version, demotes the previous current version. */
  put(object: ObjectRecord, precondition?: Precondition, guard?: RemovalGuard): Released {
    const { bucket, key } = object;
    const versionId = object.versionId ?? NULL_VERSION_ID;
    if (precondition) precondition(this.currentSummary(bucket, key));
    const kept = new Set(object.parts.map((p) => p.blobId));
    const blobIds = this.#remove(bucket, key, versionId, guard).blobIds.filter((id) => !kept.has(id));
    this.#demote(bucket, key);
    this.#q.insertObject.run({ ...objectParams(object), version_id: versionId, seq: this.#nextSeq(bucket, key) });
    for (const part of object.parts) this.#q.insertPart.run({ bucket, key, version_id: versionId, ...partParams(part) });
    return { blobIds };
  }

  /** Adds a delete marker as the latest version (a 'null' one replaces the null version). */
  putDeleteMarker(bucket: string, key: string, versionId: string, lastModified: Date, precondition?: Precondition, guard?: RemovalGuard): Released {
    if (precondition) precondition(this.currentSummary(bucket, key));
    const { blobIds } = versionId === NULL_VERSION_ID ? this.#remove(bucket, key, versionId, guard) : { blobIds: [] };
    this.#demote(bucket, key);
    this.#q.insertMarker.run(bucket, key, this.#nextSeq(bucket, key), versionId, lastModified.getTime());
    return { blobIds };
  }

  /** Removes one version for good; the newest remaining one becomes current if it is not a marker. */
  deleteVersion(bucket: string, key: string, versionId: string, guard?: RemovalGuard): Released & { existed: boolean; deleteMarker: boolean } {
    const removed = this.#remove(bucket, key, versionId, guard);
    if (removed.existed) this.#promote(bucket, key);
    return removed;
  }

  putTags(bucket: string, key: string, tags: string, versionId: string | undefined): boolean {
    if (versionId === undefined) return this.#q.tagsCurrent.run(tags, bucket, key).changes === 1;
    return this.#q.tagsOfCurrent.run(tags, bucket, key, versionId).changes === 1
      || this.#q.tagsOfVersion.run(tags, bucket, key, versionId).changes === 1;
  }

  putLock(bucket: string, key: string, versionId: string | undefined, change: { retention?: Retention | null; legalHold?: boolean }, guard?: (current: ObjectRecord) => void): boolean {
    const target = versionId === undefined ? this.current(bucket, key) : this.version(bucket, key, versionId);
    if (!target || target.deleteMarker) return false;
    guard?.(target);
    const retention = change.retention === undefined ? target.retention : change.retention ?? undefined;
    const hold = change.legalHold ?? target.legalHold;
    const args = [retention?.mode ?? null, retention?.until.getTime() ?? null, legalHoldColumn(hold), bucket, key, target.versionId ?? NULL_VERSION_ID] as const;
    return this.#q.lockCurrent.run(...args).changes === 1 || this.#q.lockVersion.run(...args).changes === 1;
  }

  /** Two index range scans (current and noncurrent rows), merged in key order, newest first within a key. */
  list(bucket: string, o: { prefix: string; startAt?: string; after?: { key: string; versionId?: string }; limit: number }): ListPage<VersionSummary> {
    let fromKey = o.prefix;
    let belowSeq = TOP;
    if (o.startAt !== undefined && o.startAt > fromKey) fromKey = o.startAt;
    else if (o.after !== undefined && o.after.key >= fromKey) {
      fromKey = o.after.key;
      belowSeq = o.after.versionId === undefined ? 0 : this.#resumeBelow(bucket, o.after.key, o.after.versionId);
    }
    const upper = prefixUpperBound(o.prefix);
    const args = [bucket, fromKey, fromKey, belowSeq, upper ?? '', upper === undefined ? 1 : 0, o.limit + 1] as const;
    const a = this.#q.listCurrent.all(...args) as SummaryRow[];
    const b = this.#q.listNoncurrent.all(...args) as SummaryRow[];
    const merged: SummaryRow[] = [];
    let i = 0;
    let j = 0;
    while (merged.length <= o.limit && (i < a.length || j < b.length)) {
      const x = a[i];
      const y = b[j];
      if (y === undefined || (x !== undefined && (byteOrder(x.key, y.key) < 0 || (x.key === y.key && x.seq > y.seq)))) { merged.push(x!); i++; } else { merged.push(y); j++; }
    }
    const items = merged.slice(0, o.limit).map((r): VersionSummary => ({
      ...toSummary(r), versionId: r.version_id, isLatest: r.is_latest === 1, deleteMarker: r.delete_marker === 1,
    }));
    return { items, truncated: merged.length > o.limit };
  }

  /** Every version (not markers) with its parts, in (bucket, key, newest first) order after the cursor. */
  scan(o: { bucket?: string; after?: string; limit: number }): { items: Array<{ cursor: string; object: ObjectRecord }>; truncated: boolean } {
    const [bucket, key, seq] = o.after ? (JSON.parse(o.after) as [string, string, number?]) : ['', '', TOP];
    const only = o.bucket ?? null;
    const args = [only, only, bucket, bucket, key, bucket, key, seq ?? 0, o.limit + 1] as const;
    const a = this.#q.scanCurrent.all(...args) as ObjectRow[];
    const b = this.#q.scanNoncurrent.all(...args) as ObjectRow[];
    const order = (x: ObjectRow, y: ObjectRow) => byteOrder(x.bucket, y.bucket) || byteOrder(x.key, y.key) || y.seq - x.seq;
    const merged = [...a, ...b].sort(order).slice(0, o.limit + 1);
    const items = merged.slice(0, o.limit).map((row) => ({ cursor: JSON.stringify([row.bucket, row.key, row.seq]), object: this.#withParts(row) }));
    return { items, truncated: merged.length > o.limit };
  }

  /** Any version or delete marker of the bucket, current or not (DeleteBucket's emptiness). */
  bucketHasVersions(bucket: string): boolean {
    return this.#q.anyCurrent.get(bucket) !== undefined || this.#q.anyNoncurrent.get(bucket) !== undefined;
  }

  #withParts(row: ObjectRow): ObjectRecord {
    return toObject(row, (this.#q.parts.all(row.bucket, row.key, row.version_id) as PartRow[]).map(toPart));
  }

  #seqOf(bucket: string, key: string, versionId: string): number | undefined {
    const cur = this.#q.current.get(bucket, key) as ObjectRow | undefined;
    if (cur?.version_id === versionId) return cur.seq;
    return (this.#q.version.get(bucket, key, versionId) as VersionRow | undefined)?.seq;
  }

  /**
   * The seq a listing resumes below after the version `versionId` of `key`: its own, or, when it was deleted
   * since the page that named it (a client emptying a bucket page by page), the oldest remaining version whose
   * id sorts after it (version ids sort by creation within a key), else every remaining version of the key.
   * A deleted null version cannot be placed by its id: the key's remaining versions are all listed again.
   */
  #resumeBelow(bucket: string, key: string, versionId: string): number {
    const own = this.#seqOf(bucket, key, versionId);
    if (own !== undefined) return own;
    if (versionId === NULL_VERSION_ID) return TOP;
    return (this.#q.oldestNewer.get({ bucket, key, versionId, nullId: NULL_VERSION_ID }) as { seq: number | null }).seq ?? TOP;
  }

  #nextSeq(bucket: string, key: string): number {
    const noncurrent = (this.#q.maxSeq.get(bucket, key) as { seq: number | null }).seq ?? 0;
    return noncurrent + 1;
  }

  /** Moves the current row (if any) to the noncurrent table; its parts stay, keyed by its version. */
  #demote(bucket: string, key: string): void {
    if (this.#q.demote.run(bucket, key).changes > 0) this.#q.deleteCurrent.run(bucket, key);
  }

  #promote(bucket: string, key: string): void {
    if (this.#q.current.get(bucket, key)) return;
    const newest = this.#q.newest.get(bucket, key) as VersionRow | undefined;
    if (!newest || newest.delete_marker === 1) return;
    this.#q.promote.run(bucket, key, newest.seq);
    this.#q.deleteVersion.run(bucket, key, newest.seq);
  }

  /** Deletes one version's row and parts (after the guard allowed it) and returns its blobs. */
  #remove(bucket: string, key: string, versionId: string, guard?: RemovalGuard): Released & { existed: boolean; deleteMarker: boolean } {
    const cur = this.#q.current.get(bucket, key) as ObjectRow | undefined;
    const row: VersionRow | undefined = cur?.version_id === versionId
      ? { ...cur, delete_marker: 0 }
      : this.#q.version.get(bucket, key, versionId) as VersionRow | undefined;
    if (!row) return { existed: false, deleteMarker: false, blobIds: [] };
    guard?.(toRemoved(row));
    const blobIds = (this.#q.blobs.all(bucket, key, versionId) as Array<{ blob_id: string }>).map((r) => r.blob_id).filter((id) => id !== '');
    this.#q.deleteParts.run(bucket, key, versionId);
    if (row === cur || cur?.version_id === versionId) this.#q.deleteCurrent.run(bucket, key);
    else this.#q.deleteVersion.run(bucket, key, row.seq);
    return { existed: true, deleteMarker: row.delete_marker === 1, blobIds };
  }
}
