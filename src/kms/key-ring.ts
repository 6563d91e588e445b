/** The unsealed material of KMS key versions, held in memory: loaded on first use and reloaded when a blob names a version this process has not seen (another process rotated). */
import type { Clock } from '../common/clock.js';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import type { KmsKeyVersionRow, KmsStore } from '../stores/kms-store.js';
import { openKeyMaterial, sealKeyMaterial } from './kms-key-material.js';
import { RootKeyMismatchError } from './root-seal.js';

export class KeyRing {
  // #private: util.inspect and JSON.stringify of the ring show no material.
  readonly #held = new Map<string, Map<number, { key: Secret; row: Omit<KmsKeyVersionRow, 'sealed'> }>>();
  readonly #store: KmsStore;
  readonly #root: Secret;
  readonly #random: Random;
  readonly #clock: Clock;

  constructor(opts: { store: KmsStore; rootKey: Secret; random: Random; clock: Clock }) {
    this.#store = opts.store;
    this.#root = opts.rootKey;
    this.#random = opts.random;
    this.#clock = opts.clock;
  }

  /** Unseals the versions of `keyId` not held yet; versions held are kept, never replaced by a second copy. */
  async #load(keyId: string): Promise<Map<number, { key: Secret; row: Omit<KmsKeyVersionRow, 'sealed'> }>> {
    const held = this.#held.get(keyId) ?? new Map();
    const opened: Array<[number, { key: Secret; row: Omit<KmsKeyVersionRow, 'sealed'> }]> = [];
    for (const row of await this.#store.listVersions(keyId)) {
      if (held.has(row.version)) continue;
      const key = openKeyMaterial(this.#root, keyId, row.version, row.sealed);
      if (!key) {
        // What this pass unsealed is wiped: nothing half-loaded stays in memory.
        for (const [, v] of opened) v.key.wipe();
        throw new RootKeyMismatchError(`KMS key ${keyId} v${row.version} does not open with this root key`);
      }
      const { sealed: _s, ...meta } = row;
      opened.push([row.version, { key, row: meta }]);
    }
    for (const [version, v] of opened) held.set(version, v);
    this.#held.set(keyId, held);
    return held;
  }

  /** A fresh first version for a new key: the sealed row to store; held once stored. */
  firstVersion(keyId: string): KmsKeyVersionRow {
    const key = new Secret(this.#random.bytes(32));
    const row = { keyId, version: 1, sealed: sealKeyMaterial(this.#root, keyId, 1, key, this.#random), createdAt: this.#clock.now() };
    key.wipe();
    return row;
  }

  /**
   * Every version of a key with its material, fresh from the store; versions already held are the same
   * objects as before (a reload never leaves a second, unwiped copy). Owned by the ring: callers never wipe them.
   */
  async held(keyId: string): Promise<Array<{ version: number; key: Secret; createdAt: Date }>> {
    return [...(await this.#load(keyId)).entries()].sort((a, b) => a[0] - b[0]).map(([version, v]) => ({ version, key: v.key, createdAt: v.row.createdAt }));
  }

  /** A version's row sealed for the store (material moved here from elsewhere keeps its number and date); the caller still owns `key`. */
  sealedVersion(keyId: string, version: number, key: Secret, createdAt: Date): KmsKeyVersionRow {
    return { keyId, version, sealed: sealKeyMaterial(this.#root, keyId, version, key, this.#random), createdAt };
  }

  /** The newest version (the one that encrypts), loading when none is held. */
  async current(keyId: string): Promise<{ version: number; key: Secret }> {
    let held = this.#held.get(keyId);
    if (!held || held.size === 0) held = await this.#load(keyId);
    const version = Math.max(...held.keys());
    if (!Number.isFinite(version)) throw new Error(`KMS key ${keyId} has no material`);
    return { version, key: held.get(version)!.key };
  }

  /**
   * One version's material; an unknown version reloads from the store first (another process may have rotated);
   * undefined when the store has no such version either.
   */
  async version(keyId: string, version: number): Promise<Secret | undefined> {
    const held = this.#held.get(keyId)?.get(version);
    if (held) return held.key;
    return (await this.#load(keyId)).get(version)?.key;
  }

  /** Every version of a key (ListKeyRotations), fresh from the store. */
  async versions(keyId: string): Promise<Array<Omit<KmsKeyVersionRow, 'sealed'>>> {
    return [...(await this.#load(keyId)).values()].map((v) => v.row).sort((a, b) => a.version - b.version);
  }

  /** Adds a new version; picks up another process's versions first so numbers never collide. Returns its number. */
  async rotate(keyId: string, rotationType: 'AUTOMATIC' | 'ON_DEMAND'): Promise<number> {
    for (;;) {
      const held = await this.#load(keyId);
      const version = Math.max(0, ...held.keys()) + 1;
      const key = new Secret(this.#random.bytes(32));
      const row = { keyId, version, createdAt: this.#clock.now(), rotationType };
      if (await this.#store.addVersion({ ...row, sealed: sealKeyMaterial(this.#root, keyId, version, key, this.#random) })) {
        held.set(version, { key, row });
        return version;
      }
      key.wipe();
    }
  }

  /** Wipes what is held of a key (deleted for good). */
  forget(keyId: string): void {
    for (const v of this.#held.get(keyId)?.values() ?? []) v.key.wipe();
    this.#held.delete(keyId);
  }

  wipe(): void {
    for (const id of [...this.#held.keys()]) this.forget(id);
  }
}
