/** Object Lock: the bucket's configuration, the lock a write asks for, the guard every destroying write passes, the lock headers of a read. */
import { s3Error } from '../common/api-error.js';
import type { MetaStore, ObjectRecord, RemovalGuard, RemovedVersion, Retention } from '../stores/meta-store.js';
import { header } from './metadata-headers.js';
import { CHECKSUM_ALGORITHMS, checksumHeader } from './checksums.js';
import type { S3Context, S3Request } from './s3-request.js';

/** Bucket config holding the bucket's Object Lock configuration (JSON); absent: Object Lock is not enabled. */
export const OBJECT_LOCK_CONFIG = 'object-lock';

export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';
export const isLockMode = (v: string | undefined): v is LockMode => v === 'GOVERNANCE' || v === 'COMPLIANCE';

export interface LockConfiguration {
  readonly enabled: true;
  readonly defaultRetention?: { readonly mode: LockMode; readonly days?: number; readonly years?: number };
}

export async function loadLockConfiguration(meta: MetaStore, bucket: string): Promise<LockConfiguration | undefined> {
  const raw = await meta.getBucketConfig(bucket, OBJECT_LOCK_CONFIG);
  return raw === undefined ? undefined : JSON.parse(raw) as LockConfiguration;
}

/**
 * Whether any version of the key is still locked at `now` (retention not yet passed, or a legal hold): the audit trail
 * keeps such an object's records at least that long. A bucket without Object Lock answers at once.
 */
export async function keyUnderLock(meta: MetaStore, bucket: string, key: string, now: Date): Promise<boolean> {
  if ((await meta.getBucketConfig(bucket, OBJECT_LOCK_CONFIG).catch(() => undefined)) === undefined) return false;
  const locked = (v: ObjectRecord | undefined) => v !== undefined && (v.legalHold === true || (v.retention !== undefined && v.retention.until > now));
  let after: { key: string; versionId?: string } | undefined;
  for (;;) {
    const page = await meta.listVersions(bucket, { prefix: key, after, limit: 1000 });
    const mine = page.items.filter((v) => v.key === key);
    for (const v of mine) if (!v.deleteMarker && locked(await meta.getVersion(bucket, key, v.versionId))) return true;
    const last = page.items[page.items.length - 1];
    // Versions are listed by key: once past this key (or at the end), there are no more of its versions.
    if (!page.truncated || last === undefined || last.key !== key) return false;
    after = { key: last.key, versionId: last.versionId };
  }
}

export function lockResponseHeaders(object: ObjectRecord): Record<string, string> {
  const out: Record<string, string> = {};
  if (object.retention) {
    out['x-amz-object-lock-mode'] = object.retention.mode;
    out['x-amz-object-lock-retain-until-date'] = object.retention.until.toISOString();
  }
  if (object.legalHold) out['x-amz-object-lock-legal-hold'] = 'ON';
  return out;
}

const invalid = (message: string, name: string, value: string) => s3Error('InvalidArgument', { message, details: { ArgumentName: name, ArgumentValue: value } });

/** A RetainUntilDate (ISO 8601) that must lie in the future. */
export function parseRetainUntil(raw: string, now: Date, argument: string): Date {
  const until = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(until.getTime())) throw invalid('The retain until date must be provided in ISO 8601 format', argument, raw);
  if (until.getTime() <= now.getTime()) throw invalid('The retain until date must be in the future!', argument, raw);
  return until;
}

/**
 * The lock a write's x-amz-object-lock-* headers ask for, else the bucket's default retention (Days or
 * Years from now). Headers on a bucket without Object Lock: 400 InvalidRequest; mode and date only
 * together; explicit lock headers need Content-MD5 or an x-amz-checksum-* / x-amz-sdk-checksum-algorithm, as S3 requires.
 */
