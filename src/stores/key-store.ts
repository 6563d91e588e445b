/** KeyStore: sealed SSE-S3 master key versions (never plaintext key material). */

export interface MasterKeyRow { readonly version: number; readonly sealed: Buffer; readonly createdAt: Date }

export interface KeyStore {
  listMasterKeys(): Promise<MasterKeyRow[]>;
  /** Adds a version; false when that version already exists (another process rotated first). */
  addMasterKey(row: MasterKeyRow): Promise<boolean>;
}
