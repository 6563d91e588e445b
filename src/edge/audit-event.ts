/** Builds the AuditEvent of one API call from what the pipeline saw: who, what, from where, how it was signed, and how it ended. Never copies a secret, signature or customer key. */
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import type { AuditEvent, AuditEventSource, AuditResource } from '../audit/audit-log.js';
import { ApiError } from '../common/api-error.js';
import type { Principal } from '../common/principal.js';
import type { S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';
import type { RoutedRequest } from './service-dispatch.js';

const SOURCES: Readonly<Record<string, AuditEventSource>> = {
  s3: 's3.amazonaws.com', iam: 'iam.amazonaws.com', sts: 'sts.amazonaws.com', kms: 'kms.amazonaws.com', cloudtrail: 'cloudtrail.amazonaws.com',
};

/** Bucket-level S3 calls that CloudTrail logs as data events, beside every call on an object. */
const S3_DATA_BUCKET_OPERATIONS = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads', 'DeleteObjects', 'PostObject']);

/**
 * Query parameters never recorded: signatures, credentials and expiry of presigned URLs (SigV4 `X-Amz-*`, SigV2
 * `Signature`/`AWSAccessKeyId`/`Expires`), and the SDKs' `x-id` routing hint.
 */
const UNRECORDED_QUERY = /^(x-amz-|signature$|awsaccesskeyid$|expires$|x-id$)/i;

/** Whether a call only reads (CloudTrail's readOnly): by its name, as AWS names its read operations. */
export function isReadOnly(operation: string): boolean {
  return /^(Get|Head|List|Describe|Lookup)/.test(operation);
}

export interface CallFacts {
  readonly service: string;
  readonly req: IncomingMessage;
  readonly ctx: RequestContext;
  readonly query: URLSearchParams;
  readonly routed: Pick<RoutedRequest, 'operation' | 'bucket' | 'key' | 'resource' | 'auditParameters'>;
  readonly principal: Principal | undefined;
  readonly presigned: boolean;
  readonly signatureVersion: 'SigV2' | 'SigV4' | undefined;
  readonly bytesIn: number | undefined;
  readonly eventTime: Date;
}

/** The event of a call that ended with `response` (success) or `error` (a refusal or failure). */
export function callEvent(facts: CallFacts, outcome: { response: S3Response } | { error: unknown }): AuditEvent {
  const { service, req, ctx, routed } = facts;
  const s3 = service === 's3';
  const dataEvent = s3 && (routed.key !== undefined || S3_DATA_BUCKET_OPERATIONS.has(routed.operation));
  const response = 'response' in outcome ? outcome.response : undefined;
  const error = 'error' in outcome ? outcome.error : undefined;
  const tls = tlsDetails(req);
  return {
    eventSource: SOURCES[service] ?? 's3.amazonaws.com',
    eventName: routed.operation,
    eventTime: facts.eventTime,
    requestId: ctx.requestId,
    principal: facts.principal,
    sourceIPAddress: ctx.sourceIp,
    userAgent: headerText(req.headers['user-agent']),
    requestParameters: s3 ? s3Parameters(facts) : routed.auditParameters,
    responseElements: s3 && response !== undefined && !isReadOnly(routed.operation) ? s3ResponseElements(response) : undefined,
    additionalEventData: s3 ? s3AdditionalData(facts, response, tls) : undefined,
    resources: resources(service, routed),
    readOnly: isReadOnly(routed.operation),
    managementEvent: !dataEvent,
    ...(error === undefined ? {} : errorFields(error)),
    ...(tls === undefined ? {} : { tlsDetails: tls }),
  };
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** S3's requestParameters as CloudTrail shows them: bucketName, Host, key and the query's subresources and options. */
function s3Parameters(facts: CallFacts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (facts.routed.bucket !== undefined) out['bucketName'] = facts.routed.bucket;
  out['Host'] = headerText(facts.req.headers.host) ?? '';
  if (facts.routed.key !== undefined) out['key'] = facts.routed.key;
  for (const [k, v] of facts.query) if (!UNRECORDED_QUERY.test(k)) out[k] = v;
  const copySource = headerText(facts.req.headers['x-amz-copy-source']);
  if (copySource !== undefined) out['x-amz-copy-source'] = copySource;
  return out;
}

function s3ResponseElements(response: S3Response): Record<string, unknown> | undefined {
  const sse = response.headers?.['x-amz-server-side-encryption'];
  return typeof sse === 'string' ? { 'x-amz-server-side-encryption': sse } : undefined;
}

function bytesOut(response: S3Response | undefined): number {
  if (response === undefined) return 0;
  const declared = response.headers?.['content-length'];
  if (declared !== undefined) return Number(declared);
  const body = response.body;
  return typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : 0;
}

function s3AdditionalData(facts: CallFacts, response: S3Response | undefined, tls: AuditEvent['tlsDetails']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (response?.audit?.sseApplied !== undefined) out['SSEApplied'] = response.audit.sseApplied;
  if (facts.signatureVersion !== undefined) out['SignatureVersion'] = facts.signatureVersion;
  if (tls !== undefined) out['CipherSuite'] = tls.cipherSuite;
  out['bytesTransferredIn'] = facts.bytesIn ?? 0;
  out['bytesTransferredOut'] = bytesOut(response);
  if (facts.principal !== undefined) out['AuthenticationMethod'] = facts.presigned ? 'QueryString' : 'AuthHeader';
  out['x-amz-id-2'] = facts.ctx.hostId;
  return out;
}

function resources(service: string, routed: CallFacts['routed']): AuditResource[] | undefined {
  if (service === 's3') {
    if (routed.bucket === undefined) return undefined;
    const bucket: AuditResource = { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${routed.bucket}` };
    if (routed.key === undefined) return [bucket];
    return [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${routed.bucket}/${routed.key}` }, bucket];
  }
  if (routed.resource === undefined || routed.resource === '*') return undefined;
  const kind = /^arn:aws:iam::\d+:(user|group)\//.exec(routed.resource)?.[1];
  return [{ type: kind === 'group' ? 'AWS::IAM::Group' : kind === 'user' ? 'AWS::IAM::User' : 'AWS::Unknown', ARN: routed.resource }];
}

function errorFields(error: unknown): Pick<AuditEvent, 'errorCode' | 'errorMessage'> {
  // What the client was told: an ApiError's code and message; anything else is the opaque internal error.
  if (error instanceof ApiError) return { errorCode: error.code, errorMessage: error.message };
  return { errorCode: 'InternalError', errorMessage: 'We encountered an internal error. Please try again.' };
}

function tlsDetails(req: IncomingMessage): AuditEvent['tlsDetails'] {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const host = headerText(req.headers.host);
  return {
    tlsVersion: socket.getProtocol() ?? 'unknown',
    // CloudTrail names suites as OpenSSL does (ECDHE-RSA-AES128-GCM-SHA256; TLS_AES_128_GCM_SHA256 for TLS 1.3).
    cipherSuite: socket.getCipher()?.name ?? 'unknown',
    ...(host === undefined ? {} : { clientProvidedHostHeader: host }),
  };
}
