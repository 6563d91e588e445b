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

/** The object a write is for, and whether it came signed with SigV4 or over TLS (SSE-KMS needs one of them). */
export interface WriteTarget { readonly bucket: string; readonly key: string; readonly signedV4OrTls: boolean }

/**
 * `envelope` makes an SSE-C write's salted key check (the transport was checked when the headers were parsed);
 * `target` is the object an SSE-KMS write is for.
 */
export function resolveEncryption(request: SseRequest, explicit: BucketEncryptionConfig | undefined, envelope: Envelope, target?: WriteTarget): ResolvedEncryption {
  const config = explicit ?? IMPLICIT_DEFAULT;
  switch (request.kind) {
    case 'sse-s3':
      return SSE_S3;
    case 'sse-kms':
      // S3: the request's key id, else the AWS managed aws/s3 key (not the bucket default's key); the bucket
      // key flag from the request, else the bucket's.
      return kmsEncryption(request.dsse, request.keyId, request.context, request.bucketKey ?? (explicit !== undefined && explicit.algorithm === 'aws:kms' && config.bucketKeyEnabled), false, target);
    case 'sse-c':
      // A bucket that blocks SSE-C was refused before this (sse-c-block.ts assertSseCAllowed).
      // Only a salted check of the key is kept with the object or upload; the key lives in this request only.
      return {
        plan: { kind: 'sse-c', key: request.key, keyMd5: request.keyMd5 },
        info: { algorithm: 'SSE-C', customerKeyHmac: envelope.customerKeyCheck(request.key) },
        defaultApplied: false,
      };
    case 'none':
      if (config.algorithm === 'AES256') return { ...SSE_S3, defaultApplied: true };
      return kmsEncryption(config.algorithm === 'aws:kms:dsse', config.kmsMasterKeyId, undefined, config.bucketKeyEnabled, true, target);
  }
}

const CONTEXT_HEADER = 'x-amz-server-side-encryption-context';

/**
 * SSE-KMS or DSSE-KMS for one object: the caller's context (base64 JSON string map) merged with
 * {"aws:s3:arn": object ARN}, or the bucket ARN under a bucket key (DSSE-KMS has none: S3 ignores the flag).
 * `kmsKeyArn` is filled in once KMS has resolved the key (withKmsKeyArn).
 */
function kmsEncryption(dsse: boolean, keyId: string | undefined, contextHeader: string | undefined, bucketKey: boolean, defaultApplied: boolean, target: WriteTarget | undefined): ResolvedEncryption {
  if (target === undefined) throw new Error('an SSE-KMS write needs its target object');
  if (!target.signedV4OrTls) {
    throw s3Error('InvalidArgument', {
      message: 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.',
      details: { ArgumentName: 'Authorization', ArgumentValue: 'null' },
    });
  }
  const useBucketKey = bucketKey && !dsse;
  // Under a bucket key without a caller's context, the resolution depends on the bucket alone: made once.
  if (!useBucketKey || contextHeader !== undefined) return kmsResolution(dsse, keyId, contextHeader, useBucketKey, defaultApplied, target);
  const id = `${defaultApplied ? 'd' : 'r'}${keyId ?? ''}\n${target.bucket}`;
  let known = BUCKET_KEY_RESOLUTIONS.get(id);
  if (known === undefined) {
    const made = kmsResolution(false, keyId, undefined, true, defaultApplied, target);
    // Frozen through: a write that changed a shared resolution would change every other write's.
    if (made.plan.kind === 'sse-kms') Object.freeze(made.plan.context);
    known = Object.freeze({ ...made, plan: Object.freeze(made.plan), info: Object.freeze(made.info) });
    if (BUCKET_KEY_RESOLUTIONS.size >= 1024) BUCKET_KEY_RESOLUTIONS.delete(BUCKET_KEY_RESOLUTIONS.keys().next().value!);
    BUCKET_KEY_RESOLUTIONS.set(id, known);
  }
  return known;
}

/**
 * Bucket-key resolutions by how the key was named and the bucket (immutable, shared by every write they
 * fit): building the context, its JSON and base64 on every small PUT cost more than sealing its data key.
 */
const BUCKET_KEY_RESOLUTIONS = new Map<string, ResolvedEncryption>();

function kmsResolution(dsse: boolean, keyId: string | undefined, contextHeader: string | undefined, useBucketKey: boolean, defaultApplied: boolean, target: WriteTarget): ResolvedEncryption {
  const arn = useBucketKey ? `arn:aws:s3:::${target.bucket}` : `arn:aws:s3:::${target.bucket}/${target.key}`;
  const context = { ...parseContextHeader(contextHeader), 'aws:s3:arn': arn };
  const plan: EncryptionPlan = dsse ? { kind: 'dsse-kms', keyId, context } : { kind: 'sse-kms', keyId, context, bucketKey: useBucketKey };
  const info: EncryptionInfo = {
    algorithm: dsse ? 'aws:kms:dsse' : 'aws:kms',
    kmsContext: Buffer.from(JSON.stringify(context), 'utf8').toString('base64'),
    ...(useBucketKey ? { bucketKeyEnabled: true } : {}),
  };
  return { plan, info, defaultApplied };
}

/** The caller's encryption context: base64 of UTF-8 JSON holding a string-to-string map; InvalidArgument otherwise, as S3 answers. */
function parseContextHeader(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  const invalid = () => s3Error('InvalidArgument', {
    message: `The header '${CONTEXT_HEADER}' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map`,
    details: { ArgumentName: CONTEXT_HEADER, ArgumentValue: value },
  });
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw invalid();
    out[k] = v;
  }
  // The object's ARN is S3's to set: a caller's own aws:s3:arn would let one object's context pass for another's.
  if ('aws:s3:arn' in out) throw invalid();
  return out;
}

/** The last completion of each (shared) encryption info: a run of writes under one bucket key shares one. */
const WITH_ARN = new WeakMap<EncryptionInfo, EncryptionInfo>();

/** The encryption info of a KMS write completed with the key ARN KMS resolved (responses always carry the full ARN). */
export function withKmsKeyArn(info: EncryptionInfo, kmsKeyArn: string | undefined): EncryptionInfo {
  if (kmsKeyArn === undefined) return info;
  const known = WITH_ARN.get(info);
  if (known?.kmsKeyArn === kmsKeyArn) return known;
  const completed = { ...info, kmsKeyArn };
  WITH_ARN.set(info, completed);
  return completed;
}

/** Whether a request supplied its own encryption context: only then do PUT, COPY and CreateMultipartUpload echo it. */
export function contextRequested(request: SseRequest): boolean {
  return request.kind === 'sse-kms' && request.context !== undefined;
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
  if ((info.algorithm === 'aws:kms' || info.algorithm === 'aws:kms:dsse') && info.kmsContext !== undefined) {
    // The key by the ARN resolved at initiation, and the context fixed then: every part is sealed alike.
    const context = JSON.parse(Buffer.from(info.kmsContext, 'base64').toString('utf8')) as Record<string, string>;
    return info.algorithm === 'aws:kms:dsse'
      ? { kind: 'dsse-kms', keyId: info.kmsKeyArn, context }
      : { kind: 'sse-kms', keyId: info.kmsKeyArn, context, bucketKey: info.bucketKeyEnabled === true };
  }
  throw s3Error('NotImplemented', { message: `Encryption ${info.algorithm} is not implemented yet.` });
}
