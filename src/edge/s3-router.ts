/** The S3 router: bucket/key addressing, the S3 route table, the typed S3Request, S3's XML errors. */
import { s3Error } from '../common/api-error.js';
import { checkKeyLength, type S3Context, type S3Request } from '../s3/s3-request.js';
import { actualRequestCorsHeaders, corsPreflight, S3_OPERATIONS } from '../s3/s3-operations.js';
import { requestFacts } from './request-facts.js';
import { resolveBucketAndKey } from './bucket-addressing.js';
import { errorResponse } from './error-response.js';
import { matchS3Route, type S3Target } from './s3-route-table.js';
import type { ServiceRouter } from './service-dispatch.js';

export function createS3Router(deps: { readonly domain: string | undefined; readonly s3: S3Context }): ServiceRouter {
  return {
    service: 's3',
    extraSigningRegions: [],
    errorResponse,
    async begin({ req, rawPath, rawQuery, query, ctx, secrets }) {
      const { bucket, key, virtualHosted } = resolveBucketAndKey(rawPath, req.headers.host, deps.domain);
      const method = req.method ?? 'GET';
      return {
        // Every OPTIONS is a CORS preflight, answered from the bucket's rules without credentials, as S3 does.
        unauthenticated: method === 'OPTIONS' ? () => corsPreflight(bucket, key, req.headers, deps.s3.meta) : undefined,
        // A request with an Origin gets the CORS headers of the first rule allowing that origin and method.
        decorate: req.headers.origin === undefined ? undefined : async (response) => {
          const cors = await actualRequestCorsHeaders(method, bucket, req.headers, deps.s3.meta);
          return cors === undefined ? response : { ...response, headers: { ...response.headers, ...cors } };
        },
        authInput: { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headers, body: req, secure: ctx.secure, hostBucket: virtualHosted ? bucket : undefined },
        describe() {
          const target: S3Target = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
          const match = matchS3Route(method, target, query, (h) => req.headers[h] !== undefined);
          return { operation: match.kind === 'route' ? match.route.operation : undefined, bucket, key };
        },
        async route(verified) {
          if (key !== undefined) checkKeyLength(key);
          const target: S3Target = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
          const match = matchS3Route(req.method ?? 'GET', target, query, (h) => req.headers[h] !== undefined);
          if (match.kind === 'not-implemented') {
            throw s3Error('NotImplemented', { message: `The ${match.subresource} subresource is not implemented.` });
          }
          if (match.kind === 'method-not-allowed') throw s3Error('MethodNotAllowed', { details: { Method: req.method ?? '', ResourceType: target.toUpperCase() } });
          const operation = match.route.operation;
          const handler = S3_OPERATIONS[operation];
          if (!handler) throw s3Error('NotImplemented');
          // The bucket row, read once here for the authorizer and the operation (each read it before).
          const bucketRow = bucket === undefined ? undefined : { name: bucket, record: await deps.s3.meta.getBucket(bucket) };
          const facts = { ...requestFacts(req, query, ctx, verified), bucketRow };
          const s3req: S3Request = {
            method: req.method ?? 'GET', bucket, key, query, headers: req.headers,
            body: verified.body, contentLength: verified.contentLength, trailers: verified.trailers,
            principal: verified.principal, requestId: ctx.requestId, secure: ctx.secure, sourceIp: ctx.sourceIp,
            origin: `${ctx.secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`, facts,
            ownSecret: (secret, fromHeader) => secrets.own(secret, fromHeader),
          };
          return { operation, bucket, key, facts, run: (auditRider) => handler(auditRider === undefined ? s3req : { ...s3req, auditRider }, deps.s3) };
        },
      };
    },
  };
}
