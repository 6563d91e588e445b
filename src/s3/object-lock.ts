/** Object Lock: the bucket's configuration, the lock a write asks for, the guard every destroying write passes, the lock headers of a read. */
import { s3Error } from '../common/api-error.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { BucketRecord, MetaStore, ObjectRecord, RemovalGuard, RemovedVersion, Retention, UploadRecord } from '../stores/meta-store.js';
import { header } from './metadata-headers.js';
import { CHECKSUM_ALGORITHMS, checksumHeader } from './checksums.js';
import type { S3Context, S3Request } from './s3-request.js';

/** Bucket config holding the bucket's Object Lock configuration (JSON); absent: Object Lock is not enabled. */
export { OBJECT_LOCK_CONFIG } from '../stores/meta-store.js';

export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';
export const isLockMode = (v: string | undefined): v is LockMode => v === 'GOVERNANCE' || v === 'COMPLIANCE';

export interface LockConfiguration {
  readonly enabled: true;
  readonly defaultRetention?: { readonly mode: LockMode; readonly days?: number; readonly years?: number };
}

/** The bucket's Object Lock configuration, carried by its row (read with it, no second read). */
export function lockConfigurationOf(bucket: Pick<BucketRecord, 'objectLock'>): LockConfiguration | undefined {
  return bucket.objectLock === undefined ? undefined : JSON.parse(bucket.objectLock) as LockConfiguration;
}

/**
 * Whether any version of the key is still locked at `now` (retention not yet passed, or a legal hold): the audit trail
 * keeps such an object's records at least that long. A bucket without Object Lock answers at once.
 */
