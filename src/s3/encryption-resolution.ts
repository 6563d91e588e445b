/** The effective encryption of a write: request headers > bucket default > SSE-S3 (INVARIANT 1: never none). */
import { s3Error } from '../common/api-error.js';
import type { EncryptionPlan, Envelope } from '../sse/envelope.js';
import type { EncryptionInfo, MetaStore } from '../stores/meta-store.js';
import type { SseRequest } from './sse-headers.js';

/** The stored form of a bucket's default encryption rule (PutBucketEncryption). */
export interface BucketEncryptionConfig {
  readonly algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  readonly kmsMasterKeyId: string | undefined;
  readonly bucketKeyEnabled: boolean;
  readonly blockedEncryptionTypes: readonly string[];
}

export const ENCRYPTION_CONFIG = 'encryption';

/**
 * What an unconfigured bucket behaves as and reports: SSE-S3, no bucket key, and SSE-C blocked, as
 * S3 sets new buckets since April 2026.
 */
export const IMPLICIT_DEFAULT: BucketEncryptionConfig = {
  algorithm: 'AES256', kmsMasterKeyId: undefined, bucketKeyEnabled: false, blockedEncryptionTypes: ['SSE-C'],
};

export async function loadBucketEncryption(meta: MetaStore, bucket: string): Promise<BucketEncryptionConfig | undefined> {
  const raw = await meta.getBucketConfig(bucket, ENCRYPTION_CONFIG);
  return raw === undefined ? undefined : (JSON.parse(raw) as BucketEncryptionConfig);
}

export interface ResolvedEncryption {
  readonly plan: EncryptionPlan;
  readonly info: EncryptionInfo;
  /** True when the bucket default (or the implicit SSE-S3 default) applied rather than the request's headers. */
  readonly defaultApplied: boolean;
}

const SSE_S3: ResolvedEncryption = { plan: { kind: 'sse-s3' }, info: { algorithm: 'AES256' }, defaultApplied: false };

/** `envelope` makes an SSE-C write's salted key check (the transport was checked when the headers were parsed). */
export function resolveEncryption(request: SseRequest, explicit: BucketEncryptionConfig | undefined, envelope: Envelope): ResolvedEncryption {
  const config = explicit ?? IMPLICIT_DEFAULT;
  switch (request.kind) {
    case 'sse-s3':
      return SSE_S3;
    case 'sse-kms':
      // DEVIATION: SSE-KMS and DSSE-KMS arrive with the KMS issue; until then refuse rather than store under another scheme.
      throw s3Error('NotImplemented', { message: 'Server-side encryption with KMS keys is not implemented yet.' });
    case 'sse-c':
      // Only a salted check of the key is kept with the object or upload; the key lives in this request only.
      return {
        plan: { kind: 'sse-c', key: request.key, keyMd5: request.keyMd5 },
        info: { algorithm: 'SSE-C', customerKeyHmac: envelope.customerKeyCheck(request.key) },
        defaultApplied: false,
      };
    case 'none':
      if (config.algorithm === 'AES256') return { ...SSE_S3, defaultApplied: true };
      throw s3Error('NotImplemented', { message: 'The bucket default asks for SSE-KMS, which is not implemented yet.' });
  }
}

/** CloudTrail's `SSEApplied` for a data event: how the write was encrypted, and whether the bucket default chose it. */
export function sseApplied(info: EncryptionInfo, defaultApplied: boolean): string {
  const kind = info.algorithm === 'AES256' ? 'SSE_S3' : info.algorithm === 'aws:kms' ? 'SSE_KMS' : info.algorithm === 'aws:kms:dsse' ? 'DSSE_KMS' : 'SSE_C';
  // S3 names only the defaults a bucket can have (Default_SSE_S3, Default_SSE_KMS); DSSE and SSE-C are always asked for.
  return defaultApplied && (kind === 'SSE_S3' || kind === 'SSE_KMS') ? `Default_${kind}` : kind;
}

/** The envelope plan that continues an existing encryption (parts of an upload follow its initiation; SSE-C parts: customer-keys.ts partPlan). */
export function planFor(info: EncryptionInfo): EncryptionPlan {
  if (info.algorithm === 'AES256') return { kind: 'sse-s3' };
  throw s3Error('NotImplemented', { message: `Encryption ${info.algorithm} is not implemented yet.` });
}
