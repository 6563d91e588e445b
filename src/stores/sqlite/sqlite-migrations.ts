/** Numbered schema migrations of the SQLite MetaStore; append only, never edit a shipped entry. */

export const META_MIGRATIONS: readonly string[] = [
  // 1: buckets, objects with their parts, multipart uploads with theirs.
  `
  CREATE TABLE buckets (
    name TEXT PRIMARY KEY, region TEXT NOT NULL, created_at INTEGER NOT NULL, owner TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE bucket_configs (
    bucket TEXT NOT NULL REFERENCES buckets(name) ON DELETE CASCADE,
    name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (bucket, name)
  ) WITHOUT ROWID;
  CREATE TABLE objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, write_id TEXT NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, last_modified INTEGER NOT NULL, headers TEXT NOT NULL, user_meta TEXT NOT NULL,
    tags TEXT NOT NULL, checksums TEXT NOT NULL, checksum_type TEXT, encryption TEXT NOT NULL,
    parts_count INTEGER, storage_class TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE object_parts (
    bucket TEXT NOT NULL, key TEXT NOT NULL, part_number INTEGER NOT NULL, write_id TEXT NOT NULL,
    blob_id TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, sealed_key BLOB NOT NULL,
    checksums TEXT NOT NULL, last_modified INTEGER NOT NULL,
    PRIMARY KEY (bucket, key, part_number)
  ) WITHOUT ROWID;
  CREATE INDEX object_parts_blob ON object_parts (blob_id);
  CREATE TABLE uploads (
    upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL,
    headers TEXT NOT NULL, user_meta TEXT NOT NULL, tags TEXT NOT NULL, encryption TEXT NOT NULL,
    checksum_algorithm TEXT, checksum_type TEXT, storage_class TEXT NOT NULL, owner TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX uploads_by_key ON uploads (bucket, key, upload_id);
  CREATE TABLE upload_parts (
    upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
    part_number INTEGER NOT NULL, write_id TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, sealed_key BLOB NOT NULL, checksums TEXT NOT NULL, last_modified INTEGER NOT NULL,
    PRIMARY KEY (upload_id, part_number)
  ) WITHOUT ROWID;
  CREATE INDEX upload_parts_blob ON upload_parts (blob_id);
  `,
  // 2: small parts' ciphertext inline in the row (blob_id '' then).
  `
  ALTER TABLE object_parts ADD COLUMN inline_data BLOB;
  ALTER TABLE upload_parts ADD COLUMN inline_data BLOB;
  `,
  // 3: the layout manifest of each object and the tag of each uploaded part (issue 7 item 18); NULL when written before.
  `
  ALTER TABLE objects ADD COLUMN manifest BLOB;
  ALTER TABLE upload_parts ADD COLUMN layout_tag BLOB;
  ALTER TABLE object_parts ADD COLUMN layout_tag BLOB;
  `,
  // 4: the access control list of each object and of each upload's future object (issue 10 item 4); NULL: private to the bucket owner.
  `
  ALTER TABLE objects ADD COLUMN acl TEXT;
  ALTER TABLE uploads ADD COLUMN acl TEXT;
  `,
  // 5: versioning and Object Lock (issue 14). `objects` stays the table of CURRENT versions (what
  // ListObjectsV2 range-scans); noncurrent versions and every delete marker live in object_versions,
  // ordered newest first within a key by a per-key sequence; parts are keyed by their version.
  `
  ALTER TABLE objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null';
  ALTER TABLE objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE objects ADD COLUMN retention_mode TEXT;
  ALTER TABLE objects ADD COLUMN retain_until INTEGER;
  ALTER TABLE objects ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE object_versions (
    bucket TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, version_id TEXT NOT NULL,
    delete_marker INTEGER NOT NULL, write_id TEXT NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, last_modified INTEGER NOT NULL, headers TEXT NOT NULL, user_meta TEXT NOT NULL,
    tags TEXT NOT NULL, checksums TEXT NOT NULL, checksum_type TEXT, encryption TEXT NOT NULL,
    parts_count INTEGER, storage_class TEXT NOT NULL, manifest BLOB, acl TEXT,
    retention_mode TEXT, retain_until INTEGER, legal_hold INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, key, seq DESC)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX object_versions_id ON object_versions (bucket, key, version_id);
  CREATE TABLE object_parts_by_version (
    bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, part_number INTEGER NOT NULL,
    write_id TEXT NOT NULL, blob_id TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    sealed_key BLOB NOT NULL, checksums TEXT NOT NULL, last_modified INTEGER NOT NULL,
    inline_data BLOB, layout_tag BLOB,
    PRIMARY KEY (bucket, key, version_id, part_number)
  ) WITHOUT ROWID;
  INSERT INTO object_parts_by_version
    SELECT bucket, key, 'null', part_number, write_id, blob_id, size, etag, sealed_key, checksums, last_modified, inline_data, layout_tag
    FROM object_parts;
  DROP TABLE object_parts;
  ALTER TABLE object_parts_by_version RENAME TO object_parts;
  CREATE INDEX object_parts_blob ON object_parts (blob_id);
  `,
  // 6: the Object Lock an upload's object gets, from CreateMultipartUpload's headers (NULL: none asked;
  // legal_hold as in objects: 1 ON, 2 OFF).
  `
  ALTER TABLE uploads ADD COLUMN retention_mode TEXT;
  ALTER TABLE uploads ADD COLUMN retain_until INTEGER;
  ALTER TABLE uploads ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
  `,
];
