/** Any thrown value → an S3 XML error response; non-ApiErrors become an opaque InternalError, logged with the request id. */
import { ApiError, s3Error } from '../common/api-error.js';
import { toXml } from '../common/xml-writer.js';
import type { S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';

export function errorResponse(err: unknown, ctx: RequestContext, log: (m: string, f?: Record<string, unknown>) => void): S3Response {
  let apiError: ApiError;
  if (err instanceof ApiError) {
    apiError = err;
  } else {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      // An operating-system failure (ENOSPC, EIO, EMFILE…): the code is what the operator needs, not a stack.
      // S3 has no "disk full" error; the client sees InternalError, which it may retry.
      log(code === 'ENOSPC' ? 'storage full (ENOSPC)' : `system error (${code})`, { requestId: ctx.requestId, code, error: (err as Error).message });
    } else {
      log('internal error', { requestId: ctx.requestId, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
    apiError = s3Error('InternalError');
  }
  const body = toXml('Error', {
    Code: apiError.code,
    Message: apiError.message,
    ...apiError.details,
    Resource: apiError.resource,
    RequestId: ctx.requestId,
    HostId: ctx.hostId,
  }, null);
  return {
    status: apiError.status,
    headers: { 'content-type': 'application/xml', ...apiError.headers },
    body,
  };
}
