/** The x-amz-checksum-* algorithms: incremental hashers, header names, validation of supplied values. */
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { s3Error } from '../common/api-error.js';
import { Crc64Nvme } from './crc64-nvme.js';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Hasher { update(data: Buffer): void; digest(): string }

/** Header name for an algorithm: x-amz-checksum-crc32 … */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

export function parseChecksumAlgorithm(value: string | undefined, argumentName = 'x-amz-checksum-algorithm'): ChecksumAlgorithm | undefined {
  if (value === undefined || value === '') return undefined;
  const upper = value.toUpperCase();
  if ((CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)) return upper as ChecksumAlgorithm;
  throw s3Error('InvalidRequest', { message: 'Value for x-amz-checksum-algorithm header is invalid.', details: { ArgumentName: argumentName } });
}

class CrcHasher implements Hasher {
  #crc = 0;
  constructor(private readonly fn: (data: Buffer, initial: number) => number) {}
  update(data: Buffer): void { this.#crc = this.fn(data, this.#crc); }
  digest(): string {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.#crc >>> 0);
    return out.toString('base64');
  }
}

class NodeHasher implements Hasher {
  readonly #hash: Hash;
  constructor(name: string) { this.#hash = createHash(name); }
  update(data: Buffer): void { this.#hash.update(data); }
  digest(): string { return this.#hash.digest('base64'); }
}

class Crc64Hasher implements Hasher {
  readonly #crc = new Crc64Nvme();
  update(data: Buffer): void { this.#crc.update(data); }
  digest(): string { return this.#crc.digest().toString('base64'); }
}

export function createHasher(algorithm: ChecksumAlgorithm): Hasher {
  switch (algorithm) {
    case 'CRC32': return new CrcHasher((d, c) => crc32(d, c));
    case 'CRC32C': return new CrcHasher((d, c) => crc32c(d, c));
    case 'SHA1': return new NodeHasher('sha1');
    case 'SHA256': return new NodeHasher('sha256');
    case 'CRC64NVME': return new Crc64Hasher();
  }
}

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32, CRC64NVME: 8 };

/** Checks that a supplied checksum is base64 of the right length (InvalidRequest otherwise, as S3 says). */
export function validateChecksumValue(algorithm: ChecksumAlgorithm, value: string): void {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== DIGEST_BYTES[algorithm] || bytes.toString('base64') !== value) {
    throw s3Error('InvalidRequest', { message: `Value for ${checksumHeader(algorithm)} header is invalid.` });
  }
}

/** The checksum of checksums of a multipart upload: hash of the concatenated binary part digests, "-N". */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partDigests: readonly string[]): string {
  const h = createHasher(algorithm);
  for (const d of partDigests) h.update(Buffer.from(d, 'base64'));
  return `${h.digest()}-${partDigests.length}`;
}
