/** KeyStore: sealed SSE-S3 master key versions and sealed credential secrets (never plaintext key material). */

export interface MasterKeyRow { readonly version: number; readonly sealed: Buffer; readonly createdAt: Date }

/** A credential whose secret is sealed by the root key; `name` says whose it is ('root'). */
export interface CredentialRow { readonly name: string; readonly accessKeyId: string; readonly sealed: Buffer; readonly createdAt: Date }

export interface KeyStore {
  listMasterKeys(): Promise<MasterKeyRow[]>;
  /** Adds a version; false when that version already exists (another process rotated first). */
  addMasterKey(row: MasterKeyRow): Promise<boolean>;
  getCredential(name: string): Promise<CredentialRow | undefined>;
  /** Stores (or replaces) a named credential. */
  putCredential(row: CredentialRow): Promise<void>;
}
