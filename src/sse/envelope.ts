/** The envelope: the only place that chooses data keys and encrypts or decrypts object bytes. */
import type { Transform } from 'node:stream';
import { systemRandom, type Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import type { KeyManager } from '../kms/key-manager.js';
import { DecryptStream } from './decrypt-stream.js';
import { EncryptStream } from './encrypt-stream.js';
import { ciphertextLength, packageSpan } from './range-math.js';
import { decodeRecord } from './sealed-key-record.js';
import { openSseS3, sealSseS3 } from './seal-sse-s3.js';

export interface ObjectBinding { bucket: string; key: string; writeId: string; partNumber: number }
export type EncryptionPlan = { kind: 'sse-s3' };
export interface WriteSession { encrypt: Transform; sealedKey: Buffer }
/** `decrypt` owns the unsealed data key: read it to the end or destroy it, so the key is wiped. */
export interface ReadSession { cipherStart: number; cipherEnd: number; decrypt: Transform }

export class Envelope {
  readonly stats = { packagesDecrypted: 0, packagesEncrypted: 0 };

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
    // The stream owns the key: it wipes it when it ends, fails or is destroyed. A caller that cannot
    // open the ciphertext must destroy `decrypt`.
    const decrypt = new DecryptStream(openSseS3(this.keys, sealedKey, binding), span, plainSize, r, () => { this.stats.packagesDecrypted++; });
    return { cipherStart: span.cipherStart, cipherEnd: span.cipherEnd, decrypt };
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
      return sealSseS3(this.keys, this.random, dataKey, binding);
    } finally {
      dataKey.wipe();
    }
  }

  describeSealedKey(sealedKey: Buffer): { kind: 'sse-s3'; masterKeyVersion: number } {
    const r = decodeRecord(sealedKey);
    return { kind: r.kind, masterKeyVersion: r.masterKeyVersion };
  }

  static ciphertextLength(plainSize: number): number {
    return ciphertextLength(plainSize);
  }
}
