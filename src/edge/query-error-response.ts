/** Any thrown value → an AWS Query-protocol ErrorResponse (IAM, STS); S3-coded errors from the shared steps (auth, body limits) become their Query equivalents. */
import { ApiError, iamError } from '../common/api-error.js';
import type { IamErrorCode } from '../common/iam-error-codes.js';
import { toXml } from '../common/xml-writer.js';
import { QUERY_NAMESPACES } from '../iam/iam-operations.js';
import type { S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';
import type { Log } from './service-dispatch.js';

/** auth/ speaks S3's codes; IAM and STS answer the same failures with these (AWS "Common Errors"). */
const FROM_S3: Readonly<Record<string, IamErrorCode>> = {
  InvalidAccessKeyId: 'InvalidClientTokenId',
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  AuthorizationHeaderMalformed: 'IncompleteSignature',
  AuthorizationQueryParametersError: 'IncompleteSignature',
  RequestTimeTooSkewed: 'SignatureDoesNotMatch',
  AccessDenied: 'AccessDenied',
  InternalError: 'InternalFailure',
};

function asQueryError(err: unknown, ctx: RequestContext, log: Log): ApiError {
  if (err instanceof ApiError) {
    if (err.service !== 's3') return err;
    const code = FROM_S3[err.code] ?? (err.status >= 500 ? 'InternalFailure' : 'ValidationError');
    // The table's message for a translated code, except where S3's own words say more (AccessDenied, body faults).
    const keepMessage = code === 'AccessDenied' || code === 'ValidationError';
    return iamError(code, keepMessage ? { message: err.message } : code === 'SignatureDoesNotMatch' && err.code === 'RequestTimeTooSkewed' ? { message: 'Signature expired: the request time is more than 15 minutes from the server time.' } : {});
  }
  log('internal error', { requestId: ctx.requestId, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  return iamError('InternalFailure');
}

/** The ErrorResponse document of `service` (`iam` or `sts`), with IAM's `Type` (Sender for 4xx, Receiver for 5xx). */
export function queryErrorResponse(service: string, err: unknown, ctx: RequestContext, log: Log): S3Response {
  const e = asQueryError(err, ctx, log);
  const body = toXml('ErrorResponse', {
    Error: { Type: e.status >= 500 ? 'Receiver' : 'Sender', Code: e.code, Message: e.message },
    RequestId: ctx.requestId,
  }, QUERY_NAMESPACES[service] ?? null);
  return { status: e.status, headers: { 'content-type': 'text/xml', ...e.headers }, body };
}
