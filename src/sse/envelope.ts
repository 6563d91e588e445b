/** The envelope: the only place that chooses data keys and encrypts or decrypts object bytes. */
import type { Transform } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import type { Principal } from '../common/principal.js';
import { systemRandom, type Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import { UnknownMasterKeyVersionError, type KeyManager } from '../kms/key-manager.js';
import { DecryptStream } from './decrypt-stream.js';
import { PackageOpener } from './package-opener.js';

export type { PackageOpener } from './package-opener.js';
export type { KeyUse, KmsDataKeys } from './kms-data-keys.js';
export { kmsNotAvailable } from './kms-data-keys.js';
export { CustomerKeyMismatchError } from './seal-sse-c.js';
export type { ObjectBinding } from './sealed-key-record.js';
import { EncryptStream } from './encrypt-stream.js';
import { kmsNotAvailable, type KmsDataKeys } from './kms-data-keys.js';
import { etagKey, opaqueEtag } from './object-etag.js';
import { ciphertextLength, packageSpan } from './range-math.js';
import type { ObjectRecord, PartRecord } from '../stores/meta-store.js';
import { manifestKey, sealManifest, verifyManifest, type ObjectLayout } from './layout-manifest.js';
import { decodeRecord, KIND_SSE_S3, RECORD_VERSION_LEGACY, type ObjectBinding, type RecordKind } from './sealed-key-record.js';
import { customerKeyCheck, customerKeyMatches, openSseC, sealSseC } from './seal-sse-c.js';
import { combineDsseKeys, openDsseKms, openSseKms, sealDsseKms, sealSseKms } from './seal-sse-kms.js';
import { BucketKeys } from './bucket-keys.js';
import { OuterLayer } from './dual-layer.js';
import { TAG_SIZE } from './package-format.js';
import { openSseS3, sealSseS3 } from './seal-sse-s3.js';

/** How a write is encrypted. SSE-KMS contexts arrive complete (S3 adds aws:s3:arn); SSE-C carries the customer key for this request only. */
export type EncryptionPlan =
  | { readonly kind: 'sse-s3' }
  | { readonly kind: 'sse-kms'; readonly keyId?: string; readonly context: Readonly<Record<string, string>>; readonly bucketKey: boolean }
  | { readonly kind: 'dsse-kms'; readonly keyId?: string; readonly context: Readonly<Record<string, string>> }
  | { readonly kind: 'sse-c'; readonly key: Secret; readonly keyMd5: string };
/** Who a key is used for (KMS key policies and the audit trail see it). */
export interface KeyCaller { readonly principal: Principal | undefined; readonly requestId: string }
/** What a read brings to open a data key: the caller (SSE-KMS) or the customer key (SSE-C). */
export interface ReadKeys { readonly caller?: KeyCaller; readonly customerKey?: Secret }
/**
 * `etag(md5)` is the object's or part's ETag: the MD5 itself for SSE-S3, an opaque HMAC of it for the
 * other kinds (S3's ETag of SSE-KMS and SSE-C objects is not the MD5 of the data).
 */
export interface WriteSession { encrypt: Transform; sealedKey: Buffer; etag(md5: Buffer): string; kmsKeyArn?: string | undefined }
/** `decrypt` owns the unsealed data key: read it to the end or destroy it, so the key is wiped. */
export interface ReadSession { cipherStart: number; cipherEnd: number; decrypt: Transform }
/** What opens a blob: one data key, or (two-layer DSSE-KMS) data key 1 inside and layer 2 under data key 2 outside. */
interface BlobKeys { readonly inner: Secret; readonly outer?: OuterLayer | undefined }
/** `opener` owns the unsealed data key: open every package or call `wipe()`. */
export interface PackageReadSession { cipherStart: number; cipherEnd: number; opener: PackageOpener }

export class Envelope {
  readonly stats = { packagesDecrypted: 0, packagesEncrypted: 0 };
  /**
   * Manifest MAC keys by master-key version, derived once: HKDF on every GET would cost more than the
   * rest of a small GET's crypto. Same lifetime and secrecy as the master keys they come from.
   */
  readonly #manifestKeys = new Map<number, Secret>();

  /** Bucket keys of SSE-KMS writes and reads with BucketKeyEnabled (bucket-keys.ts). */
  readonly #bucketKeys: BucketKeys;

  constructor(private readonly keys: KeyManager, private readonly random: Random = systemRandom, private readonly kms: KmsDataKeys = kmsNotAvailable) {
    this.#bucketKeys = new BucketKeys(kms);
  }

  /**
   * INVARIANT 2: a fresh random 256-bit data key for every write. DSSE-KMS draws two, each sealed under its
   * own KMS data key, each encrypting its own layer of the blob (dual-layer.ts, docs/FORMAT.md).
   */
  async beginWrite(plan: EncryptionPlan, binding: ObjectBinding, caller: KeyCaller): Promise<WriteSession> {
    let dataKey: Secret;
    let outer: OuterLayer | undefined;
    let sealed: { sealedKey: Buffer; kmsKeyArn?: string | undefined };
    if (plan.kind === 'dsse-kms') {
      const layers = [new Secret(this.random.bytes(32)), new Secret(this.random.bytes(32))] as const;
      try {
        sealed = await this.#sealDsse(plan, layers, binding, caller);
      } catch (err) {
        layers[0].wipe();
        layers[1].wipe();
        throw err;
      }
      dataKey = layers[0];
      outer = new OuterLayer(layers[1]);
    } else {
      dataKey = new Secret(this.random.bytes(32));
      try {
        sealed = await this.#seal(plan, dataKey, binding, caller);
      } catch (err) {
        dataKey.wipe();
        throw err;
      }
    }
    const etag = plan.kind === 'sse-s3' ? md5Etag : opaqueEtagOnce(etagKey(dataKey));
    // The stream owns the key(s) from here: it wipes them when it ends, fails or is destroyed.
    const encrypt = new EncryptStream(dataKey, () => { this.stats.packagesEncrypted++; }, outer);
    return { encrypt, sealedKey: sealed.sealedKey, etag, kmsKeyArn: sealed.kmsKeyArn };
  }

  /**
   * The full ARN of the KMS key a plan names, with the caller's permission to make data keys under it and
   * the key's state checked (CreateMultipartUpload: its parts then name the key by this ARN). Undefined for
   * plans without a KMS key.
   */
  async kmsKeyArn(plan: EncryptionPlan, caller: KeyCaller): Promise<string | undefined> {
    if (plan.kind !== 'sse-kms' && plan.kind !== 'dsse-kms') return undefined;
    if (plan.kind === 'sse-kms' && plan.bucketKey) {
      const bk = await this.#bucketKeys.forWrite({ caller: caller.principal, requestId: caller.requestId, context: plan.context, keyId: plan.keyId });
      bk.key.wipe();
      return bk.keyArn;
    }
    const kek = await this.kms.generateDataKey({ caller: caller.principal, requestId: caller.requestId, context: plan.context, keyId: plan.keyId });
    kek.plaintext.wipe();
    return kek.keyArn;
  }

  async #seal(plan: Exclude<EncryptionPlan, { kind: 'dsse-kms' }>, dataKey: Secret, binding: ObjectBinding, caller: KeyCaller): Promise<{ sealedKey: Buffer; kmsKeyArn?: string | undefined }> {
    switch (plan.kind) {
      case 'sse-s3':
        return { sealedKey: sealSseS3(this.keys, this.random, dataKey, binding) };
      case 'sse-c':
        return { sealedKey: sealSseC(plan.key, dataKey, binding, this.random) };
      case 'sse-kms': {
        // With a bucket key the KMS data key is the bucket's (context: the bucket ARN), shared by many objects;
        // each object's record key still differs (its own salt), and its data key is its own.
        const use = { caller: caller.principal, requestId: caller.requestId, context: plan.context, keyId: plan.keyId };
        const context = contextJson(plan.context);
        const kek = plan.bucketKey
          ? await this.#bucketKeys.forWrite({ ...use, contextJson: context }).then((b) => ({ keyArn: b.keyArn, plaintext: b.key, ciphertextBlob: b.ciphertextBlob }))
          : await this.kms.generateDataKey(use);
        try {
          const sealedKey = sealSseKms(kek.plaintext, { keyArn: kek.keyArn, ciphertextBlob: kek.ciphertextBlob, bucketKey: plan.bucketKey, context }, dataKey, binding, this.random);
          return { sealedKey, kmsKeyArn: kek.keyArn };
        } finally {
          kek.plaintext.wipe();
        }
      }
    }
  }

  /** DSSE-KMS: two KMS data keys from two independent GenerateDataKey calls, one per layer key. */
  async #sealDsse(plan: Extract<EncryptionPlan, { kind: 'dsse-kms' }>, layers: readonly [Secret, Secret], binding: ObjectBinding, caller: KeyCaller): Promise<{ sealedKey: Buffer; kmsKeyArn: string }> {
    const use = { caller: caller.principal, requestId: caller.requestId, context: plan.context, keyId: plan.keyId };
    const first = await this.kms.generateDataKey(use);
    try {
      // The second names the key by the ARN the first resolved, so an alias moved in between cannot split the layers.
      const second = await this.kms.generateDataKey({ ...use, keyId: first.keyArn });
      try {
        const sealedKey = sealDsseKms([first.plaintext, second.plaintext], { keyArn: first.keyArn, context: JSON.stringify(plan.context), ciphertextBlobs: [first.ciphertextBlob, second.ciphertextBlob] }, layers, binding, this.random);
        return { sealedKey, kmsKeyArn: first.keyArn };
      } finally {
        second.plaintext.wipe();
      }
    } finally {
      first.plaintext.wipe();
    }
  }

  /**
   * Runs `use`; when it meets a master-key version this process does not hold (another process rotated the
   * SSE-S3 master key since this one loaded it), takes up the new versions and runs it once more.
   * Synchronous, and as cheap as before, whenever every version named is held.
   */
  #withVersions<T>(use: () => T): T | Promise<T> {
    try {
      return use();
    } catch (err) {
      if (!(err instanceof UnknownMasterKeyVersionError)) throw err;
      return this.keys.reload().then(use);
    }
  }

  /**
   * The data key of a sealed record. SSE-S3 (the hot path) opens synchronously, without a promise; the
   * other kinds need the caller's KMS access or the customer key.
   */
  #dataKey(sealedKey: Buffer, binding: ObjectBinding, keys: ReadKeys): Secret | Promise<Secret | BlobKeys> {
    if (sealedKey[1] === KIND_SSE_S3) return this.#withVersions(() => openSseS3(this.keys, sealedKey, binding));
    const record = decodeRecord(sealedKey);
    switch (record.kind) {
      case 'sse-s3':
        return this.#withVersions(() => openSseS3(this.keys, sealedKey, binding));
      case 'sse-c':
        if (!keys.customerKey) throw new Error('an SSE-C data key needs the customer key');
        return openSseC(record, keys.customerKey, binding);
      case 'sse-kms': {
        const use = { caller: keys.caller?.principal, requestId: keys.caller?.requestId ?? '', context: JSON.parse(record.context) as Record<string, string>, ciphertextBlob: record.ciphertextBlob };
        const kek = record.bucketKey ? this.#bucketKeys.forRead(use) : this.kms.decrypt(use).then((k) => k.plaintext);
        return kek.then((k) => { try { return openSseKms(record, k, binding); } finally { k.wipe(); } });
      }
      case 'dsse-kms':
        return this.#openDsse(record, binding, keys);
    }
  }

  /** Both layers' data keys: as the two layers of a format-2 blob, or combined into the one key of a one-layer record. */
  async #openDsse(record: Extract<ReturnType<typeof decodeRecord>, { kind: 'dsse-kms' }>, binding: ObjectBinding, keys: ReadKeys): Promise<Secret | BlobKeys> {
    const use = { caller: keys.caller?.principal, requestId: keys.caller?.requestId ?? '', context: JSON.parse(record.context) as Record<string, string> };
    const first = await this.kms.decrypt({ ...use, ciphertextBlob: record.ciphertextBlobs[0] });
    try {
      const second = await this.kms.decrypt({ ...use, ciphertextBlob: record.ciphertextBlobs[1] });
      try {
        const layers = openDsseKms(record, [first.plaintext, second.plaintext], binding);
        if (record.dataLayers === 2) return { inner: layers[0], outer: new OuterLayer(layers[1]) };
        try {
          return combineDsseKeys(layers);
        } finally {
          layers[0].wipe();
          layers[1].wipe();
        }
      } finally {
        second.plaintext.wipe();
      }
    } finally {
      first.plaintext.wipe();
    }
  }

  /**
   * Reseals a data key for another plan without touching the data (SSE-C key rotation; later SSE-S3 →
   * SSE-KMS): opens it with `from`, seals it under `plan` for the same binding. The ETag stays valid.
   */
  async rekey(sealedKey: Buffer, binding: ObjectBinding, from: ReadKeys, plan: EncryptionPlan, caller: KeyCaller): Promise<Buffer> {
    // A DSSE-KMS data key is a combination of two layer keys, so another kind's key cannot become one.
    if (plan.kind === 'dsse-kms') throw s3Error('InvalidRequest', { message: "The UpdateObjectEncryption operation doesn't support updating the encryption type to DSSE-KMS or SSE-C. Modify the request to specify SSE-KMS for the updated encryption type, and then try again." });
    const got = this.#dataKey(sealedKey, binding, from);
    const opened = got instanceof Secret ? got : await got;
    // A two-layer blob needs both of its keys: no single data key can be resealed for it (copy rewrites it instead).
    if (!(opened instanceof Secret)) {
      opened.inner.wipe();
      opened.outer?.wipe();
      throw new Error('a two-layer DSSE-KMS object cannot be resealed under another encryption without rewriting its data');
    }
    const dataKey = opened;
    try {
      return (await this.#seal(plan, dataKey, binding, caller)).sealedKey;
    } finally {
      dataKey.wipe();
    }
  }

  /** A salted check of a customer key, kept with an upload or object to tell its key from others (never the key). */
  customerKeyCheck(key: Secret): string {
    return customerKeyCheck(key, this.random);
  }

  customerKeyMatches(check: string, key: Secret): boolean {
    return customerKeyMatches(check, key);
  }

  async openRead(sealedKey: Buffer, binding: ObjectBinding, plainSize: number, range?: { start: number; end: number }, keys: ReadKeys = {}): Promise<ReadSession> {
    const r = range ?? { start: 0, end: Math.max(0, plainSize - 1) };
    const k = await this.#blobKeys(sealedKey, binding, keys);
    const span = packageSpan(plainSize, r.start, r.end, tagBytes(k));
    // A read that starts at package 0 (every whole GET and copy) reads from byte 0 and checks the
    // blob header in the same read; a range starting later relies on the header being every
    // package's associated data (docs/FORMAT.md). The stream owns the key: it wipes it when it ends,
    // fails or is destroyed. A caller that cannot open the ciphertext must destroy `decrypt`.
    const fromHeader = span.first === 0;
    const decrypt = new DecryptStream(k.inner, span, plainSize, r, () => { this.stats.packagesDecrypted++; }, fromHeader, k.outer);
    return { cipherStart: fromHeader ? 0 : span.cipherStart, cipherEnd: span.cipherEnd, decrypt };
  }

  /**
   * The serving read path: like openRead, but the caller reads whole-package batches into its own
   * buffers and opens them with `opener` (no stream layer, no concatenation of straddling reads).
   */
  async openPackages(sealedKey: Buffer, binding: ObjectBinding, plainSize: number, range?: { start: number; end: number }, keys: ReadKeys = {}): Promise<PackageReadSession> {
    const r = range ?? { start: 0, end: Math.max(0, plainSize - 1) };
    const got = this.#dataKey(sealedKey, binding, keys);
    // SSE-S3 (the hot path) keeps its synchronous key: no extra await, no extra object.
    const k = got instanceof Secret ? { inner: got } : blobKeysOf(await got);
    const span = packageSpan(plainSize, r.start, r.end, tagBytes(k));
    const fromHeader = span.first === 0;
    const opener = new PackageOpener(k.inner, span, plainSize, r, () => { this.stats.packagesDecrypted++; }, fromHeader, k.outer);
    return { cipherStart: fromHeader ? 0 : span.cipherStart, cipherEnd: span.cipherEnd, opener };
  }

  /**
   * For scrub: a decrypt stream that takes the WHOLE blob from byte 0 (header, every package, and
   * anything appended, which fails) and emits its plaintext.
   */
  async openWholeBlob(sealedKey: Buffer, binding: ObjectBinding, plainSize: number, keys: ReadKeys = {}): Promise<Transform> {
    const k = await this.#blobKeys(sealedKey, binding, keys);
    const span = packageSpan(plainSize, 0, Math.max(0, plainSize - 1), tagBytes(k));
    return new DecryptStream(k.inner, span, plainSize, { start: 0, end: Math.max(0, plainSize - 1) }, () => { this.stats.packagesDecrypted++; }, true, k.outer);
  }

  /** Master-key rotation: an SSE-S3 record under an older master-key version is resealed; any other is left as it is (undefined). */
  async reseal(sealedKey: Buffer, binding: ObjectBinding): Promise<Buffer | undefined> {
    const record = decodeRecord(sealedKey);
    if (record.kind !== 'sse-s3' || record.masterKeyVersion === this.keys.currentMasterKey().version) return undefined;
    const dataKey = await this.#withVersions(() => openSseS3(this.keys, sealedKey, binding));
    try {
      // A legacy record stays legacy (its object has no layout manifest to satisfy); any other becomes version 3.
      return sealSseS3(this.keys, this.random, dataKey, binding, record.version);
    } finally {
      dataKey.wipe();
    }
  }

  /** The layout manifest of an object about to be committed (INVARIANT 9). */
  sealLayout(object: ObjectRecord): Buffer {
    const version = this.keys.currentMasterKey().version;
    return sealManifest(this.#manifestKey(version), version, layoutOf(object));
  }

  /**
   * Throws unless the object's layout is authentic: its manifest matches, or it has none and every part's
   * sealed key is a legacy (version 1) record written before manifests existed. Run before any byte is served.
   * Synchronous (undefined) unless the manifest names a master-key version another process added since:
   * then a promise, settled once the versions are loaded and the check has run.
   */
  checkLayout(object: ObjectRecord): Promise<void> | undefined {
    const checked = this.#withVersions(() => this.#checkLayout(object));
    return checked instanceof Promise ? checked : undefined;
  }

  #checkLayout(object: ObjectRecord): void {
    if (object.manifest !== undefined) {
      verifyManifest((v) => this.#manifestKey(v), layoutOf(object), object.manifest);
      return;
    }
    if (object.parts.length === 0 || object.parts.some((p) => decodeRecord(p.sealedKey).version !== RECORD_VERSION_LEGACY)) {
      throw new Error('layout manifest missing: the object was written with one');
    }
  }

  /**
   * The tag of one uploaded part of a multipart upload (its upload id, number, size and ETag), sealed when
   * the part is stored: Complete checks it before sealing the object's manifest over the parts, so a part
   * size edited in between cannot be authenticated by the manifest.
   */
  sealPartLayout(bucket: string, key: string, part: PartRecord): Buffer {
    const version = this.keys.currentMasterKey().version;
    return sealManifest(this.#manifestKey(version), version, partLayoutOf(bucket, key, part));
  }

  /** Throws unless an uploaded part's tag matches it (or it is a legacy part without one); a part tagged by another process under a newer master-key version loads it first. */
  async checkPartLayout(bucket: string, key: string, part: PartRecord): Promise<void> {
    await this.#withVersions(() => this.#checkPartLayout(bucket, key, part));
  }

  #checkPartLayout(bucket: string, key: string, part: PartRecord): void {
    if (part.layoutTag !== undefined) {
      verifyManifest((v) => this.#manifestKey(v), partLayoutOf(bucket, key, part), part.layoutTag);
      return;
    }
    if (decodeRecord(part.sealedKey).version !== RECORD_VERSION_LEGACY) throw new Error('upload part tag missing: the part was written with one');
  }

  async #blobKeys(sealedKey: Buffer, binding: ObjectBinding, keys: ReadKeys): Promise<BlobKeys> {
    const got = this.#dataKey(sealedKey, binding, keys);
    return blobKeysOf(got instanceof Secret ? got : await got);
  }

  #manifestKey(version: number): Buffer {
    let key = this.#manifestKeys.get(version);
    if (!key) {
      key = new Secret(manifestKey(this.keys.masterKey(version).reveal()));
      this.#manifestKeys.set(version, key);
    }
    return key.reveal();
  }

  /** A record's kind and, for SSE-S3, the master-key version that sealed it. */
  describeSealedKey(sealedKey: Buffer): { kind: RecordKind; masterKeyVersion: number | undefined; kmsKeyArn: string | undefined; bucketKey: boolean } {
    const r = decodeRecord(sealedKey);
    return {
      kind: r.kind, masterKeyVersion: r.kind === 'sse-s3' ? r.masterKeyVersion : undefined,
      kmsKeyArn: r.kind === 'sse-kms' || r.kind === 'dsse-kms' ? r.keyArn : undefined, bucketKey: r.kind === 'sse-kms' && r.bucketKey,
    };
  }

  /** Wipes the cached bucket keys (shutdown). */
  wipe(): void {
    this.#bucketKeys.wipe();
  }

  static ciphertextLength(plainSize: number): number {
    return ciphertextLength(plainSize);
  }
}

