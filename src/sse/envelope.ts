/** The envelope: the only place that chooses data keys and encrypts or decrypts object bytes. */
import type { Transform } from 'node:stream';
import { systemRandom, type Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import type { KeyManager } from '../kms/key-manager.js';
import { DecryptStream } from './decrypt-stream.js';
import { PackageOpener } from './package-opener.js';

export type { PackageOpener } from './package-opener.js';
import { EncryptStream } from './encrypt-stream.js';
import { ciphertextLength, packageSpan } from './range-math.js';
import type { ObjectRecord, PartRecord } from '../stores/meta-store.js';
import { manifestKey, sealManifest, verifyManifest, type ObjectLayout } from './layout-manifest.js';
import { decodeRecord, RECORD_VERSION_LEGACY } from './sealed-key-record.js';
import { openSseS3, sealSseS3 } from './seal-sse-s3.js';

export interface ObjectBinding { bucket: string; key: string; writeId: string; partNumber: number }
export type EncryptionPlan = { kind: 'sse-s3' };
export interface WriteSession { encrypt: Transform; sealedKey: Buffer }
/** `decrypt` owns the unsealed data key: read it to the end or destroy it, so the key is wiped. */
export interface ReadSession { cipherStart: number; cipherEnd: number; decrypt: Transform }
/** `opener` owns the unsealed data key: open every package or call `wipe()`. */
export interface PackageReadSession { cipherStart: number; cipherEnd: number; opener: PackageOpener }

export class Envelope {
  readonly stats = { packagesDecrypted: 0, packagesEncrypted: 0 };
  /**
   * Manifest MAC keys by master-key version, derived once: HKDF on every GET would cost more than the
   * rest of a small GET's crypto. Same lifetime and secrecy as the master keys they come from.
   */
  readonly #manifestKeys = new Map<number, Secret>();

  constructor(private readonly keys: KeyManager, private readonly random: Random = systemRandom) {}

  /** INVARIANT 2: a fresh random 256-bit data key for every write. */
  async beginWrite(_plan: EncryptionPlan, binding: ObjectBinding): Promise<WriteSession> {
    const dataKey = new Secret(this.random.bytes(32));
    const sealedKey = sealSseS3(this.keys, this.random, dataKey, binding);
    // The stream owns the key from here: it wipes it when it ends, fails or is destroyed.
    const encrypt = new EncryptStream(dataKey, () => { this.stats.packagesEncrypted++; });
    return { encrypt, sealedKey };
  }

  async openRead(sealedKey: Buffer, binding: ObjectBinding, plainSize: number, range?: { start: number; end: number }): Promise<ReadSession> {
    const r = range ?? { start: 0, end: Math.max(0, plainSize - 1) };
    const span = packageSpan(plainSize, r.start, r.end);
    // A read that starts at package 0 (every whole GET and copy) reads from byte 0 and checks the
    // blob header in the same read; a range starting later relies on the header being every
    // package's associated data (docs/FORMAT.md). The stream owns the key: it wipes it when it ends,
    // fails or is destroyed. A caller that cannot open the ciphertext must destroy `decrypt`.
    const fromHeader = span.first === 0;
    const decrypt = new DecryptStream(openSseS3(this.keys, sealedKey, binding), span, plainSize, r, () => { this.stats.packagesDecrypted++; }, fromHeader);
    return { cipherStart: fromHeader ? 0 : span.cipherStart, cipherEnd: span.cipherEnd, decrypt };
  }

  /**
   * The serving read path: like openRead, but the caller reads whole-package batches into its own
   * buffers and opens them with `opener` (no stream layer, no concatenation of straddling reads).
   */
  async openPackages(sealedKey: Buffer, binding: ObjectBinding, plainSize: number, range?: { start: number; end: number }): Promise<PackageReadSession> {
    const r = range ?? { start: 0, end: Math.max(0, plainSize - 1) };
    const span = packageSpan(plainSize, r.start, r.end);
    const fromHeader = span.first === 0;
    const opener = new PackageOpener(openSseS3(this.keys, sealedKey, binding), span, plainSize, r, () => { this.stats.packagesDecrypted++; }, fromHeader);
    return { cipherStart: fromHeader ? 0 : span.cipherStart, cipherEnd: span.cipherEnd, opener };
  }

  /**
   * For scrub: a decrypt stream that takes the WHOLE blob from byte 0 (header, every package, and
   * anything appended, which fails) and emits its plaintext.
   */
  async openWholeBlob(sealedKey: Buffer, binding: ObjectBinding, plainSize: number): Promise<Transform> {
    const span = packageSpan(plainSize, 0, Math.max(0, plainSize - 1));
    return new DecryptStream(openSseS3(this.keys, sealedKey, binding), span, plainSize, { start: 0, end: Math.max(0, plainSize - 1) }, () => { this.stats.packagesDecrypted++; }, true);
  }

  async reseal(sealedKey: Buffer, binding: ObjectBinding): Promise<Buffer | undefined> {
    const record = decodeRecord(sealedKey);
    if (record.masterKeyVersion === this.keys.currentMasterKey().version) return undefined;
    const dataKey = openSseS3(this.keys, sealedKey, binding);
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
   */
  checkLayout(object: ObjectRecord): void {
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

  /** Throws unless an uploaded part's tag matches it (or it is a legacy part without one). */
  checkPartLayout(bucket: string, key: string, part: PartRecord): void {
    if (part.layoutTag !== undefined) {
      verifyManifest((v) => this.#manifestKey(v), partLayoutOf(bucket, key, part), part.layoutTag);
      return;
    }
    if (decodeRecord(part.sealedKey).version !== RECORD_VERSION_LEGACY) throw new Error('upload part tag missing: the part was written with one');
  }

  #manifestKey(version: number): Buffer {
    let key = this.#manifestKeys.get(version);
    if (!key) {
      key = new Secret(manifestKey(this.keys.masterKey(version).reveal()));
      this.#manifestKeys.set(version, key);
    }
    return key.reveal();
  }

  describeSealedKey(sealedKey: Buffer): { kind: 'sse-s3'; masterKeyVersion: number } {
    const r = decodeRecord(sealedKey);
    return { kind: r.kind, masterKeyVersion: r.masterKeyVersion };
  }

  static ciphertextLength(plainSize: number): number {
    return ciphertextLength(plainSize);
  }
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
