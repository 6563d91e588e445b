/** Any thrown value → an AWS JSON 1.1 error (`{"__type", "message"}`, CloudTrail); S3- and IAM-coded errors from the shared steps (auth, authorize) become their JSON equivalents. */
import { ApiError, cloudtrailError } from '../common/api-error.js';
import type { CloudTrailErrorCode } from '../common/cloudtrail-error-codes.js';
import type { S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';
import type { Log } from './service-dispatch.js';

/** auth/ and policy/ speak S3's and IAM's codes; JSON services answer the same failures with these (AWS "Common Errors"). */
const FROM_SHARED: Readonly<Record<string, CloudTrailErrorCode>> = {
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
};

function asJsonError(err: unknown, ctx: RequestContext, log: Log): ApiError {
  if (err instanceof ApiError) {
    if (err.service === 'cloudtrail') return err;
    const code = FROM_SHARED[err.code] ?? (err.status >= 500 ? 'InternalFailure' : 'ValidationException');
    const keepMessage = code === 'AccessDeniedException' || code === 'ValidationException';
    return cloudtrailError(code, keepMessage ? { message: err.message } : {});
  }
  log('internal error', { requestId: ctx.requestId, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  return cloudtrailError('InternalFailure');
}

/** The JSON 1.1 error document; the SDKs read the code from `__type` and the request id from x-amzn-RequestId. */
export function jsonErrorResponse(err: unknown, ctx: RequestContext, log: Log): S3Response {
  const e = asJsonError(err, ctx, log);
  return {
    status: e.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ctx.requestId, ...e.headers },
    body: JSON.stringify({ __type: e.code, message: e.message }),
  };
}