export async function requestedLock(req: S3Request, ctx: S3Context, bucket: string): Promise<{ retention?: Retention; legalHold?: boolean }> {
  const mode = header(req.headers, 'x-amz-object-lock-mode');
  const until = header(req.headers, 'x-amz-object-lock-retain-until-date');
  const hold = header(req.headers, 'x-amz-object-lock-legal-hold');
  const asked = mode !== undefined || until !== undefined || (hold !== undefined && hold.trim().toUpperCase() !== 'OFF');
  const config = await loadLockConfiguration(ctx.meta, bucket);
  if (!config) {
    if (asked) throw s3Error('InvalidRequest', { message: 'Bucket is missing ObjectLockConfiguration' });
    return {};
  }
  const now = ctx.clock.now();
  if (hold !== undefined && hold !== 'ON' && hold !== 'OFF') throw invalid("Legal Hold must be either of 'ON' or 'OFF'", 'x-amz-object-lock-legal-hold', hold);
  if ((mode === undefined) !== (until === undefined)) {
    throw invalid('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied', mode === undefined ? 'x-amz-object-lock-mode' : 'x-amz-object-lock-retain-until-date', mode ?? until ?? '');
  }
  if (mode !== undefined && !isLockMode(mode)) throw invalid('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
  if ((mode !== undefined || hold !== undefined) && !hasIntegrityHeader(req)) {
    throw s3Error('InvalidRequest', { message: 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters' });
  }
  let retention: Retention | undefined;
  if (mode !== undefined) retention = { mode: mode as LockMode, until: parseRetainUntil(until!, now, 'x-amz-object-lock-retain-until-date') };
  else if (config.defaultRetention) retention = { mode: config.defaultRetention.mode, until: defaultUntil(now, config.defaultRetention) };
  return { ...(retention ? { retention } : {}), ...(hold === 'ON' ? { legalHold: true } : {}) };
}

function defaultUntil(now: Date, d: { days?: number; years?: number }): Date {
  const until = new Date(now.getTime());
  if (d.years !== undefined) until.setUTCFullYear(until.getUTCFullYear() + d.years);
  else until.setUTCDate(until.getUTCDate() + (d.days ?? 0));
  return until;
}

function hasIntegrityHeader(req: S3Request): boolean {
  return req.headers['content-md5'] !== undefined || req.headers['x-amz-sdk-checksum-algorithm'] !== undefined
    || CHECKSUM_ALGORITHMS.some((a) => req.headers[checksumHeader(a)] !== undefined)
    || (header(req.headers, 'x-amz-trailer') ?? '').toLowerCase().startsWith('x-amz-checksum-');
}

/** True when the request sends x-amz-bypass-governance-retention: true and may use it (s3:BypassGovernanceRetention). */
export async function mayBypassGovernance(req: S3Request, ctx: S3Context, bucket: string, key: string | undefined): Promise<boolean> {
  if (header(req.headers, 'x-amz-bypass-governance-retention')?.trim().toLowerCase() !== 'true') return false;
  try {
    await ctx.authorize({ principal: req.principal, service: 's3', operation: 'BypassGovernanceRetention', bucket, key, facts: req.facts });
    return true;
  } catch {
    return false;
  }
}

/** Whether a version may be destroyed now: no legal hold, no retention in force (GOVERNANCE yields to an allowed bypass). */
export function checkRemovable(v: Pick<RemovedVersion, 'retention' | 'legalHold' | 'deleteMarker'>, now: Date, bypass: boolean): void {
  if (v.deleteMarker) return;
  if (v.legalHold) throw s3Error('AccessDenied', { message: 'Access Denied because object protected by object lock.' });
  if (v.retention && v.retention.until.getTime() > now.getTime() && (v.retention.mode === 'COMPLIANCE' || !bypass)) {
    throw s3Error('AccessDenied', { message: 'Access Denied because object protected by object lock.' });
  }
}

/**
 * The removal guard of a delete or an overwrite in place, run by the store inside its transaction. On a
 * bucket without Object Lock no version can carry a lock (it cannot be turned off once on), so there is none.
 */
export async function lockGuard(req: S3Request, ctx: S3Context, bucket: string, key?: string): Promise<RemovalGuard | undefined> {
  if (!(await loadLockConfiguration(ctx.meta, bucket))) return undefined;
  const bypass = await mayBypassGovernance(req, ctx, bucket, key ?? req.key);
  const now = ctx.clock.now();
  return (removed) => checkRemovable(removed, now, bypass);
}
