/** AuditEvent → the CloudTrail record, field for field as CloudTrail writes it (CloudTrail User Guide › CloudTrail record contents). */
import type { AuditEvent } from './audit-log.js';

/** The record format version: "The current version is 1.11" (CloudTrail record contents, eventVersion). */
export const EVENT_VERSION = '1.11';

/** Stands for the requester of an anonymous S3 call, as CloudTrail writes it. */
export const ANONYMOUS_PRINCIPAL = 'ANONYMOUS_PRINCIPAL';

export interface CloudTrailUserIdentity {
  readonly type: 'Root' | 'IAMUser' | 'AWSAccount' | 'Unknown';
  readonly principalId: string;
  readonly arn?: string;
  readonly accountId: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly invokedBy?: string;
}

/** One CloudTrail record; the key order here is the order written. */
export interface CloudTrailRecord {
  readonly eventVersion: string;
  readonly userIdentity: CloudTrailUserIdentity;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters: Readonly<Record<string, unknown>> | null;
  readonly responseElements: Readonly<Record<string, unknown>> | null;
  readonly additionalEventData?: Readonly<Record<string, unknown>>;
  readonly requestID: string;
  readonly eventID: string;
  readonly readOnly: boolean;
  readonly resources?: ReadonlyArray<{ readonly accountId?: string; readonly type: string; readonly ARN: string }>;
  readonly eventType: 'AwsApiCall';
  readonly managementEvent: boolean;
  readonly recipientAccountId: string;
  readonly eventCategory: 'Management' | 'Data';
  readonly tlsDetails?: { readonly tlsVersion: string; readonly cipherSuite: string; readonly clientProvidedHostHeader?: string };
}

/** What LookupEvents reads: an account's records in a time window, newest first. */
export interface TrailReader {
  records(accountId: string, start: Date, end: Date): Promise<CloudTrailRecord[]>;
}

/** CloudTrail writes times to the second, in UTC, with a Z. */
export function cloudTrailTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function userIdentity(event: AuditEvent, recipient: string): CloudTrailUserIdentity {
  const p = event.principal;
  const invokedBy = event.invokedBy === undefined ? {} : { invokedBy: event.invokedBy };
  // A failed authentication: who the caller claimed to be is not known to be true (CloudTrail's `Unknown` identity type).
  if (p === undefined && event.accessKeyId !== undefined) return { type: 'Unknown', principalId: '', accountId: recipient, accessKeyId: event.accessKeyId, ...invokedBy };
  if (p === undefined) return { type: 'AWSAccount', principalId: '', accountId: ANONYMOUS_PRINCIPAL, ...invokedBy };
  if (p.type === 'root') return { type: 'Root', principalId: p.accountId, arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId, ...invokedBy };
  return { type: 'IAMUser', principalId: p.userId, arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId, userName: p.userName ?? '', ...invokedBy };
}

/** The account whose trail receives an event: the one named, else the caller's, else `fallback` (anonymous calls). */
export function recipientOf(event: AuditEvent, fallback: string): string {
  return event.recipientAccountId ?? event.principal?.accountId ?? fallback;
}

/**
 * The record of one event. `eventId` is the record's unique id (a UUID); `region` is the trail's region.
 * Copies only what the event carries: whoever built the event left secrets out (audit-log.ts).
 */
export function toCloudTrailRecord(event: AuditEvent, eventId: string, region: string, recipient: string): CloudTrailRecord {
  // A service acting on the caller's behalf is the source of the call (CloudTrail: "sourceIPAddress": "s3.amazonaws.com").
  const source = event.sourceIPAddress ?? event.invokedBy ?? '';
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentity(event, recipient),
    eventTime: cloudTrailTime(event.eventTime),
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: event.awsRegion ?? region,
    sourceIPAddress: source,
    userAgent: event.userAgent ?? event.invokedBy ?? '',
    ...(event.errorCode === undefined ? {} : { errorCode: event.errorCode, errorMessage: event.errorMessage ?? '' }),
    requestParameters: event.requestParameters ?? null,
    responseElements: event.responseElements ?? null,
    ...(event.additionalEventData === undefined ? {} : { additionalEventData: event.additionalEventData }),
    requestID: event.requestId,
    eventID: eventId,
    readOnly: event.readOnly,
    ...(event.resources === undefined ? {} : { resources: event.resources.map((r) => ({ ...(r.accountId === undefined ? {} : { accountId: r.accountId }), type: r.type, ARN: r.ARN })) }),
    eventType: 'AwsApiCall',
    managementEvent: event.managementEvent,
    recipientAccountId: recipient,
    eventCategory: event.managementEvent ? 'Management' : 'Data',
    ...(event.tlsDetails === undefined ? {} : { tlsDetails: event.tlsDetails }),
  };
}

/** A UUID (version 4) from 16 random bytes, CloudTrail's eventID form. */
export function uuidFrom(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
