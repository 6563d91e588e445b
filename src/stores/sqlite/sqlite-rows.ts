/** Row ↔ record mapping for the SQLite MetaStore (JSON columns, epoch-millisecond dates). */
import { NULL_VERSION_ID } from '../meta-store.js';
import type { BucketRecord, ObjectRecord, ObjectSummary, PartRecord, RemovedVersion, UploadRecord } from '../meta-store.js';

export interface BucketRow { name: string; region: string; created_at: number; owner: string; versioning?: string | null; object_lock?: string | null }
export interface ObjectRow {
  bucket: string; key: string; write_id: string; size: number; etag: string; last_modified: number;
  headers: string; user_meta: string; tags: string; checksums: string; checksum_type: string | null;
  encryption: string; parts_count: number | null; storage_class: string; manifest: Buffer | null;
  acl: string | null; version_id: string; seq: number; retention_mode: string | null; retain_until: number | null;
  legal_hold: number;
}
/** A row of object_versions: a noncurrent version or a delete marker. */
export interface VersionRow extends ObjectRow { delete_marker: number }
export interface PartRow {
  part_number: number; write_id: string; blob_id: string; size: number; etag: string;
  sealed_key: Buffer; checksums: string; last_modified: number; inline_data: Buffer | null; layout_tag: Buffer | null;
}
export interface UploadRow {
  upload_id: string; bucket: string; key: string; initiated: number; headers: string; user_meta: string;
  tags: string; encryption: string; checksum_algorithm: string | null; checksum_type: string | null;
  storage_class: string; owner: string; acl: string | null;
  retention_mode: string | null; retain_until: number | null; legal_hold: number;
}

type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE' | undefined;

export const toBucket = (r: BucketRow): BucketRecord => ({
  name: r.name, region: r.region, createdAt: new Date(r.created_at), ownerAccountId: r.owner,
  ...(r.versioning != null ? { versioning: r.versioning } : {}), ...(r.object_lock != null ? { objectLock: r.object_lock } : {}),
});

export const toPart = (r: PartRow): PartRecord => ({
  partNumber: r.part_number, writeId: r.write_id, blobId: r.blob_id, size: r.size, etag: r.etag,
  sealedKey: r.sealed_key, checksums: JSON.parse(r.checksums) as Record<string, string>,
  lastModified: new Date(r.last_modified),
  ...(r.inline_data ? { inline: r.inline_data } : {}),
  ...(r.layout_tag ? { layoutTag: r.layout_tag } : {}),
});

export const toObject = (r: ObjectRow, parts: PartRecord[]): ObjectRecord => ({
  bucket: r.bucket, key: r.key, writeId: r.write_id, size: r.size, etag: r.etag,
  lastModified: new Date(r.last_modified),
  headers: JSON.parse(r.headers) as Record<string, string>,
  userMetadata: JSON.parse(r.user_meta) as Record<string, string>,
  tags: JSON.parse(r.tags) as Array<[string, string]>,
  checksums: JSON.parse(r.checksums) as Record<string, string>,
  checksumType: (r.checksum_type ?? undefined) as ChecksumType,
  encryption: JSON.parse(r.encryption) as ObjectRecord['encryption'],
  partsCount: r.parts_count ?? undefined, storageClass: r.storage_class, parts,
  ...(r.manifest ? { manifest: r.manifest } : {}),
  ...(r.acl ? { acl: r.acl } : {}),
  ...lockFields(r),
  // The null version reads back as it is written: without a version id.
  ...(r.version_id !== NULL_VERSION_ID ? { versionId: r.version_id } : {}),
  ...('delete_marker' in r && (r as VersionRow).delete_marker === 1 ? { deleteMarker: true } : {}),
});

const lockFields = (r: Pick<ObjectRow, 'retention_mode' | 'retain_until' | 'legal_hold'>) => ({
  ...(r.retention_mode !== null && r.retain_until !== null
    ? { retention: { mode: r.retention_mode as 'GOVERNANCE' | 'COMPLIANCE', until: new Date(r.retain_until) } } : {}),
  ...(r.legal_hold === LEGAL_HOLD_ON ? { legalHold: true } : r.legal_hold === LEGAL_HOLD_OFF ? { legalHold: false } : {}),
});

