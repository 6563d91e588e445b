/** MetaStore: the interface every metadata backend implements (buckets, objects, parts, uploads, bucket configs, users). */

export interface BucketRecord {
  readonly name: string;
  readonly region: string;
  readonly createdAt: Date;
  readonly ownerAccountId: string;
  /** The bucket's VERSIONING_CONFIG ('Enabled' / 'Suspended'), read with the row: every write needs it. */
  readonly versioning?: string;
  /** The bucket's OBJECT_LOCK_CONFIG (JSON), read with the row: every write needs it. */
  readonly objectLock?: string;
}

/** Bucket configs getBucket returns inside the record (absent: not configured); set through putBucketConfig like the others. */
export const VERSIONING_CONFIG = 'versioning';
export const OBJECT_LOCK_CONFIG = 'object-lock';

/** One encrypted blob that holds a contiguous slice of an object's plaintext: the whole object for a single PUT, one part for multipart. */
export interface PartRecord {
  readonly partNumber: number;
  /** The blob holding this part's ciphertext; '' when the ciphertext is stored inline. */
  readonly blobId: string;
  /** Small parts keep their ciphertext (never plaintext) beside the row instead of in a blob file. */
  readonly inline?: Buffer;
  /** Plaintext bytes in this part. */
  readonly size: number;
  /** Hex MD5 of this part's plaintext (the part ETag without quotes). */
  readonly etag: string;
  /** Sealed data key record (see docs/FORMAT.md); never the plaintext key. */
  readonly sealedKey: Buffer;
  /** The writeId the sealed key is bound to: the upload id for multipart parts, the object write id otherwise. */
  readonly writeId: string;
  /** Checksums of this part's plaintext, algorithm (upper-case, e.g. CRC32) → base64. */
  readonly checksums: Readonly<Record<string, string>>;
  readonly lastModified: Date;
  /** Tag sealed by sse/ over this uploaded part's number, size and ETag (docs/FORMAT.md); opaque here. */
  readonly layoutTag?: Buffer;
}

/** How an object (or an upload) is encrypted, as S3 reports it. Kept beside the row, never secret. */
export interface EncryptionInfo {
  readonly algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse' | 'SSE-C';
  readonly kmsKeyArn?: string;
  readonly kmsContext?: string;
  readonly bucketKeyEnabled?: boolean;
  readonly customerKeyMd5?: string;
  readonly customerKeyHmac?: string;
  /** Set on a multipart upload when the bucket default chose its encryption at initiation (CloudTrail's SSEApplied for its parts). */
  readonly defaultApplied?: boolean;
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  /** Random id of this write (single PUT or copy) or the upload id (multipart). */
  readonly writeId: string;
  readonly size: number;
  /** ETag without quotes: hex MD5, or "<md5 of md5s>-N" for multipart. */
  readonly etag: string;
  readonly lastModified: Date;
  /** Standard headers stored with the object: content-type, content-encoding, content-disposition, content-language, cache-control, expires. */
  readonly headers: Readonly<Record<string, string>>;
  /** x-amz-meta-* without the prefix, lower-case names. */
  readonly userMetadata: Readonly<Record<string, string>>;
  readonly tags: ReadonlyArray<readonly [string, string]>;
  /** Whole-object checksum (algorithm → base64) and how it was computed. */
  readonly checksums: Readonly<Record<string, string>>;
  readonly checksumType: 'FULL_OBJECT' | 'COMPOSITE' | undefined;
  readonly encryption: EncryptionInfo;
  /** Parts count for a multipart object; undefined for a single PUT/copy. */
  readonly partsCount: number | undefined;
  readonly storageClass: string;
  /** The blobs, in part order. */
  readonly parts: readonly PartRecord[];
  /**
   * Layout manifest sealed by sse/ over the part list, sizes and write ids (docs/FORMAT.md); opaque here.
   * Absent only for objects written before manifests existed.
   */
  readonly manifest?: Buffer;
  /** The object's access control list as JSON (common/access-control-list.ts); absent: private to the bucket owner. */
  readonly acl?: string;
  /** This version's id: opaque, URL-safe; absent or 'null' for the null version (unversioned and suspended writes). */
  readonly versionId?: string;
  /** Set on a version read by id (getVersion) that is a delete marker: no parts, no data. */
  readonly deleteMarker?: boolean;
  /** Object Lock retention of this version (absent: none). */
  readonly retention?: Retention;
  /** Object Lock legal hold of this version: true ON, false set OFF, absent never set. */
  readonly legalHold?: boolean;
}

export interface Retention {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly until: Date;
}

/** The id S3 gives versions written while versioning is off or suspended. */
export const NULL_VERSION_ID = 'null';

