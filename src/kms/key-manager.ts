/** The SSE-S3 master key: versions sealed by the root key, rotation on a schedule and on demand; old versions decrypt only. Also seals and opens credential secrets (the root's and every access key's). */
import type { Clock } from '../common/clock.js';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import type { KeyStore } from '../stores/key-store.js';
import { openMasterKey, sealMasterKey } from './key-material.js';
import { openCredential, sealCredential } from './sealed-credential.js';

export class RootKeyMismatchError extends Error {}

const DAY_MS = 24 * 60 * 60 * 1000;
const MISMATCH = 'root key does not match the one this data directory was created with; nothing was changed';

export class KeyManager {
  // Every field is #private: util.inspect and JSON.stringify of a KeyManager show none of them.
  readonly #versions = new Map<number, { key: Secret; createdAt: Date }>();
  #current = 0;
  readonly #store: KeyStore;
  readonly #rootKey: Secret;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #rotationDays: number;

  private constructor(opts: { store: KeyStore; rootKey: Secret; clock: Clock; random: Random; rotationDays: number }) {
    this.#store = opts.store;
    this.#rootKey = opts.rootKey;
    this.#clock = opts.clock;
    this.#random = opts.random;
    this.#rotationDays = opts.rotationDays;
  }

  /**
   * Opens every stored version with the root key before anything is written: a wrong root key throws
   * and leaves the store untouched. Then, by `mode`:
   * - 'ready' (default): creates v1 on first use, rotates when the current version is older than
   *   `rotationDays`;
   * - 'verify': writes nothing; the caller calls ensureCurrent() once it is ready for writes;
   * - 'read-only': writes nothing, ever; fails when there is no version yet.
   */
  static async open(opts: { store: KeyStore; rootKey: Secret; clock: Clock; random: Random; rotationDays: number; mode?: 'ready' | 'verify' | 'read-only' }): Promise<KeyManager> {
    const km = new KeyManager(opts);
    await km.#load();
    const mode = opts.mode ?? 'ready';
    if (mode === 'read-only' && km.#current === 0) throw new Error('this data directory holds no master key yet');
    if (mode === 'ready') await km.ensureCurrent();
    return km;
  }

  /** Creates v1 when there is no version yet, else rotates when the current one is due (this writes). */
  async ensureCurrent(): Promise<void> {
    if (this.#current === 0) await this.rotate();
    else await this.rotateIfDue();
  }

  /** Rotates when the current version is older than the rotation period; the server calls it periodically. */
  async rotateIfDue(): Promise<boolean> {
    const age = this.#clock.now().getTime() - this.#versions.get(this.#current)!.createdAt.getTime();
    if (age <= this.#rotationDays * DAY_MS) return false;
    await this.rotate();
    return true;
  }

  /**
   * Unseals the versions not held yet (another process may have rotated). Versions already held are
   * kept as they are, never replaced by a second copy. On a mismatch, what this pass unsealed is wiped.
   */
  async #load(): Promise<void> {
    const opened: Array<[number, { key: Secret; createdAt: Date }]> = [];
    for (const row of await this.#store.listMasterKeys()) {
      if (this.#versions.has(row.version)) continue;
      const key = openMasterKey(this.#rootKey, row.version, row.sealed);
      if (!key) {
        for (const [, v] of opened) v.key.wipe();
        throw new RootKeyMismatchError(MISMATCH);
      }
      opened.push([row.version, { key, createdAt: row.createdAt }]);
    }
    for (const [version, v] of opened) {
      this.#versions.set(version, v);
      this.#current = Math.max(this.#current, version);
    }
  }

  currentMasterKey(): { version: number; key: Secret } {
    return { version: this.#current, key: this.#versions.get(this.#current)!.key };
  }

  masterKey(version: number): Secret {
    const v = this.#versions.get(version);
    if (!v) throw new Error(`unknown master key version ${version}`);
    return v.key;
  }

  /** Adds a new version that seals from now on; returns its number. */
  async rotate(): Promise<number> {
    // Another process may have rotated: pick up its versions first so numbers never collide.
    await this.#load();
    const version = this.#current + 1;
    const key = new Secret(this.#random.bytes(32));
    const createdAt = this.#clock.now();
    if (!(await this.#store.addMasterKey({ version, sealed: sealMasterKey(this.#rootKey, version, key, this.#random), createdAt }))) {
      key.wipe();
      await this.#load();
      return this.#current;
    }
    this.#versions.set(version, { key, createdAt });
    this.#current = version;
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
  }
}