/** `legal_hold`: 0 never set (the column's default), 1 ON, 2 set OFF; GetObjectLegalHold answers the first differently. */
const LEGAL_HOLD_ON = 1;
const LEGAL_HOLD_OFF = 2;
export const legalHoldColumn = (hold: boolean | undefined) => (hold === undefined ? 0 : hold ? LEGAL_HOLD_ON : LEGAL_HOLD_OFF);

/** What a RemovalGuard sees of a row. */
export const toRemoved = (r: ObjectRow & { delete_marker?: number }): RemovedVersion => ({
  versionId: r.version_id, deleteMarker: r.delete_marker === 1, ...lockFields(r),
});

export const toSummary = (r: Pick<ObjectRow, 'key' | 'size' | 'etag' | 'last_modified' | 'storage_class' | 'checksums' | 'checksum_type'>): ObjectSummary => ({
  key: r.key, size: r.size, etag: r.etag, lastModified: new Date(r.last_modified), storageClass: r.storage_class,
  checksumAlgorithms: Object.keys(JSON.parse(r.checksums) as Record<string, string>),
  checksumType: (r.checksum_type ?? undefined) as ChecksumType,
});

export const toUpload = (r: UploadRow): UploadRecord => ({
  uploadId: r.upload_id, bucket: r.bucket, key: r.key, initiated: new Date(r.initiated),
  headers: JSON.parse(r.headers) as Record<string, string>,
  userMetadata: JSON.parse(r.user_meta) as Record<string, string>,
  tags: JSON.parse(r.tags) as Array<[string, string]>,
  encryption: JSON.parse(r.encryption) as UploadRecord['encryption'],
  checksumAlgorithm: r.checksum_algorithm ?? undefined,
  checksumType: (r.checksum_type ?? undefined) as ChecksumType,
  storageClass: r.storage_class, ownerAccountId: r.owner,
  ...(r.acl ? { acl: r.acl } : {}),
  ...lockFields(r),
});

export const objectParams = (o: ObjectRecord) => ({
  bucket: o.bucket, key: o.key, write_id: o.writeId, size: o.size, etag: o.etag,
  last_modified: o.lastModified.getTime(), headers: JSON.stringify(o.headers),
  user_meta: JSON.stringify(o.userMetadata), tags: JSON.stringify(o.tags),
  checksums: JSON.stringify(o.checksums), checksum_type: o.checksumType ?? null,
  encryption: JSON.stringify(o.encryption), parts_count: o.partsCount ?? null, storage_class: o.storageClass,
  manifest: o.manifest ?? null, acl: o.acl ?? null, version_id: o.versionId ?? NULL_VERSION_ID,
  retention_mode: o.retention?.mode ?? null, retain_until: o.retention?.until.getTime() ?? null, legal_hold: legalHoldColumn(o.legalHold),
});

export const partParams = (p: PartRecord) => ({
  part_number: p.partNumber, write_id: p.writeId, blob_id: p.blobId, size: p.size, etag: p.etag,
  sealed_key: p.sealedKey, checksums: JSON.stringify(p.checksums), last_modified: p.lastModified.getTime(),
  inline_data: p.inline ?? null, layout_tag: p.layoutTag ?? null,
});

export const uploadParams = (u: UploadRecord) => ({
  upload_id: u.uploadId, bucket: u.bucket, key: u.key, initiated: u.initiated.getTime(),
  headers: JSON.stringify(u.headers), user_meta: JSON.stringify(u.userMetadata), tags: JSON.stringify(u.tags),
  encryption: JSON.stringify(u.encryption), checksum_algorithm: u.checksumAlgorithm ?? null,
  checksum_type: u.checksumType ?? null, storage_class: u.storageClass, owner: u.ownerAccountId,
  acl: u.acl ?? null,
  retention_mode: u.retention?.mode ?? null, retain_until: u.retention?.until.getTime() ?? null, legal_hold: legalHoldColumn(u.legalHold),
});