export async function keyUnderLock(meta: MetaStore, bucket: string, key: string, now: Date): Promise<boolean> {
  if ((await meta.getBucket(bucket))?.objectLock === undefined) return false;
  const locked = (v: ObjectRecord | undefined): boolean => v !== undefined && (v.legalHold === true || (v.retention !== undefined && v.retention.until > now));
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
  if (object.legalHold !== undefined) out['x-amz-object-lock-legal-hold'] = object.legalHold ? 'ON' : 'OFF';
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

/** A version's lock as a write asks for it: a retention, a legal hold (ON true, OFF false), either, neither. */
export interface RequestedLock { readonly retention?: Retention; readonly legalHold?: boolean }

/**
 * The lock a write's x-amz-object-lock-* headers ask for, else the bucket's default retention (Days or
 * Years from now): PutObject (`uploadsBody`: a lock, asked for or the bucket's default, needs an integrity
 * header, as S3 refuses such a PutObject without one) and CopyObject (no body, and no Content-MD5 or
 * x-amz-checksum-* in its API: S3 asks none of it).
 */
export function requestedLock(req: S3Request, ctx: S3Context, bucket: BucketRecord, uploadsBody: boolean): RequestedLock {
  const now = ctx.clock.now();
  const lock = withDefaultRetention(explicitLock(req.headers, bucket, now, uploadsBody), bucket, now);
  if (uploadsBody && lock.retention !== undefined && !hasIntegrityHeader(req.headers)) throw integrityRequired('Put Object');
  return lock;
}

/**
 * UploadPart of an upload whose object will get a lock (CreateMultipartUpload asked for a retention or a
 * legal hold, or the bucket has a default retention): each part needs Content-MD5 or a checksum, as S3
 * answers "… required for Put Part requests with Object Lock parameters". UploadPartCopy carries no body.
 */
export function checkPartIntegrity(headers: IncomingHttpHeaders, upload: Pick<UploadRecord, 'retention' | 'legalHold'>, bucket: BucketRecord): void {
  const locked = upload.retention !== undefined || upload.legalHold !== undefined || lockConfigurationOf(bucket)?.defaultRetention !== undefined;
  if (locked && !hasIntegrityHeader(headers)) throw integrityRequired('Put Part');
}

const integrityRequired = (what: 'Put Object' | 'Put Part') =>
  s3Error('InvalidRequest', { message: `Content-MD5 OR x-amz-checksum- HTTP header is required for ${what} requests with Object Lock parameters` });

/**
 * The x-amz-object-lock-* headers (or a POST form's fields of those names), validated as S3 does: on a
 * bucket without Object Lock 400 InvalidRequest; mode and date only together, a known mode, a future
 * date, ON/OFF (else 400 InvalidArgument). With `integrity`, lock headers need Content-MD5 or an
 * x-amz-checksum-* / x-amz-sdk-checksum-algorithm, as S3 requires of a write that carries the object's
 * bytes (PutObject, a POST form); CreateMultipartUpload and CopyObject carry none, so they are asked without.
 */
export function explicitLock(headers: IncomingHttpHeaders, bucket: BucketRecord, now: Date, integrity: boolean): RequestedLock {
  const mode = header(headers, 'x-amz-object-lock-mode');
  const until = header(headers, 'x-amz-object-lock-retain-until-date');
  const hold = header(headers, 'x-amz-object-lock-legal-hold');
  const asked = mode !== undefined || until !== undefined || (hold !== undefined && hold.trim().toUpperCase() !== 'OFF');
  if (!lockConfigurationOf(bucket)) {
    if (asked) throw s3Error('InvalidRequest', { message: 'Bucket is missing ObjectLockConfiguration' });
    return {};
  }
  if (hold !== undefined && hold !== 'ON' && hold !== 'OFF') throw invalid("Legal Hold must be either of 'ON' or 'OFF'", 'x-amz-object-lock-legal-hold', hold);
  if ((mode === undefined) !== (until === undefined)) {
    throw invalid('x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied', mode === undefined ? 'x-amz-object-lock-mode' : 'x-amz-object-lock-retain-until-date', mode ?? until ?? '');
  }
  if (mode !== undefined && !isLockMode(mode)) throw invalid('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
  if (integrity && (mode !== undefined || hold !== undefined) && !hasIntegrityHeader(headers)) {
    throw integrityRequired('Put Object');
  }
  const retention = mode === undefined ? undefined : { mode: mode as LockMode, until: parseRetainUntil(until!, now, 'x-amz-object-lock-retain-until-date') };
  return { ...(retention ? { retention } : {}), ...(hold !== undefined ? { legalHold: hold === 'ON' } : {}) };
}

/** `lock` with the bucket's default retention (from `now`) when it asks for no retention of its own. */
export function withDefaultRetention(lock: RequestedLock, bucket: BucketRecord, now: Date): RequestedLock {
  const d = lockConfigurationOf(bucket)?.defaultRetention;
  if (lock.retention || !d) return lock;
  return { ...lock, retention: { mode: d.mode, until: defaultUntil(now, d) } };
}

function defaultUntil(now: Date, d: { days?: number; years?: number }): Date {
  const until = new Date(now.getTime());
  if (d.years !== undefined) until.setUTCFullYear(until.getUTCFullYear() + d.years);
  else until.setUTCDate(until.getUTCDate() + (d.days ?? 0));
  return until;
}

function hasIntegrityHeader(headers: IncomingHttpHeaders): boolean {
  return headers['content-md5'] !== undefined || headers['x-amz-sdk-checksum-algorithm'] !== undefined
    || CHECKSUM_ALGORITHMS.some((a) => headers[checksumHeader(a)] !== undefined)
    || (header(headers, 'x-amz-trailer') ?? '').toLowerCase().startsWith('x-amz-checksum-');
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
 * The removal guard of a delete or an overwrite in place, run by the store inside its transaction. Always
 * given, whatever the bucket's configuration looked like when the request arrived: the guard reads only the
 * version being removed (a version without a lock passes at no cost), so a lock enabled meanwhile is still
 * honoured. The bypass permission is asked only when the header asks for it.
 */
export async function lockGuard(req: S3Request, ctx: S3Context, bucket: string, key?: string): Promise<RemovalGuard> {
  const bypass = await mayBypassGovernance(req, ctx, bucket, key ?? req.key);
  const now = ctx.clock.now();
  return (removed) => checkRemovable(removed, now, bypass);
}
