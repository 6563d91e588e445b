/** Any thrown value → an AWS JSON 1.1 error (KMS): status, `application/x-amz-json-1.1`, `{"__type": Code, "message": …}`; S3-coded failures of the shared steps become their KMS equivalents. */
import { ApiError, kmsError } from '../common/api-error.js';
import type { KmsErrorCode } from '../common/kms-error-codes.js';
import type { S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';
import type { Log } from './service-dispatch.js';

/** auth/ speaks S3's codes; KMS answers the same failures with these (KMS API reference › Common Errors). */
const FROM_S3: Readonly<Record<string, KmsErrorCode>> = {
  InvalidAccessKeyId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  AuthorizationHeaderMalformed: 'IncompleteSignature',
  AuthorizationQueryParametersError: 'IncompleteSignature',
  RequestTimeTooSkewed: 'InvalidSignatureException',
  AccessDenied: 'AccessDeniedException',
  InternalError: 'KMSInternalException',
};

function asKmsError(err: unknown, ctx: RequestContext, log: Log): ApiError {
  if (err instanceof ApiError) {
    if (err.service === 'kms') return err;
    const code = FROM_S3[err.code] ?? (err.status >= 500 ? 'KMSInternalException' : 'ValidationException');
    if (code === 'InvalidSignatureException' && err.code === 'RequestTimeTooSkewed') return kmsError(code, { message: 'Signature expired: the request time is more than 15 minutes from the server time.' });
    // S3's own words where they say more (AccessDenied, body faults); the table's message for translated signature codes.
    return kmsError(code, code === 'AccessDeniedException' || code === 'ValidationException' ? { message: err.message } : {});
  }
  log('internal error', { requestId: ctx.requestId, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  return kmsError('KMSInternalException');
}

/** The JSON error document; the SDKs read the exception from `__type` (and the `x-amzn-ErrorType` header). */
export function jsonErrorResponse(err: unknown, ctx: RequestContext, log: Log): S3Response {
  const e = asKmsError(err, ctx, log);
  return {
    status: e.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ctx.requestId, 'x-amzn-errortype': e.code, ...e.headers },
    body: JSON.stringify({ __type: e.code, message: e.message }),
  };
}