/** What a guard sees of a version about to be removed for good (or replaced in place). */
export interface RemovedVersion {
  readonly versionId: string;
  readonly deleteMarker: boolean;
  readonly retention?: Retention;
  readonly legalHold?: boolean;
}

/**
 * Runs inside the store's write transaction for each version about to be destroyed (a permanent
 * delete, or the null version an unversioned/suspended write replaces); throwing aborts the whole
 * write. Object Lock's protection lives here, so a concurrent lock change cannot slip between check and delete.
 */
export type RemovalGuard = (removed: RemovedVersion) => void;

/** One entry of ListObjectVersions: a version or a delete marker, newest first within a key. */
export interface VersionSummary extends ObjectSummary {
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
}

/**
 * Thrown by a committing write (putObject, completeUpload, createUpload) whose bucket no longer exists: the
 * check runs inside the committing transaction, so a write and a DeleteBucket never both succeed.
 */
export class BucketMissingError extends Error {
  constructor(readonly bucket: string) {
    super(`bucket ${bucket} does not exist`);
  }
}

/** What a listing returns per object: no parts, no keys. */
export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
  readonly storageClass: string;
  readonly checksumAlgorithms: readonly string[];
  readonly checksumType: 'FULL_OBJECT' | 'COMPOSITE' | undefined;
}

export interface UploadRecord {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: Date;
  readonly headers: Readonly<Record<string, string>>;
  readonly userMetadata: Readonly<Record<string, string>>;
  readonly tags: ReadonlyArray<readonly [string, string]>;
  readonly encryption: EncryptionInfo;
  readonly checksumAlgorithm: string | undefined;
  readonly checksumType: 'FULL_OBJECT' | 'COMPOSITE' | undefined;
  readonly storageClass: string;
  readonly ownerAccountId: string;
  /** The ACL the completed object gets (JSON), from CreateMultipartUpload's headers. */
  readonly acl?: string;
  /** The Object Lock retention and legal hold the completed object gets, from CreateMultipartUpload's headers. */
  readonly retention?: Retention;
  readonly legalHold?: boolean;
}

export interface ListPage<T> { readonly items: T[]; readonly truncated: boolean }

/**
 * Runs inside the store's write transaction with the row being replaced (or undefined);
 * throwing aborts the switch. Used for conditional writes (If-Match / If-None-Match on PUT).
 */
export type Precondition = (existing: { readonly etag: string } | undefined) => void;

/** Blob ids a write made unreachable; the caller deletes them after the switch committed. */
export interface Released { readonly blobIds: readonly string[] }

export interface MetaStore {
  createBucket(bucket: BucketRecord): Promise<'created' | 'exists'>;
  getBucket(name: string): Promise<BucketRecord | undefined>;
  listBuckets(): Promise<BucketRecord[]>;
  /** Deletes an empty bucket (no object, no noncurrent version, no delete marker; its uploads are aborted, their blobs released). */
  deleteBucket(name: string): Promise<{ result: 'deleted' | 'missing' | 'not-empty' } & Released>;
  /** Bucket sub-configuration documents (e.g. 'encryption', 'policy', 'tagging'); value undefined deletes. */
  putBucketConfig(bucket: string, name: string, value: string | undefined): Promise<void>;
  getBucketConfig(bucket: string, name: string): Promise<string | undefined>;

