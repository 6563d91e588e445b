/** The facts of a verified request that policy condition keys read: headers, query, transport, how it was signed. */
import type { IncomingMessage } from 'node:http';
import type { RequestFacts } from '../common/authorizer.js';
import type { VerifiedRequest } from '../auth/authenticate.js';
import type { RequestContext } from './request-context.js';

export function requestFacts(req: IncomingMessage, query: URLSearchParams, ctx: RequestContext, verified: VerifiedRequest): RequestFacts {
  const anonymous = verified.principal === undefined;
  const authorization = req.headers.authorization;
  // SigV2 signs with "AWS AKID:sig" or a query Signature; everything else verified here is SigV4.
  const v2 = authorization !== undefined ? authorization.startsWith('AWS ') : query.has('Signature') && query.has('AWSAccessKeyId');
  return {
    headers: req.headers,
    query,
    secure: ctx.secure,
    sourceIp: ctx.sourceIp,
    authType: anonymous ? undefined : verified.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    signatureVersion: anonymous ? undefined : v2 ? 'AWS' : 'AWS4-HMAC-SHA256',
  };
}
