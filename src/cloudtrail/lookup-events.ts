/** CloudTrail's LookupEvents over the trail: lookup attributes, time window, pages; the only CloudTrail operation served (the others answer UnsupportedOperationException). */
import type { CloudTrailRecord, TrailReader } from '../audit/audit-log.js';
import { cloudtrailError } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { Principal } from '../common/principal.js';

/** The X-Amz-Target prefix of every CloudTrail operation (JSON 1.1 protocol). */
export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';

export interface CloudTrailContext {
  readonly trail: TrailReader;
  readonly clock: Clock;
}

export interface CloudTrailRequest {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly principal: Principal;
}

export type CloudTrailHandler = (req: CloudTrailRequest, ctx: CloudTrailContext) => Promise<Record<string, unknown>>;

const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];
/** "If you do not specify a time, LookupEvents returns events from the last 90 days" (API reference, StartTime). */
const DEFAULT_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
const MAX_RESULTS = 50;

/** A JSON 1.1 timestamp: epoch seconds (what the SDKs and the CLI send), or an ISO 8601 string. */
function timestamp(value: unknown, name: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const d = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw cloudtrailError('InvalidTimeRangeException', { message: `${name} is not a valid timestamp.` });
  return d;
}

function lookupAttribute(input: Readonly<Record<string, unknown>>): { key: AttributeKey; value: string } | undefined {
  const list = input['LookupAttributes'];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw cloudtrailError('InvalidLookupAttributesException', { message: 'LookupAttributes must be a list.' });
  if (list.length === 0) return undefined;
  // "Currently the list can contain only one item."
  if (list.length > 1) throw cloudtrailError('InvalidLookupAttributesException', { message: 'You cannot specify more than one lookup attribute.' });
  const { AttributeKey: key, AttributeValue: value } = (list[0] ?? {}) as Record<string, unknown>;
  if (typeof key !== 'string' || !(ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    throw cloudtrailError('InvalidLookupAttributesException', { message: `AttributeKey must be one of ${ATTRIBUTE_KEYS.join(', ')}.` });
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) throw cloudtrailError('InvalidLookupAttributesException', { message: 'AttributeValue must be 1 to 2000 characters.' });
  return { key: key as AttributeKey, value };
}

/** CloudTrail's Username: the IAM user's name, "root" for the account root. */
function username(r: CloudTrailRecord): string | undefined {
  return r.userIdentity.userName ?? (r.userIdentity.type === 'Root' ? 'root' : undefined);
}

/** A resource's short name as LookupEvents shows it: a bucket's name, otherwise its ARN. */
function resourceName(arn: string, type: string): string {
  return type === 'AWS::S3::Bucket' ? arn.replace(/^arn:aws:s3:::/, '') : arn;
}

function matches(r: CloudTrailRecord, attribute: { key: AttributeKey; value: string } | undefined): boolean {
  if (attribute === undefined) return true;
  const v = attribute.value;
  switch (attribute.key) {
    case 'EventId': return r.eventID === v;
    case 'EventName': return r.eventName === v;
    case 'ReadOnly': return String(r.readOnly) === v;
    case 'Username': return username(r) === v;
    case 'EventSource': return r.eventSource === v;
    case 'AccessKeyId': return r.userIdentity.accessKeyId === v;
    case 'ResourceType': return (r.resources ?? []).some((x) => x.type === v);
    case 'ResourceName': return (r.resources ?? []).some((x) => x.ARN === v || resourceName(x.ARN, x.type) === v);
  }
}

/** The page cursor: the last event returned (time, id); the next page starts after it in the newest-first order. */
function encodeToken(r: CloudTrailRecord): string {
  return Buffer.from(JSON.stringify([r.eventTime, r.eventID]), 'utf8').toString('base64url');
}

function decodeToken(token: unknown): [string, string] | undefined {
  if (token === undefined || token === null) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return [parsed[0], parsed[1]];
  } catch {
    // Not ours: answered below.
  }
  throw cloudtrailError('InvalidNextTokenException');
}

/**
 * LookupEvents. DEVIATION: AWS looks up management events only (data events need a trail or Lake); here data
 * events (S3 object calls) are found too, from the same trail. Events are the caller's account's.
 */
export const lookupEvents: CloudTrailHandler = async (req, ctx) => {
  const attribute = lookupAttribute(req.input);
  const now = ctx.clock.now();
  const end = timestamp(req.input['EndTime'], 'EndTime') ?? now;
  const start = timestamp(req.input['StartTime'], 'StartTime') ?? new Date(end.getTime() - DEFAULT_WINDOW_MS);
  if (start.getTime() > end.getTime()) throw cloudtrailError('InvalidTimeRangeException');
  const max = req.input['MaxResults'] ?? MAX_RESULTS;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_RESULTS) throw cloudtrailError('InvalidMaxResultsException');
  const category = req.input['EventCategory'];
  if (category !== undefined && category !== null && category !== 'insight') throw cloudtrailError('InvalidEventCategoryException');
  const after = decodeToken(req.input['NextToken']);
  // Insights events are never produced here: a lookup of them finds none.
  const all = category === 'insight' ? [] : (await ctx.trail.records(req.principal.accountId, start, end)).filter((r) => matches(r, attribute));
  let from = 0;
  if (after !== undefined) {
    const at = all.findIndex((r) => r.eventTime === after[0] && r.eventID === after[1]);
    if (at < 0) throw cloudtrailError('InvalidNextTokenException');
    from = at + 1;
  }
  const page = all.slice(from, from + max);
  const more = from + max < all.length;
  return {
    Events: page.map((r) => ({
      EventId: r.eventID,
      EventName: r.eventName,
      ReadOnly: String(r.readOnly),
      ...(r.userIdentity.accessKeyId === undefined ? {} : { AccessKeyId: r.userIdentity.accessKeyId }),
      EventTime: Math.floor(Date.parse(r.eventTime) / 1000),
      EventSource: r.eventSource,
      ...(username(r) === undefined ? {} : { Username: username(r) }),
      Resources: (r.resources ?? []).map((x) => ({ ResourceType: x.type, ResourceName: resourceName(x.ARN, x.type) })),
      CloudTrailEvent: JSON.stringify(r),
    })),
    ...(more ? { NextToken: encodeToken(page[page.length - 1]!) } : {}),
  };
};

/** Operation name → handler; a CloudTrail operation not listed answers UnsupportedOperationException. */
export const CLOUDTRAIL_OPERATIONS: Readonly<Record<string, CloudTrailHandler>> = { LookupEvents: lookupEvents };
