/** Object Lock of a version as S3 reports it: the x-amz-object-lock-* headers of a GET or HEAD. */
import type { MetaStore, ObjectRecord, RemovalGuard } from '../stores/meta-store.js';
import type { S3Context, S3Request } from './s3-request.js';

export function lockResponseHeaders(object: ObjectRecord): Record<string, string> {
  const out: Record<string, string> = {};
  if (object.retention) {
    out['x-amz-object-lock-mode'] = object.retention.mode;
    out['x-amz-object-lock-retain-until-date'] = object.retention.until.toISOString();
  }
  if (object.legalHold) out['x-amz-object-lock-legal-hold'] = 'ON';
  return out;
}

/** The removal guard of a delete or overwrite: Object Lock's retention and legal hold (none yet: every removal allowed). */
export async function lockGuard(_req: S3Request, _ctx: S3Context, _bucket: string): Promise<RemovalGuard | undefined> {
  return undefined;
}

/** Bucket config holding the bucket's Object Lock configuration (JSON); absent: Object Lock is not enabled. */
export const OBJECT_LOCK_CONFIG = 'object-lock';

export interface LockConfiguration {
  readonly enabled: true;
  readonly defaultRetention?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days?: number; readonly years?: number };
}

export async function loadLockConfiguration(meta: MetaStore, bucket: string): Promise<LockConfiguration | undefined> {
  const raw = await meta.getBucketConfig(bucket, OBJECT_LOCK_CONFIG);
  return raw === undefined ? undefined : JSON.parse(raw) as LockConfiguration;
}
