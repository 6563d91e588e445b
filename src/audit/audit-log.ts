/** The audit interface: every API call and every key use made on a caller's behalf is reported here as one event; the trail turns events into CloudTrail records. */
import type { Principal } from '../common/principal.js';

/** The AWS service an event belongs to (CloudTrail's `eventSource`). */
export type AuditEventSource = 's3.amazonaws.com' | 'kms.amazonaws.com' | 'iam.amazonaws.com' | 'sts.amazonaws.com' | 'cloudtrail.amazonaws.com';

/** One resource an event touched (CloudTrail's `resources[]`). */
export interface AuditResource {
  readonly ARN: string;
  /** e.g. `AWS::S3::Object`, `AWS::S3::Bucket`, `AWS::KMS::Key`. */
  readonly type: string;
  readonly accountId?: string;
}

/**
 * One call or key use, in CloudTrail's terms. Never carries a secret, a customer key, a signature or a
 * presigned URL's signature: whoever builds an event leaves them out, and the trail checks nothing more.
 */
export interface AuditEvent {
  readonly eventSource: AuditEventSource;
  /** The API operation name (`PutObject`, `GenerateDataKey`, `CreateUser`…). */
  readonly eventName: string;
  readonly eventTime: Date;
  /** The request id of the call that caused the event (key uses carry the S3 request's id). */
  readonly requestId: string;
  /** The caller; undefined for anonymous requests and for callers whose authentication failed. */
  readonly principal?: Principal;
  /** The access key id a caller whose authentication failed gave (never its secret or signature). */
  readonly accessKeyId?: string;
  /** Set when a service made the call on the caller's behalf (`s3.amazonaws.com` for S3's key uses). */
  readonly invokedBy?: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly requestParameters?: Readonly<Record<string, unknown>>;
  readonly responseElements?: Readonly<Record<string, unknown>>;
  readonly additionalEventData?: Readonly<Record<string, unknown>>;
  readonly resources?: readonly AuditResource[];
  readonly readOnly: boolean;
  /** False for data events (S3 object calls, KMS key uses are management events in CloudTrail). */
  readonly managementEvent: boolean;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** The account whose trail receives the record; the caller's account when absent. */
  readonly recipientAccountId?: string;
  /** The region the call was made in; the trail's region when absent. */
  readonly awsRegion?: string;
  /** CloudTrail's `tlsDetails`, for calls made over TLS only. */
  readonly tlsDetails?: { readonly tlsVersion: string; readonly cipherSuite: string; readonly clientProvidedHostHeader?: string };
}

export interface AuditLog {
  /**
   * Records one event. A write's or denied call's event must be durable before its response is sent, so
   * callers await it; an implementation may batch.
   */
  record(event: AuditEvent): Promise<void>;
  /**
   * The unit that journals `event`'s record when run inside a metadata transaction the caller is about to commit:
   * the record is durable with that commit (no commit of its own). Optional: a log without a journal has none.
   */
  prepare?(event: AuditEvent): () => void;
}

/** A stored CloudTrail record and the trail's reader, for LookupEvents (cloudtrail/) to query without knowing the files. */
export type { CloudTrailRecord, TrailReader } from './cloudtrail-record.js';

/** Records nothing: for tools and tests that run without a trail. */
export const noAuditLog: AuditLog = { record: async () => {} };
