/** MetaStore on embedded SQLite (better-sqlite3): each switch is one synchronous, durable transaction. */
import { BucketMissingError, NULL_VERSION_ID, OBJECT_LOCK_CONFIG, VERSIONING_CONFIG } from '../meta-store.js';
import type {
  BucketRecord, EncryptionInfo, ListPage, MetaStore, ObjectRecord, ObjectSummary, PartRecord, Precondition, Released, RemovalGuard, Retention,
  UploadRecord, VersionSummary,
} from '../meta-store.js';
import { SqliteVersionStack } from './sqlite-version-stack.js';
import { prefixUpperBound } from '../../common/key-order.js';
import { migrate, type SqliteDatabase } from './sqlite-database.js';
import { groupCommitFor, type GroupCommit, type WalBarrier } from './group-commit.js';
import { META_MIGRATIONS } from './sqlite-migrations.js';
import {
  partParams, toBucket, toPart, toSummary, toUpload, uploadParams,
  type BucketRow, type ObjectRow, type PartRow, type UploadRow,
} from './sqlite-rows.js';

const SUMMARY_COLUMNS = 'key, size, etag, last_modified, storage_class, checksums, checksum_type';

export class SqliteMetaStore implements MetaStore {
  readonly #db: SqliteDatabase;
  readonly #group: GroupCommit;
  readonly #q;
  readonly #stack: SqliteVersionStack;
  /**
   * getObject's read transaction, built once: better-sqlite3's db.transaction() builds four wrapper
   * functions and defines twenty properties on every call (2-3 % of a small GET's event loop).
   */
  readonly #readObject: (bucket: string, key: string) => ObjectRecord | undefined;

  /** `walBarrier`: the WAL's fdatasync off the event loop (stores/fs/wal-sync.ts); without it every COMMIT fsyncs inline. */
  constructor(db: SqliteDatabase, walBarrier?: WalBarrier) {
    this.#db = db;
    this.#group = groupCommitFor(db, walBarrier);
    migrate(db, 'meta', META_MIGRATIONS);
    this.#stack = new SqliteVersionStack(db);
    const p = (sql: string) => db.prepare(sql);
    this.#q = {
      insertBucket: p('INSERT INTO buckets (name, region, created_at, owner) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      // The row and the two configs every write consults, in one statement (two primary-key probes of bucket_configs).
      getBucket: p(`SELECT b.*,
          (SELECT value FROM bucket_configs c WHERE c.bucket = b.name AND c.name = '${VERSIONING_CONFIG}') AS versioning,
          (SELECT value FROM bucket_configs c WHERE c.bucket = b.name AND c.name = '${OBJECT_LOCK_CONFIG}') AS object_lock
        FROM buckets b WHERE b.name = ?`),
      bucketExists: p('SELECT 1 FROM buckets WHERE name = ?'),
      listBuckets: p('SELECT * FROM buckets ORDER BY name'),
      deleteBucket: p('DELETE FROM buckets WHERE name = ?'),
      bucketUploadBlobs: p('SELECT p.blob_id FROM upload_parts p JOIN uploads u USING (upload_id) WHERE u.bucket = ?'),
      deleteBucketUploads: p('DELETE FROM uploads WHERE bucket = ?'),
      putConfig: p('INSERT INTO bucket_configs (bucket, name, value) VALUES (?, ?, ?) ON CONFLICT (bucket, name) DO UPDATE SET value = excluded.value'),
      deleteConfig: p('DELETE FROM bucket_configs WHERE bucket = ? AND name = ?'),
      getConfig: p('SELECT value FROM bucket_configs WHERE bucket = ? AND name = ?'),
      putAcl: p('UPDATE objects SET acl = ? WHERE bucket = ? AND key = ?'),
      listAfter: p(`SELECT ${SUMMARY_COLUMNS} FROM objects WHERE bucket = ? AND key > ? AND (key < ? OR ?) ORDER BY key LIMIT ?`),
      listAt: p(`SELECT ${SUMMARY_COLUMNS} FROM objects WHERE bucket = ? AND key >= ? AND (key < ? OR ?) ORDER BY key LIMIT ?`),
      insertUpload: p(`INSERT INTO uploads (upload_id, bucket, key, initiated, headers, user_meta, tags, encryption, checksum_algorithm, checksum_type, storage_class, owner, acl,
          retention_mode, retain_until, legal_hold)
        VALUES (@upload_id, @bucket, @key, @initiated, @headers, @user_meta, @tags, @encryption, @checksum_algorithm, @checksum_type, @storage_class, @owner, @acl,
          @retention_mode, @retain_until, @legal_hold)`),
      getUpload: p('SELECT * FROM uploads WHERE bucket = ? AND upload_id = ?'),
      uploadPart: p('SELECT blob_id FROM upload_parts WHERE upload_id = ? AND part_number = ?'),
      upsertUploadPart: p(`INSERT INTO upload_parts (upload_id, part_number, write_id, blob_id, size, etag, sealed_key, checksums, last_modified, inline_data, layout_tag)
        VALUES (@upload_id, @part_number, @write_id, @blob_id, @size, @etag, @sealed_key, @checksums, @last_modified, @inline_data, @layout_tag)
        ON CONFLICT (upload_id, part_number) DO UPDATE SET write_id = excluded.write_id, blob_id = excluded.blob_id, size = excluded.size,
        etag = excluded.etag, sealed_key = excluded.sealed_key, checksums = excluded.checksums, last_modified = excluded.last_modified,
        inline_data = excluded.inline_data, layout_tag = excluded.layout_tag`),
      listUploadParts: p('SELECT * FROM upload_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?'),
      uploadBlobs: p('SELECT blob_id FROM upload_parts WHERE upload_id = ?'),
      deleteUpload: p('DELETE FROM uploads WHERE upload_id = ?'),
      listUploads: p(`SELECT * FROM uploads WHERE bucket = ? AND key >= ? AND (key < ? OR ?) AND (key > ? OR (key = ? AND upload_id > ?))
        ORDER BY key, upload_id LIMIT ?`),
      objectBlobRef: p('SELECT 1 FROM object_parts WHERE blob_id = ? LIMIT 1'),
      uploadBlobRef: p('SELECT 1 FROM upload_parts WHERE blob_id = ? LIMIT 1'),
      updateSealedKey: p('UPDATE object_parts SET sealed_key = ? WHERE bucket = ? AND key = ? AND write_id = ? AND part_number = ?'),
      encryptionCurrent: p('UPDATE objects SET encryption = ?, last_modified = coalesce(?, last_modified) WHERE bucket = ? AND key = ? AND write_id = ?'),
      encryptionNoncurrent: p('UPDATE object_versions SET encryption = ?, last_modified = coalesce(?, last_modified) WHERE bucket = ? AND key = ? AND write_id = ? AND delete_marker = 0'),
      partLastModified: p('UPDATE object_parts SET last_modified = ? WHERE bucket = ? AND key = ? AND write_id = ?'),
    };
    // One read transaction, so the row and its parts come from the same snapshot.
    this.#readObject = db.transaction((bucket: string, key: string) => this.#stack.current(bucket, key));
  }

