/** KmsStore: the built-in KMS's keys (metadata), their key material versions (sealed by the root key, never plaintext), aliases and grants. */

export type KmsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** One KMS key's metadata; what KMS reports in KeyMetadata, plus its policy, tags and rotation schedule. */
export interface KmsKeyRow {
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  readonly createdAt: Date;
  readonly state: KmsKeyState;
  readonly description: string;
  readonly keyManager: 'CUSTOMER' | 'AWS';
  /**
   * An AWS owned key of the server itself (the SSE-S3 master key): in no account, never listed, and never
   * found by a KMS API call; only the server's own code uses it.
   */
  readonly internal?: true | undefined;
  /** When a PendingDeletion key is deleted for good. */
  readonly deletionDate?: Date | undefined;
  readonly pendingWindowInDays?: number | undefined;
  /** Automatic rotation: its period in days; undefined when disabled. */
  readonly rotationPeriodInDays?: number | undefined;
  readonly nextRotationDate?: Date | undefined;
  readonly policy: string;
  readonly tags: ReadonlyArray<{ readonly TagKey: string; readonly TagValue: string }>;
}

/** One version of a key's material, sealed by the root key and bound to (key id, version). */
export interface KmsKeyVersionRow {
  readonly keyId: string;
  readonly version: number;
  readonly sealed: Buffer;
  readonly createdAt: Date;
  /** How this version came to be: undefined for the first one. */
  readonly rotationType?: 'AUTOMATIC' | 'ON_DEMAND' | undefined;
}

export interface KmsAliasRow {
  readonly accountId: string;
  /** `alias/…` */
  readonly aliasName: string;
  readonly keyId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface KmsGrantRow {
  readonly grantId: string;
  readonly keyId: string;
  readonly name?: string | undefined;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string | undefined;
  readonly issuingAccount: string;
  readonly operations: readonly string[];
  readonly constraints?: { readonly EncryptionContextSubset?: Record<string, string>; readonly EncryptionContextEquals?: Record<string, string> } | undefined;
  readonly grantToken: string;
  readonly createdAt: Date;
}

export interface KmsStore {
  getKey(keyId: string): Promise<KmsKeyRow | undefined>;
  listKeys(accountId: string): Promise<KmsKeyRow[]>;
  /** Adds a key with its first material version, in one transaction. */
  createKey(row: KmsKeyRow, first: KmsKeyVersionRow): Promise<void>;
  /**
   * Creates the key unless it exists and adds the versions it lacks, in one transaction; run again, it
   * changes nothing (moving material in from elsewhere is safe to repeat after a crash).
   */
  importKey(row: KmsKeyRow, versions: readonly KmsKeyVersionRow[]): Promise<void>;
  /** Replaces a key's metadata. */
  updateKey(row: KmsKeyRow): Promise<void>;
  /** Deletes a key for good: its material versions, aliases and grants go with it (one transaction). */
  deleteKey(keyId: string): Promise<void>;
  /** Keys pending deletion whose date has passed, or whose automatic rotation is due, at `now`. */
  keysDue(now: Date): Promise<KmsKeyRow[]>;
  listVersions(keyId: string): Promise<KmsKeyVersionRow[]>;
  /** Adds a version; false when that number exists already (another process rotated first). */
  addVersion(row: KmsKeyVersionRow): Promise<boolean>;
  getAlias(accountId: string, aliasName: string): Promise<KmsAliasRow | undefined>;
  listAliases(accountId: string): Promise<KmsAliasRow[]>;
  /** False when the account already has that alias name. */
  createAlias(row: KmsAliasRow): Promise<boolean>;
  updateAlias(row: KmsAliasRow): Promise<void>;
  deleteAlias(accountId: string, aliasName: string): Promise<void>;
  listGrants(keyId: string): Promise<KmsGrantRow[]>;
  getGrant(grantId: string): Promise<KmsGrantRow | undefined>;
  addGrant(row: KmsGrantRow): Promise<void>;
  deleteGrant(grantId: string): Promise<void>;
}
