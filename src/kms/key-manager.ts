/**
 * The SSE-S3 master key, held in memory for the data path: an internal (AWS owned) key of the built-in KMS,
 * its versions the KMS key's versions, sealed by the root key in the KMS store; rotation on a schedule and on
 * demand, old versions decrypt only. Moves the master key of an older data directory into the KMS store.
 * Also seals and opens credential secrets (the root's and every access key's).
 */
import type { Clock } from '../common/clock.js';
import type { Random } from '../common/random.js';
import type { Secret } from '../common/secret.js';
import type { KeyStore } from '../stores/key-store.js';
import type { KmsKeyRow, KmsStore } from '../stores/kms-store.js';
import { openMasterKey } from './key-material.js';
import { KeyRing } from './key-ring.js';
import { RootKeyMismatchError } from './root-seal.js';
import { openCredential, sealCredential } from './sealed-credential.js';

export { RootKeyMismatchError } from './root-seal.js';

/** A sealed record or manifest names a master key version this process does not hold: reload() and try again (another process may have rotated). */
export class UnknownMasterKeyVersionError extends Error {}

const DAY_MS = 24 * 60 * 60 * 1000;
const MISMATCH = 'root key does not match the one this data directory was created with; nothing was changed';

/**
 * FROZEN: the KMS key id of the SSE-S3 master key, the same in every data directory (one per server). A
 * fixed id makes its creation race-free between processes and needs no lookup; it is in no account, so no
 * caller can name it (KmsService answers NotFoundException, as AWS does for AWS owned keys).
 */
export const SSE_S3_MASTER_KEY_ID = '00000000-0000-4000-8000-00000000553e';

/** The internal key's metadata row: AWS owned, in no account, no policy, no automatic rotation by the KMS sweep (the schedule is the server's). */
function masterKeyRow(createdAt: Date): KmsKeyRow {
  return {
    keyId: SSE_S3_MASTER_KEY_ID, accountId: '', region: '', createdAt, state: 'Enabled', keyManager: 'AWS', internal: true,
    description: 'SSE-S3 master key (AWS owned: used only by the server itself, never through the KMS API)', policy: '', tags: [],
  };
}

type Held = { key: Secret; createdAt: Date };

export class KeyManager {
  // Every field is #private: util.inspect and JSON.stringify of a KeyManager show none of them.
  /** Every version held: the ring's objects, or, before the move, versions opened from the old table. */
  readonly #versions = new Map<number, Held>();
  #current = 0;
  #reloading: Promise<void> | undefined;
  readonly #store: KeyStore;
  readonly #kmsStore: KmsStore;
  readonly #ring: KeyRing;
  readonly #rootKey: Secret;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #rotationDays: number;

  private constructor(opts: { store: KeyStore; kmsStore: KmsStore; rootKey: Secret; clock: Clock; random: Random; rotationDays: number }) {
    this.#store = opts.store;
    this.#kmsStore = opts.kmsStore;
    this.#ring = new KeyRing({ store: opts.kmsStore, rootKey: opts.rootKey, random: opts.random, clock: opts.clock });
    this.#rootKey = opts.rootKey;
    this.#clock = opts.clock;
    this.#random = opts.random;
    this.#rotationDays = opts.rotationDays;
  }