const md5Etag = (md5: Buffer): string => md5.toString('hex');

/** The JSON of an encryption context, made once per context object (a bucket key's is shared by many writes). */
const CONTEXT_JSON = new WeakMap<object, string>();
function contextJson(context: Readonly<Record<string, string>>): string {
  let json = CONTEXT_JSON.get(context);
  if (json === undefined) {
    json = JSON.stringify(context);
    CONTEXT_JSON.set(context, json);
  }
  return json;
}
const blobKeysOf = (k: Secret | BlobKeys): BlobKeys => (k instanceof Secret ? { inner: k } : k);
/** Authentication bytes per package: one tag, or two for a two-layer blob. */
const tagBytes = (k: BlobKeys): number => TAG_SIZE + (k.outer?.overhead ?? 0);

/** The ETag function of a non-SSE-S3 write: the ETag key is wiped once the ETag is made. */
function opaqueEtagOnce(key: Secret): (md5: Buffer) => string {
  return (md5) => {
    if (key.wiped) throw new Error('the ETag of this write was already made');
    try {
      return opaqueEtag(key, md5);
    } finally {
      key.wipe();
    }
  };
}

/** The fields of an object row that decide which bytes a read serves. */
function layoutOf(o: ObjectRecord): ObjectLayout {
  return {
    bucket: o.bucket, key: o.key, writeId: o.writeId, size: o.size, etag: o.etag, partsCount: o.partsCount,
    parts: o.parts.map((p) => ({ partNumber: p.partNumber, writeId: p.writeId, size: p.size, etag: p.etag })),
  };
}

/** One uploaded part as a layout of its own (partsCount 'upload part' keeps it apart from any object's). */
function partLayoutOf(bucket: string, key: string, p: PartRecord): ObjectLayout {
  return {
    bucket, key, writeId: p.writeId, size: p.size, etag: p.etag, partsCount: 'upload part',
    parts: [{ partNumber: p.partNumber, writeId: p.writeId, size: p.size, etag: p.etag }],
  };
}