  async createBucket(b: BucketRecord): Promise<'created' | 'exists'> {
    const r = this.#q.insertBucket.run(b.name, b.region, b.createdAt.getTime(), b.ownerAccountId);
    return r.changes === 1 ? 'created' : 'exists';
  }

  async getBucket(name: string): Promise<BucketRecord | undefined> {
    const row = this.#q.getBucket.get(name) as BucketRow | undefined;
    return row && toBucket(row);
  }

  async listBuckets(): Promise<BucketRecord[]> {
    return (this.#q.listBuckets.all() as BucketRow[]).map(toBucket);
  }

  async deleteBucket(name: string) {
    return this.#db.transaction(() => {
      if (!this.#q.bucketExists.get(name)) return { result: 'missing' as const, blobIds: [] };
      if (this.#stack.bucketHasVersions(name)) return { result: 'not-empty' as const, blobIds: [] };
      const blobIds = this.#blobIds(this.#q.bucketUploadBlobs.all(name));
      this.#q.deleteBucketUploads.run(name);
      this.#q.deleteBucket.run(name);
      return { result: 'deleted' as const, blobIds };
    })();
  }

  async putBucketConfig(bucket: string, name: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.#q.deleteConfig.run(bucket, name);
    else this.#q.putConfig.run(bucket, name, value);
  }

  async getBucketConfig(bucket: string, name: string): Promise<string | undefined> {
    return (this.#q.getConfig.get(bucket, name) as { value: string } | undefined)?.value;
  }

  async getObject(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    return this.#durable(this.#readObject(bucket, key));
  }

  async getVersion(bucket: string, key: string, versionId: string): Promise<ObjectRecord | undefined> {
    return this.#durable(this.#db.transaction(() => this.#stack.version(bucket, key, versionId))());
  }

  async getLatestDeleteMarker(bucket: string, key: string) {
    return this.#durable(this.#db.transaction(() => this.#stack.latestDeleteMarker(bucket, key))());
  }

  async putObject(object: ObjectRecord, precondition?: Precondition, guard?: RemovalGuard, alongside?: () => void): Promise<Released> {
    return this.#group.run(() => {
      this.#requireBucket(object.bucket);
      const released = this.#stack.put(object, precondition, guard);
      alongside?.();
      return released;
    });
  }

