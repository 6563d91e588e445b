/** The router of the AWS KMS JSON 1.1 API: `POST /` with `X-Amz-Target: TrentService.<Op>`, a small JSON body read and hashed before authentication, JSON answers and errors. */
import { kmsError } from '../common/api-error.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../common/clock.js';
import type { KmsService } from '../kms/kms-service.js';
import { runKmsOperation } from '../kms/api/kms-operations.js';
import { jsonErrorResponse } from './json-error-response.js';
import { bufferedAuthInput, readBounded } from './buffered-body.js';
import { requestFacts } from './request-facts.js';
import type { ServiceRouter } from './service-dispatch.js';

/** KMS's largest request is a 32 KiB key policy or a 6 KiB blob, JSON-escaped: 256 KiB bounds it. */
const MAX_JSON_BODY = 256 * 1024;
const tooLarge = (max: number) => kmsError('ValidationException', { message: `The request body is larger than ${max} bytes.` });
const TARGET_PREFIX = 'TrentService.';


function parseJson(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw kmsError('ValidationException', { message: 'The request body is not valid JSON.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw kmsError('ValidationException', { message: 'The request body must be a JSON object.' });
  return value as Record<string, unknown>;
}

export function createKmsRouter(deps: { service: KmsService; audit: AuditLog; clock: Clock }): ServiceRouter {
  return {
    service: 'kms',
    auditsItself: true,
    extraSigningRegions: [],
    errorResponse: jsonErrorResponse,
    async begin({ req, rawPath, rawQuery, ctx, sendContinue }) {
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || rawPath !== '/' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
        throw kmsError('UnknownOperationException', { message: `The KMS API answers POST / with X-Amz-Target: ${TARGET_PREFIX}<Operation>.` });
      }
      sendContinue();
      const raw = await readBounded(req, MAX_JSON_BODY, tooLarge);
      return {
        authInput: bufferedAuthInput(req, rawPath, rawQuery, raw, ctx.secure),
        async route(verified) {
          const input = parseJson(await readBounded(verified.body, MAX_JSON_BODY, tooLarge));
          const principal = verified.principal;
          if (principal === undefined) throw kmsError('AccessDeniedException', { message: 'Anonymous requests are not accepted.' });
          const operation = target.slice(TARGET_PREFIX.length);
          const call = { caller: principal, requestId: ctx.requestId, sourceIp: ctx.sourceIp, secure: ctx.secure };
          return {
            operation, resource: '*', facts: requestFacts(req, new URLSearchParams(rawQuery), ctx, verified),
            run: async () => {
              const output = await runKmsOperation(operation, input, deps.service, call, deps.audit, deps.clock);
              return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ctx.requestId }, body: JSON.stringify(output) };
            },
          };
        },
      };
    },
  };
}
