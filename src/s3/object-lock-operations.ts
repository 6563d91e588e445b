/** Put/GetObjectLockConfiguration (bucket), Put/GetObjectRetention and Put/GetObjectLegalHold (per version). */
import { s3Error } from '../common/api-error.js';
import { xmlChildren, xmlText } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import type { BucketRecord, ObjectRecord, Retention } from '../stores/meta-store.js';
import { checkVersionId, requireBucket, requireKey } from './object-names.js';
import { checkRemovable, isLockMode, lockConfigurationOf, mayBypassGovernance, OBJECT_LOCK_CONFIG, parseRetainUntil, type LockConfiguration } from './object-lock.js';
import { readDigestedXmlBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { readableVersion, readVersionHeader, versioningOf } from './versioning.js';

const XML = { 'content-type': 'application/xml' };

export async function putObjectLockConfiguration(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const doc = await readDigestedXmlBody(req, 'ObjectLockConfiguration');
  if (xmlText(doc, 'ObjectLockEnabled') !== 'Enabled') throw s3Error('MalformedXML');
  const rule = xmlChildren(doc, 'Rule')[0];
  let config: LockConfiguration = { enabled: true };
  if (rule !== undefined) {
    const d = xmlChildren(rule, 'DefaultRetention')[0];
    if (d === undefined) throw s3Error('MalformedXML');
    const mode = xmlText(d, 'Mode');
    const days = xmlText(d, 'Days');
    const years = xmlText(d, 'Years');
    if (!isLockMode(mode) || (days === undefined) === (years === undefined)) throw s3Error('MalformedXML');
    const n = Number(days ?? years);
    if (!/^\d+$/.test(days ?? years ?? '') || n < 1) {
      throw s3Error('InvalidArgument', { message: 'Default retention period must be a positive integer value.', details: { ArgumentName: days !== undefined ? 'Days' : 'Years', ArgumentValue: days ?? years ?? '' } });
    }
    config = { enabled: true, defaultRetention: { mode, ...(days !== undefined ? { days: n } : { years: n }) } };
  }
  if (versioningOf(bucket) !== 'Enabled') {
    throw s3Error('InvalidBucketState', { message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration" });
  }
  await ctx.meta.putBucketConfig(bucket.name, OBJECT_LOCK_CONFIG, JSON.stringify(config));
  return { status: 200 };
}

export async function getObjectLockConfiguration(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const config = lockConfigurationOf(bucket);
  if (!config) throw s3Error('ObjectLockConfigurationNotFoundError', { details: { BucketName: bucket.name } });
  const d = config.defaultRetention;
  const body = toXml('ObjectLockConfiguration', {
    ObjectLockEnabled: 'Enabled',
    Rule: d ? { DefaultRetention: { Mode: d.mode, Days: d.days, Years: d.years } } : undefined,
  });
  return { status: 200, headers: XML, body };
}

/** The version a retention or legal-hold request names, on a bucket that has Object Lock. */
async function lockTarget(req: S3Request, ctx: S3Context): Promise<{ bucket: string; record: BucketRecord; key: string; versionId: string | undefined; object: ObjectRecord }> {
  const key = requireKey(req);
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  if (!lockConfigurationOf(bucket)) throw s3Error('InvalidRequest', { message: 'Bucket is missing Object Lock Configuration' });
  const object = await readableVersion(req, ctx, bucket.name, key, versionId);
  return { bucket: bucket.name, record: bucket, key, versionId, object };
}

/**
 * PutObjectRetention: extending (same mode, later date) is always allowed; shortening, removing or changing
 * the mode of a retention in force is refused (403 AccessDenied) in COMPLIANCE mode, even to the account
 * root, and in GOVERNANCE mode allowed only with x-amz-bypass-governance-retention and s3:BypassGovernanceRetention.
 * The rule is checked inside the store's transaction against the version as it is then.
 */
export async function putObjectRetention(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const t = await lockTarget(req, ctx);
  const doc = await readDigestedXmlBody(req, 'Retention');
  const mode = xmlText(doc, 'Mode');
  const date = xmlText(doc, 'RetainUntilDate');
  if ((mode === undefined) !== (date === undefined) || (mode !== undefined && !isLockMode(mode))) throw s3Error('MalformedXML');
  const now = ctx.clock.now();
  const next: Retention | null = mode === undefined ? null : { mode: mode as Retention['mode'], until: parseRetainUntil(date!, now, 'RetainUntilDate') };
  const bypass = await mayBypassGovernance(req, ctx, t.bucket, t.key);
  const changed = await ctx.meta.putObjectLock(t.bucket, t.key, t.object.versionId ?? 'null', { retention: next }, (current) => {
    const old = current.retention;
    if (!old || old.until.getTime() <= now.getTime()) return;
    const extends_ = next !== null && next.mode === old.mode && next.until.getTime() >= old.until.getTime();
    if (!extends_) checkRemovable({ retention: old, deleteMarker: false }, now, bypass);
  });
  if (!changed) await readableVersion(req, ctx, t.bucket, t.key, t.object.versionId ?? 'null');
  return { status: 200, headers: readVersionHeader(t.object, t.versionId, t.record) };
}

export async function getObjectRetention(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const t = await lockTarget(req, ctx);
  const r = t.object.retention;
  if (!r) throw s3Error('NoSuchObjectLockConfiguration');
  return { status: 200, headers: XML, body: toXml('Retention', { Mode: r.mode, RetainUntilDate: r.until.toISOString() }) };
}

export async function putObjectLegalHold(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const t = await lockTarget(req, ctx);
  const doc = await readDigestedXmlBody(req, 'LegalHold');
  const status = xmlText(doc, 'Status');
  if (status !== 'ON' && status !== 'OFF') throw s3Error('MalformedXML');
  if (!(await ctx.meta.putObjectLock(t.bucket, t.key, t.object.versionId ?? 'null', { legalHold: status === 'ON' }))) {
    await readableVersion(req, ctx, t.bucket, t.key, t.object.versionId ?? 'null');
  }
  return { status: 200, headers: readVersionHeader(t.object, t.versionId, t.record) };
}

export async function getObjectLegalHold(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const t = await lockTarget(req, ctx);
  // A version that never had a legal hold has no configuration to show, as S3 answers; one set OFF shows OFF.
  if (t.object.legalHold === undefined) throw s3Error('NoSuchObjectLockConfiguration');
  return { status: 200, headers: XML, body: toXml('LegalHold', { Status: t.object.legalHold ? 'ON' : 'OFF' }) };
}