  async putDeleteMarker(bucket: string, key: string, versionId: string, lastModified: Date, precondition?: Precondition, guard?: RemovalGuard): Promise<Released> {
    return this.#group.run(() => {
      this.#requireBucket(bucket);
      return this.#stack.putDeleteMarker(bucket, key, versionId, lastModified, precondition, guard);
    });
  }

  async deleteVersion(bucket: string, key: string, versionId: string, guard?: RemovalGuard) {
    return this.#group.run(() => this.#stack.deleteVersion(bucket, key, versionId, guard));
  }

  async putObjectLock(bucket: string, key: string, versionId: string | undefined, change: { retention?: Retention | null; legalHold?: boolean }, guard?: (current: ObjectRecord) => void): Promise<boolean> {
    return this.#group.run(() => this.#stack.putLock(bucket, key, versionId, change, guard));
  }

  async listVersions(bucket: string, o: { prefix: string; startAt?: string; after?: { key: string; versionId?: string }; limit: number }): Promise<ListPage<VersionSummary>> {
    return this.#durable(this.#db.transaction(() => this.#stack.list(bucket, o))());
  }

  async putObjectTags(bucket: string, key: string, tags: ReadonlyArray<readonly [string, string]>, versionId?: string): Promise<boolean> {
    return this.#stack.putTags(bucket, key, JSON.stringify(tags), versionId);
  }

  async putObjectAcl(bucket: string, key: string, acl: string | undefined): Promise<boolean> {
    return this.#q.putAcl.run(acl ?? null, bucket, key).changes === 1;
  }

  async deleteObject(bucket: string, key: string, precondition?: Precondition, guard?: RemovalGuard) {
    return this.#db.transaction(() => {
      if (precondition) precondition(this.#stack.currentSummary(bucket, key));
      const { existed, blobIds } = this.#stack.deleteVersion(bucket, key, NULL_VERSION_ID, guard);
      return { existed, blobIds };
    })();
  }

  async listObjects(bucket: string, o: { prefix: string; startAfter?: string; startAt?: string; limit: number }): Promise<ListPage<ObjectSummary>> {
    // The lower bound is inclusive unless it came from start-after; the upper bound keeps the index scan inside the prefix.
    let from = o.prefix;
    let inclusive = true;
    if (o.startAt !== undefined && o.startAt > from) from = o.startAt;
    else if (o.startAfter !== undefined && o.startAfter >= from) { from = o.startAfter; inclusive = false; }
    const upper = prefixUpperBound(o.prefix);
    const stmt = inclusive ? this.#q.listAt : this.#q.listAfter;
    const rows = stmt.all(bucket, from, upper ?? '', upper === undefined ? 1 : 0, o.limit + 1) as ObjectRow[];
    return this.#durable({ items: rows.slice(0, o.limit).map(toSummary), truncated: rows.length > o.limit });
  }

  async createUpload(u: UploadRecord): Promise<void> {
    this.#db.transaction(() => {
      this.#requireBucket(u.bucket);
      this.#q.insertUpload.run(uploadParams(u));
    })();
  }

  async getUpload(bucket: string, uploadId: string): Promise<UploadRecord | undefined> {
    const row = this.#q.getUpload.get(bucket, uploadId) as UploadRow | undefined;
    return row && toUpload(row);
  }

  async putUploadPart(bucket: string, uploadId: string, part: PartRecord) {
    return this.#db.transaction(() => {
      if (!this.#q.getUpload.get(bucket, uploadId)) return { result: 'missing' as const, blobIds: [] };
      const old = this.#q.uploadPart.get(uploadId, part.partNumber) as { blob_id: string } | undefined;
      this.#q.upsertUploadPart.run({ upload_id: uploadId, ...partParams(part) });
      return { result: 'ok' as const, blobIds: old ? this.#blobIds([old]) : [] };
    })();
  }

  async listUploadParts(_bucket: string, uploadId: string, o: { afterPartNumber: number; limit: number }): Promise<ListPage<PartRecord>> {
    const rows = this.#q.listUploadParts.all(uploadId, o.afterPartNumber, o.limit + 1) as PartRow[];
    return { items: rows.slice(0, o.limit).map(toPart), truncated: rows.length > o.limit };
  }

  async allUploadParts(_bucket: string, uploadId: string): Promise<PartRecord[]> {
    return (this.#q.listUploadParts.all(uploadId, 0, 1_000_000) as PartRow[]).map(toPart);
  }

  async completeUpload(uploadId: string, object: ObjectRecord, precondition?: Precondition, guard?: RemovalGuard) {
    return this.#db.transaction(() => {
      this.#requireBucket(object.bucket);
      if (!this.#q.getUpload.get(object.bucket, uploadId)) return { result: 'missing' as const, blobIds: [] };
      const kept = new Set(object.parts.map((p) => p.blobId));
      const unused = this.#blobIds(this.#q.uploadBlobs.all(uploadId)).filter((id) => !kept.has(id));
      this.#requireBucket(object.bucket);
      const released = this.#stack.put(object, precondition, guard);
      this.#q.deleteUpload.run(uploadId);
      return { result: 'ok' as const, blobIds: [...released.blobIds, ...unused] };
    })();
  }

  async abortUpload(bucket: string, uploadId: string) {
    return this.#db.transaction(() => {
      if (!this.#q.getUpload.get(bucket, uploadId)) return { result: 'missing' as const, blobIds: [] };
      const blobIds = this.#blobIds(this.#q.uploadBlobs.all(uploadId));
      this.#q.deleteUpload.run(uploadId);
      return { result: 'ok' as const, blobIds };
    })();
  }

  async listUploads(bucket: string, o: { prefix: string; keyMarker: string; uploadIdMarker: string; limit: number }): Promise<ListPage<UploadRecord>> {
    // With a key marker but no upload-id marker, S3 lists keys strictly after the marker.
    const idMarker = o.keyMarker !== '' && o.uploadIdMarker === '' ? '\u{10FFFF}' : o.uploadIdMarker;
    const upper = prefixUpperBound(o.prefix);
    const rows = this.#q.listUploads.all(bucket, o.prefix, upper ?? '', upper === undefined ? 1 : 0, o.keyMarker, o.keyMarker, idMarker, o.limit + 1) as UploadRow[];
    return { items: rows.slice(0, o.limit).map(toUpload), truncated: rows.length > o.limit };
  }

  async referencedBlobIds(blobIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const id of blobIds) {
      if (this.#q.objectBlobRef.get(id) || this.#q.uploadBlobRef.get(id)) found.add(id);
    }
    // The orphan sweeper deletes what is not referenced: only once the state it read cannot be undone.
    return this.#durable(found);
  }

  async scanObjectParts(o: { bucket?: string; after?: string; limit: number }) {
    return this.#durable(this.#db.transaction(() => this.#stack.scan(o))());
  }

  async updateSealedKey(bucket: string, key: string, writeId: string, partNumber: number, sealedKey: Buffer): Promise<boolean> {
    return this.#q.updateSealedKey.run(sealedKey, bucket, key, writeId, partNumber).changes === 1;
  }

  async updateObjectEncryption(bucket: string, key: string, writeId: string, change: { encryption: EncryptionInfo; sealedKeys: ReadonlyArray<{ partNumber: number; sealedKey: Buffer }>; lastModified?: Date }): Promise<boolean> {
    const encryption = JSON.stringify(change.encryption);
    const modified = change.lastModified?.getTime() ?? null;
    const txn = this.#db.transaction(() => {
      const rows = this.#q.encryptionCurrent.run(encryption, modified, bucket, key, writeId).changes + this.#q.encryptionNoncurrent.run(encryption, modified, bucket, key, writeId).changes;
      if (rows !== 1) throw new Rollback();
      for (const p of change.sealedKeys) {
        if (this.#q.updateSealedKey.run(p.sealedKey, bucket, key, writeId, p.partNumber).changes !== 1) throw new Rollback();
      }
      if (modified !== null) this.#q.partLastModified.run(modified, bucket, key, writeId);
    });
    try {
      txn();
      return true;
    } catch (err) {
      if (err instanceof Rollback) return false;
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Must run inside the committing transaction: a write whose bucket was deleted while it streamed fails
   * here, so it cannot leave a row that reappears when the name is created again (SQLite serializes this
   * with deleteBucket's emptiness check: one of the two fails).
   */
  #requireBucket(bucket: string): void {
    if (!this.#q.bucketExists.get(bucket)) throw new BucketMissingError(bucket);
  }

  /**
   * A read's result, handed out only once every group commit it could have seen is durable (the group
   * commit's WAL sync runs after COMMIT, so a read can see a commit a power cut would still undo).
   */
  #durable<T>(value: T): T | Promise<T> {
    const pending = this.#group.durable();
    return pending === undefined ? value : pending.then(() => value);
  }

  /** Blob ids of rows, leaving out inline parts (which have none). */
  #blobIds(rows: unknown[]): string[] {
    return (rows as Array<{ blob_id: string }>).map((r) => r.blob_id).filter((id) => id !== '');
  }
}


/** Thrown inside a transaction to undo it when a row it must change is gone. */
class Rollback extends Error {}
