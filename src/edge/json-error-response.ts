/** Any thrown value → an AWS JSON 1.1 error (KMS, CloudTrail): status, `application/x-amz-json-1.1`, `{"__type": Code, "message": …}`; S3- and IAM-coded failures of the shared steps (auth, authorize) become the service's equivalents. */
import { ApiError, cloudtrailError, kmsError } from '../common/api-error.js';
import type { CloudTrailErrorCode } from '../common/cloudtrail-error-codes.js';
import type { KmsErrorCode } from '../common/kms-error-codes.js';
import type { S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';
import type { Log } from './service-dispatch.js';

/** How one JSON service names the failures the shared steps report in S3's and IAM's codes (its API reference › Common Errors). */
interface JsonService {
  readonly service: 'kms' | 'cloudtrail';
  readonly fromShared: Readonly<Record<string, string>>;
  readonly internal: string;
  readonly make: (code: string, options?: { message?: string }) => ApiError;
}

const KMS: JsonService = {
  service: 'kms',
  fromShared: {
    InvalidAccessKeyId: 'UnrecognizedClientException',
    SignatureDoesNotMatch: 'InvalidSignatureException',
    AuthorizationHeaderMalformed: 'IncompleteSignature',
    AuthorizationQueryParametersError: 'IncompleteSignature',
    RequestTimeTooSkewed: 'InvalidSignatureException',
    AccessDenied: 'AccessDeniedException',
    InternalError: 'KMSInternalException',
  },
  internal: 'KMSInternalException',
  make: (code, options) => kmsError(code as KmsErrorCode, options),
};

const CLOUDTRAIL: JsonService = {
  service: 'cloudtrail',
  fromShared: {
    InvalidAccessKeyId: 'InvalidClientTokenId',
    InvalidClientTokenId: 'InvalidClientTokenId',
    SignatureDoesNotMatch: 'SignatureDoesNotMatch',
    RequestTimeTooSkewed: 'SignatureDoesNotMatch',
    AuthorizationHeaderMalformed: 'IncompleteSignature',
    AuthorizationQueryParametersError: 'IncompleteSignature',
    IncompleteSignature: 'IncompleteSignature',
    AccessDenied: 'AccessDeniedException',
    InternalError: 'InternalFailure',
    InternalFailure: 'InternalFailure',
  },
  internal: 'InternalFailure',
  make: (code, options) => cloudtrailError(code as CloudTrailErrorCode, options),
};

function asServiceError(json: JsonService, err: unknown, ctx: RequestContext, log: Log): ApiError {
  if (err instanceof ApiError) {
    if (err.service === json.service) return err;
    const code = json.fromShared[err.code] ?? (err.status >= 500 ? json.internal : 'ValidationException');
    if (json.service === 'kms' && code === 'InvalidSignatureException' && err.code === 'RequestTimeTooSkewed') {
      return json.make(code, { message: 'Signature expired: the request time is more than 15 minutes from the server time.' });
    }
    // The shared step's own words where they say more (AccessDenied, body faults); the table's message for translated signature codes.
    return json.make(code, code === 'AccessDeniedException' || code === 'ValidationException' ? { message: err.message } : {});
  }
  log('internal error', { requestId: ctx.requestId, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  return json.make(json.internal);
}

function writer(json: JsonService) {
  /** The JSON error document; the SDKs read the exception from `__type` (and the `x-amzn-ErrorType` header). */
  return (err: unknown, ctx: RequestContext, log: Log): S3Response => {
    const e = asServiceError(json, err, ctx, log);
    return {
      status: e.status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ctx.requestId, 'x-amzn-errortype': e.code, ...e.headers },
      body: JSON.stringify({ __type: e.code, message: e.message }),
    };
  };
}

/** KMS's error writer (kept under its first name: the KMS router and its tests use it). */
export const jsonErrorResponse = writer(KMS);
export const cloudtrailErrorResponse = writer(CLOUDTRAIL);
