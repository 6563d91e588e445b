/** KeyStore: sealed credential secrets, and the SSE-S3 master key versions of data directories written before that key moved into the KMS store (read, then moved; never plaintext key material). */

export interface MasterKeyRow { readonly version: number; readonly sealed: Buffer; readonly createdAt: Date }

/** A credential whose secret is sealed by the root key; `name` says whose it is ('root'). */
export interface CredentialRow { readonly name: string; readonly accessKeyId: string; readonly sealed: Buffer; readonly createdAt: Date }

export interface KeyStore {
  listMasterKeys(): Promise<MasterKeyRow[]>;
  /** Adds a version; false when that version already exists. Only tests write here now (to make an old-layout data directory). */
  addMasterKey(row: MasterKeyRow): Promise<boolean>;
  /** Removes these versions (moved into the KMS store as the internal SSE-S3 key's versions). */
  deleteMasterKeys(versions: readonly number[]): Promise<void>;
  getCredential(name: string): Promise<CredentialRow | undefined>;
  /** Stores (or replaces) a named credential. */
  putCredential(row: CredentialRow): Promise<void>;
}
