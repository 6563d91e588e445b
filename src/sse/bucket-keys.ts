/** S3 Bucket Keys: a time-limited bucket-level key from KMS seals many objects' data keys, so KMS is asked once per bucket key instead of once per object. */
import type { Principal } from '../common/principal.js';
import { Secret } from '../common/secret.js';
import type { KmsDataKeys } from './kms-data-keys.js';

/**
 * How long a bucket key is used, and for how many objects at most, before KMS is asked for a new one.
 * S3 calls its bucket keys "time-limited" without saying for how long; a short lifetime bounds how long a
 * disabled key or a revoked permission goes unnoticed by a cached bucket key (docs/SECURITY.md).
 */
export const BUCKET_KEY_LIFETIME_MS = 5 * 60 * 1000;
export const BUCKET_KEY_MAX_USES = 100_000;
/** Cached bucket keys (write and read side each); the oldest is dropped beyond this. */
const MAX_ENTRIES = 1024;

/** A bucket key as KMS made it: the key ARN, its plaintext (the cache's: never wiped by a user) and its KMS ciphertext. */
interface Entry { readonly keyArn: string; readonly key: Secret; readonly ciphertextBlob: Buffer; readonly expiresAt: number; uses: number }

export interface BucketKeyUse { readonly caller: Principal | undefined; readonly requestId: string; readonly context: Readonly<Record<string, string>> }

/**
 * Caches bucket keys per caller: each principal is authorized by KMS (kms:GenerateDataKey for writes,
 * kms:Decrypt for reads) at least once per bucket-key lifetime, as KMS sees the caller in S3 too. What a
 * user receives is a copy of the key, which they wipe; the cached key is wiped when it is evicted.
 */
export class BucketKeys {
  readonly #writes = new Map<string, Promise<Entry>>();
  readonly #reads = new Map<string, Promise<Entry>>();

  constructor(private readonly kms: KmsDataKeys, private readonly now: () => number = Date.now) {}

  /** A bucket key to seal a new object's data key under, for this caller, KMS key and (bucket) context. */
  async forWrite(use: BucketKeyUse & { keyId: string | undefined; contextJson?: string }): Promise<{ keyArn: string; key: Secret; ciphertextBlob: Buffer }> {
    const id = `${use.caller?.arn ?? ''}\n${use.keyId ?? ''}\n${use.contextJson ?? JSON.stringify(use.context)}`;
    const { entry, key } = await this.#get(this.#writes, id, async () => {
      const made = await this.kms.generateDataKey({ caller: use.caller, requestId: use.requestId, context: use.context, keyId: use.keyId });
      return { keyArn: made.keyArn, key: made.plaintext, ciphertextBlob: made.ciphertextBlob, expiresAt: this.now() + BUCKET_KEY_LIFETIME_MS, uses: 0 };
    });
    return { keyArn: entry.keyArn, key, ciphertextBlob: entry.ciphertextBlob };
  }

  /** The bucket key a record names by its KMS ciphertext, opened by KMS for this caller once per lifetime. */
  async forRead(use: BucketKeyUse & { ciphertextBlob: Buffer }): Promise<Secret> {
    const id = `${use.caller?.arn ?? ''}\n${use.ciphertextBlob.toString('base64')}`;
    const { key } = await this.#get(this.#reads, id, async () => {
      const opened = await this.kms.decrypt({ caller: use.caller, requestId: use.requestId, context: use.context, ciphertextBlob: use.ciphertextBlob });
      return { keyArn: opened.keyArn, key: opened.plaintext, ciphertextBlob: use.ciphertextBlob, expiresAt: this.now() + BUCKET_KEY_LIFETIME_MS, uses: 0 };
    });
    return key;
  }

  /**
   * Concurrent first uses share one KMS call; a failed call is not cached; an expired or used-up key is
   * replaced. The copy is taken in the same turn as the check, before any eviction can wipe the entry.
   */
  async #get(map: Map<string, Promise<Entry>>, id: string, make: () => Promise<Entry>): Promise<{ entry: Entry; key: Secret }> {
    for (;;) {
      let pending = map.get(id);
      if (pending === undefined) {
        pending = make();
        map.set(id, pending);
        if (map.size > MAX_ENTRIES) this.#evict(map, map.keys().next().value!);
        pending.catch(() => { if (map.get(id) === pending) map.delete(id); });
      }
      const entry = await pending;
      if (entry.expiresAt > this.now() && entry.uses < BUCKET_KEY_MAX_USES) {
        entry.uses++;
        return { entry, key: new Secret(Buffer.from(entry.key.reveal())) };
      }
      if (map.get(id) === pending) this.#evict(map, id);
    }
  }

  #evict(map: Map<string, Promise<Entry>>, id: string): void {
    const gone = map.get(id);
    map.delete(id);
    gone?.then((e) => e.key.wipe(), () => undefined);
  }

  /** Wipes every cached bucket key (shutdown). */
  wipe(): void {
    for (const map of [this.#writes, this.#reads]) for (const id of [...map.keys()]) this.#evict(map, id);
  }
}
