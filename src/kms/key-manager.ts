/** The SSE-S3 master key: versions sealed by the root key, rotation on a schedule and on demand; old versions decrypt only. */
import type { Clock } from '../common/clock.js';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import type { KeyStore } from '../stores/key-store.js';
import { openMasterKey, sealMasterKey } from './key-material.js';

export class RootKeyMismatchError extends Error {}

const DAY_MS = 24 * 60 * 60 * 1000;

export class KeyManager {
  readonly #versions = new Map<number, { key: Secret; createdAt: Date }>();
  #current = 0;

  private constructor(
    private readonly store: KeyStore, private readonly rootKey: Secret, private readonly clock: Clock,
    private readonly random: Random, private readonly rotationDays: number,
  ) {}

  /**
   * Opens every stored version with the root key before anything is written: a wrong root key throws
   * and leaves the store untouched. Creates v1 on first use and rotates when the current version is
   * older than `rotationDays`.
   */
  static async open(opts: { store: KeyStore; rootKey: Secret; clock: Clock; random: Random; rotationDays: number }): Promise<KeyManager> {
    const km = new KeyManager(opts.store, opts.rootKey, opts.clock, opts.random, opts.rotationDays);
    await km.#load();
    if (km.#current === 0) await km.rotate();
    else await km.rotateIfDue();
    return km;
  }

  /** Rotates when the current version is older than the rotation period; the server calls it periodically. */
  async rotateIfDue(): Promise<boolean> {
    const age = this.clock.now().getTime() - this.#versions.get(this.#current)!.createdAt.getTime();
    if (age <= this.rotationDays * DAY_MS) return false;
    await this.rotate();
    return true;
  }

  async #load(): Promise<void> {
    for (const row of await this.store.listMasterKeys()) {
      const key = openMasterKey(this.rootKey, row.version, row.sealed);
      if (!key) throw new RootKeyMismatchError('root key does not match the one this data directory was created with; nothing was changed');
      this.#versions.set(row.version, { key, createdAt: row.createdAt });
      this.#current = Math.max(this.#current, row.version);
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
    const key = new Secret(this.random.bytes(32));
    const createdAt = this.clock.now();
    if (!(await this.store.addMasterKey({ version, sealed: sealMasterKey(this.rootKey, version, key, this.random), createdAt }))) {
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
}