  /** The key's current version; undefined when there is none or the latest version is a delete marker. */
  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** One version by id (objects with their parts; a delete marker with `deleteMarker: true` and no parts). */
  getVersion(bucket: string, key: string, versionId: string): Promise<ObjectRecord | undefined>;
  /** The delete marker that is the key's latest version, if it is one. */
  getLatestDeleteMarker(bucket: string, key: string): Promise<{ versionId: string; lastModified: Date } | undefined>;
  /**
   * Makes `object` the key's current version in one transaction. A version with the same id (only ever
   * the null version) is replaced and its blobs returned for release (after `guard` allowed it); the
   * previous current version, if it has another id, becomes noncurrent and keeps its blobs. `alongside` runs last in
   * the same transaction (the write's audit record, stores/audit-store.ts AuditJournal): one commit makes both durable,
   * and if it throws the write is undone.
   */
  putObject(object: ObjectRecord, precondition?: Precondition, guard?: RemovalGuard, alongside?: () => void): Promise<Released>;
  /**
   * Adds a delete marker as the key's latest version (`versionId` 'null' replaces the null version,
   * releasing its blobs after `guard` allowed it). The current version becomes noncurrent.
   */
  putDeleteMarker(bucket: string, key: string, versionId: string, lastModified: Date, precondition?: Precondition, guard?: RemovalGuard): Promise<Released>;
  /**
   * Removes one version or delete marker for good (blobs returned for release, sealed keys gone); if it
   * was the latest, the newest remaining version becomes current. `existed` false: no such version.
   */
  deleteVersion(bucket: string, key: string, versionId: string, guard?: RemovalGuard): Promise<Released & { existed: boolean; deleteMarker: boolean }>;
  /** Replaces one version's Object Lock retention and/or legal hold; `guard` sees the version first. False when no such (non-marker) version. */
  putObjectLock(bucket: string, key: string, versionId: string | undefined, change: { retention?: Retention | null; legalHold?: boolean }, guard?: (current: ObjectRecord) => void): Promise<boolean>;
  /** Versions and delete markers with key >= startAt, or after `after` (a key, or a key's version), under prefix: key order, newest first within a key. */
  listVersions(bucket: string, options: { prefix: string; startAt?: string; after?: { key: string; versionId?: string }; limit: number }): Promise<ListPage<VersionSummary>>;
  /** Replaces only the tag set of the current version (or of `versionId`); false when it does not exist or is a delete marker. */
  putObjectTags(bucket: string, key: string, tags: ReadonlyArray<readonly [string, string]>, versionId?: string): Promise<boolean>;
  /** Replaces only the access control list (JSON, undefined: private to the bucket owner); false when the object does not exist. */
  putObjectAcl(bucket: string, key: string, acl: string | undefined): Promise<boolean>;
  /**
   * Removes the null version (a DELETE on an unversioned bucket); a precondition (conditional delete) on the
   * current version and the guard run inside the same transaction and may refuse it.
   */
  deleteObject(bucket: string, key: string, precondition?: Precondition, guard?: RemovalGuard): Promise<Released & { existed: boolean }>;
  /** Objects with key >= startAt (or > startAfter) and starting with prefix, in UTF-8 byte order. */
  listObjects(bucket: string, options: { prefix: string; startAfter?: string; startAt?: string; limit: number }): Promise<ListPage<ObjectSummary>>;

  createUpload(upload: UploadRecord): Promise<void>;
  getUpload(bucket: string, uploadId: string): Promise<UploadRecord | undefined>;
  /** Adds or replaces one part of an upload; a replaced part's blob is released. Fails with 'missing' when the upload is gone. */
  putUploadPart(bucket: string, uploadId: string, part: PartRecord): Promise<Released & { result: 'ok' | 'missing' }>;
  listUploadParts(bucket: string, uploadId: string, options: { afterPartNumber: number; limit: number }): Promise<ListPage<PartRecord>>;
  /** Every part of an upload, in part-number order. */
  allUploadParts(bucket: string, uploadId: string): Promise<PartRecord[]>;
  /**
   * Completes an upload in one transaction: the object row becomes `object` (whose parts are a subset of
   * the upload's), the upload and its unused parts are dropped, the replaced object's blobs released.
   * 'missing' when the upload no longer exists (completed or aborted concurrently).
   */
  completeUpload(uploadId: string, object: ObjectRecord, precondition?: Precondition, guard?: RemovalGuard): Promise<Released & { result: 'ok' | 'missing' }>;
  abortUpload(bucket: string, uploadId: string): Promise<Released & { result: 'ok' | 'missing' }>;
  listUploads(bucket: string, options: { prefix: string; keyMarker: string; uploadIdMarker: string; limit: number }): Promise<ListPage<UploadRecord>>;

  /** Of the given blob ids, those some object or upload part still references (for the orphan sweeper). */
  referencedBlobIds(blobIds: readonly string[]): Promise<Set<string>>;
  /** Every version of every object with its parts (delete markers left out), in a stable order after the cursor (for rewrap and scrub). */
  scanObjectParts(options: { bucket?: string; after?: string; limit: number }): Promise<{ items: Array<{ cursor: string; object: ObjectRecord }>; truncated: boolean }>;
  /** Replaces one part's sealed key (rewrap); false when the part no longer exists. */
  updateSealedKey(bucket: string, key: string, writeId: string, partNumber: number, sealedKey: Buffer): Promise<boolean>;
  /**
   * Replaces one version's (the write `writeId`'s) encryption info and every part's sealed key in one
   * transaction, and its Last-Modified when given (UpdateObjectEncryption, a copy onto itself that changes only
   * the encryption); blobs, ETag and checksums stay. False when that version no longer exists or its parts differ.
   */
  updateObjectEncryption(bucket: string, key: string, writeId: string, change: { encryption: EncryptionInfo; sealedKeys: ReadonlyArray<{ partNumber: number; sealedKey: Buffer }>; lastModified?: Date }): Promise<boolean>;

  close(): Promise<void>;
}