  /**
   * Opens every stored version with the root key before anything is written: a wrong root key throws
   * and leaves the store untouched. Then, by `mode`:
   * - 'ready' (default): moves an old master key into the KMS store, creates v1 on first use, rotates when
   *   the current version is older than `rotationDays`;
   * - 'verify': writes nothing; the caller calls ensureCurrent() once it is ready for writes;
   * - 'read-only': writes nothing, ever (an old data directory is read as it is); fails when there is no version yet.
   */
  static async open(opts: { store: KeyStore; kmsStore: KmsStore; rootKey: Secret; clock: Clock; random: Random; rotationDays: number; mode?: 'ready' | 'verify' | 'read-only' }): Promise<KeyManager> {
    const km = new KeyManager(opts);
    try {
      await km.#load();
      const mode = opts.mode ?? 'ready';
      if (mode === 'read-only' && km.#current === 0) throw new Error('this data directory holds no master key yet');
      if (mode === 'ready') await km.ensureCurrent();
      return km;
    } catch (err) {
      km.wipe();
      throw err;
    }
  }

  /** Moves an old master key into the KMS store, then creates v1 when there is no version yet, else rotates when the current one is due (this writes). */
  async ensureCurrent(): Promise<void> {
    await this.#moveOldMasterKey();
    if (this.#current === 0) await this.rotate();
    else await this.rotateIfDue();
  }

  /** Rotates when the current version is older than the rotation period; the server calls it periodically. */
  async rotateIfDue(): Promise<boolean> {
    const age = this.#clock.now().getTime() - this.#versions.get(this.#current)!.createdAt.getTime();
    if (age <= this.#rotationDays * DAY_MS) return false;
    await this.rotate('AUTOMATIC');
    return true;
  }

  /**
   * Takes up the versions not held yet (another process may have rotated): the internal KMS key's, then
   * those still in the old master key table (a data directory not yet moved). Versions already held are
   * kept as they are, never replaced by a second copy.
   */
  async #load(): Promise<void> {
    let inKms;
    try {
      inKms = await this.#ring.held(SSE_S3_MASTER_KEY_ID);
    } catch (err) {
      throw err instanceof RootKeyMismatchError ? new RootKeyMismatchError(MISMATCH) : err;
    }
    const opened: Array<[number, Held]> = inKms.filter((v) => !this.#versions.has(v.version)).map((v) => [v.version, { key: v.key, createdAt: v.createdAt }]);
    const legacy: Secret[] = [];
    for (const row of await this.#store.listMasterKeys()) {
      if (this.#versions.has(row.version) || opened.some(([v]) => v === row.version)) continue;
      const key = openMasterKey(this.#rootKey, row.version, row.sealed);
      if (!key) {
        for (const k of legacy) k.wipe();
        throw new RootKeyMismatchError(MISMATCH);
      }
      legacy.push(key);
      opened.push([row.version, { key, createdAt: row.createdAt }]);
    }
    for (const [version, v] of opened) {
      this.#versions.set(version, v);
      this.#current = Math.max(this.#current, version);
    }
  }

  /**
   * The move of a data directory written before the master key was a KMS key: each old version is resealed
   * as the internal key's version of the same number and date (so every sealed data key still names its
   * version), in one transaction, and only then removed from the old table. A crash in between repeats the
   * move on the next start; it changes nothing the second time.
   */
  async #moveOldMasterKey(): Promise<void> {
    const old = await this.#store.listMasterKeys();
    if (old.length === 0) return;
    const rows = old.map((r) => this.#ring.sealedVersion(SSE_S3_MASTER_KEY_ID, r.version, this.#versions.get(r.version)!.key, r.createdAt));
    await this.#kmsStore.importKey(masterKeyRow(old[0]!.createdAt), rows);
    await this.#store.deleteMasterKeys(old.map((r) => r.version));
    await this.#load();
  }

  currentMasterKey(): { version: number; key: Secret } {
    return { version: this.#current, key: this.#versions.get(this.#current)!.key };
  }

  masterKey(version: number): Secret {
    const v = this.#versions.get(version);
    if (!v) throw new UnknownMasterKeyVersionError(`unknown master key version ${version}`);
    return v.key;
  }

  /**
   * Takes up the versions another process added since (a rotation there, or `strongroom keys rotate`), when a
   * record names a version not held. Concurrent callers share one reload, so no version is unsealed twice.
   */
  reload(): Promise<void> {
    this.#reloading ??= this.#load().finally(() => { this.#reloading = undefined; });
    return this.#reloading;
  }

  /**
   * Adds a new version of the internal KMS key (the KMS's own rotation: a new sealed version row), which
   * seals from now on; the first call on a new data directory creates the key with version 1. Returns the
   * version added (or, when another process created the key first, its version).
   */
  async rotate(rotationType: 'AUTOMATIC' | 'ON_DEMAND' = 'ON_DEMAND'): Promise<number> {
    // Another process may have rotated: pick up its versions first.
    await this.#load();
    let version: number;
    if (this.#current === 0) {
      // Created with its first version, unless another process created it first (then that one's v1 stays).
      await this.#kmsStore.importKey(masterKeyRow(this.#clock.now()), [this.#ring.firstVersion(SSE_S3_MASTER_KEY_ID)]);
      await this.#load();
      version = this.#current;
    } else {
      version = await this.#ring.rotate(SSE_S3_MASTER_KEY_ID, rotationType);
      await this.#load();
    }
    return version;
  }

  versions(): Array<{ version: number; createdAt: Date; current: boolean }> {
    return [...this.#versions.entries()].sort((a, b) => a[0] - b[0]).map(([version, v]) => ({ version, createdAt: v.createdAt, current: version === this.#current }));
  }

  /** The stored credential of `name` ('root'), its secret unsealed; undefined when none is stored. */
  async storedCredential(name: string): Promise<{ accessKeyId: string; secret: Secret } | undefined> {
    const row = await this.#store.getCredential(name);
    if (!row) return undefined;
    const secret = openCredential(this.#rootKey, row.accessKeyId, row.sealed);
    if (!secret) throw new RootKeyMismatchError(MISMATCH);
    return { accessKeyId: row.accessKeyId, secret };
  }

  /** Stores a credential with its secret sealed by the root key (bound to the access key id). */
  async storeCredential(name: string, accessKeyId: string, secret: Secret): Promise<void> {
    await this.#store.putCredential({ name, accessKeyId, sealed: sealCredential(this.#rootKey, accessKeyId, secret, this.#random), createdAt: this.#clock.now() });
  }

  /** An access key's secret sealed by the root key, bound to its access key id (the record format of stored credentials). */
  sealAccessKeySecret(accessKeyId: string, secret: Secret): Buffer {
    return sealCredential(this.#rootKey, accessKeyId, secret, this.#random);
  }

  /** Opens what sealAccessKeySecret sealed; a record that does not open (another root key, another key id) throws. */
  openAccessKeySecret(accessKeyId: string, sealed: Buffer): Secret {
    const secret = openCredential(this.#rootKey, accessKeyId, sealed);
    if (!secret) throw new RootKeyMismatchError(`the sealed secret of access key ${accessKeyId} does not open with this root key`);
    return secret;
  }

  /** Wipes every master key held (when the data directory is closed). */
  wipe(): void {
    for (const v of this.#versions.values()) v.key.wipe();
    this.#ring.wipe();
  }
}
