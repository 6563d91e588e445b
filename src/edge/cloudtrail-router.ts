/** The router of the CloudTrail API (AWS JSON 1.1): a small JSON body read and hashed before authentication, X-Amz-Target → operation, JSON errors. */
import { cloudtrailError } from '../common/api-error.js';
import { CLOUDTRAIL_OPERATIONS, CLOUDTRAIL_TARGET_PREFIX, type CloudTrailContext } from '../cloudtrail/lookup-events.js';
import { cloudtrailErrorResponse } from './json-error-response.js';
import { bufferedAuthInput, readBounded } from './buffered-body.js';
import { requestFacts } from './request-facts.js';
import type { ServiceRouter } from './service-dispatch.js';

/** A LookupEvents request is a few hundred bytes; 64 KiB bounds any CloudTrail request we answer. */
const MAX_JSON_BODY = 64 * 1024;
const tooLarge = (max: number) => cloudtrailError('ValidationException', { message: `The request body is larger than ${max} bytes.` });


/** CloudTrail's request parameters as its records show them: camelCase member names (`LookupAttributes` → `lookupAttributes`). */
function auditParameters(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  return Object.keys(out).length === 0 ? undefined : out;
}

export function createCloudTrailRouter(context: CloudTrailContext): ServiceRouter {
  return {
    service: 'cloudtrail',
    extraSigningRegions: [],
    errorResponse: cloudtrailErrorResponse,
    async begin({ req, rawPath, rawQuery, query, ctx, sendContinue }) {
      if (req.method !== 'POST') throw cloudtrailError('UnknownOperationException', { message: `The JSON API answers POST, not ${req.method ?? ''}.` });
      sendContinue();
      const raw = await readBounded(req, MAX_JSON_BODY, tooLarge);
      return {
        authInput: bufferedAuthInput(req, rawPath, rawQuery, raw, ctx.secure),
        async route(verified) {
          const body = await readBounded(verified.body, MAX_JSON_BODY, tooLarge);
          const target = String(req.headers['x-amz-target'] ?? '');
          if (!target.startsWith(CLOUDTRAIL_TARGET_PREFIX)) throw cloudtrailError('UnknownOperationException', { message: `Unknown operation ${target}.` });
          const operation = target.slice(CLOUDTRAIL_TARGET_PREFIX.length);
          const handler = Object.hasOwn(CLOUDTRAIL_OPERATIONS, operation) ? CLOUDTRAIL_OPERATIONS[operation] : undefined;
          // A real CloudTrail operation this server does not offer is refused, never answered with an empty success.
          if (!handler) throw cloudtrailError('UnsupportedOperationException', { message: `${operation} is not supported by this server: only LookupEvents is.` });
          let input: Record<string, unknown>;
          try {
            const parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8')) as unknown;
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
            input = parsed as Record<string, unknown>;
          } catch {
            throw cloudtrailError('SerializationException');
          }
          const principal = verified.principal;
          if (principal === undefined) throw cloudtrailError('AccessDeniedException', { message: 'Anonymous requests are not accepted.' });
          return {
            operation, resource: '*', facts: requestFacts(req, query, ctx, verified), auditParameters: auditParameters(input),
            run: async () => ({
              status: 200,
              headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ctx.requestId },
              body: JSON.stringify(await handler({ operation, input, principal }, context)),
            }),
          };
        },
      };
    },
  };
}
