/** The router of AWS Query-protocol APIs (IAM, STS): a small form body read and hashed before authentication, `Action` → handler, ErrorResponse documents. */
import { iamError } from '../common/api-error.js';
import { bufferedAuthInput, readBounded } from './buffered-body.js';
import { requestFacts } from './request-facts.js';
import { QUERY_VERSIONS, type IamContext, type IamHandler } from '../iam/iam-operations.js';
import { queryErrorResponse } from './query-error-response.js';
import type { ServiceRouter } from './service-dispatch.js';

/** IAM's largest request is a PutUserPolicy with a 128 KiB document, percent-encoded: 512 KiB bounds it. */
const MAX_QUERY_BODY = 512 * 1024;
const tooLarge = (max: number) => iamError('ValidationError', { message: `The request body is larger than ${max} bytes.` });


/**
 * The ARN an IAM action is authorized against: the user or group it names (a user acting on itself when it names
 * none, as IAM defaults UserName to the caller), '*' for account-wide actions (ListUsers, ListGroups, CreateGroup
 * name their group). Paths are not looked up: a policy naming "user/*" or "*" matches, one naming a path does not.
 */
function iamResource(service: string, accountId: string, caller: string | undefined, params: URLSearchParams): string {
  if (service !== 'iam') return '*';
  const group = params.get('GroupName');
  const user = params.get('UserName') ?? (/User|AccessKey/.test(params.get('Action') ?? '') && params.get('Action') !== 'ListUsers' ? caller : undefined);
  if (user) return `arn:aws:iam::${accountId}:user/${user}`;
  if (group) return `arn:aws:iam::${accountId}:group/${group}`;
  return '*';
}

/** Parameters CloudTrail never shows: the protocol's own (Action, Version) and anything a signature or credential travels in. */
const UNRECORDED_PARAMS = /^(Action|Version|X-Amz-.*|Signature.*|AWSAccessKeyId|SecretAccessKey|Password|OldPassword|NewPassword)$/i;

/** IAM/STS parameters as CloudTrail records them: camelCase names (`UserName` → `userName`), list members kept by their Query names. */
function queryAuditParameters(params: URLSearchParams): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (!UNRECORDED_PARAMS.test(k)) out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  return Object.keys(out).length === 0 ? undefined : out;
}

export function createQueryRouter(service: 'iam' | 'sts', operations: Readonly<Record<string, IamHandler>>, context: IamContext): ServiceRouter {
  return {
    service,
    extraSigningRegions: ['us-east-1'],
    errorResponse: (err, ctx, log) => queryErrorResponse(service, err, ctx, log),
    async begin({ req, rawPath, rawQuery, query, ctx, sendContinue }) {
      if (req.method !== 'POST' && req.method !== 'GET') throw iamError('InvalidAction', { message: `The Query API answers GET and POST, not ${req.method ?? ''}.` });
      sendContinue();
      const raw = await readBounded(req, MAX_QUERY_BODY, tooLarge);
      return {
        authInput: bufferedAuthInput(req, rawPath, rawQuery, raw, ctx.secure),
        async route(verified) {
          // What was verified: the body as auth/ passed it on (its hash checked at its end).
          const body = await readBounded(verified.body, MAX_QUERY_BODY, tooLarge);
          const params = new URLSearchParams();
          for (const [k, v] of query) if (!k.startsWith('X-Amz-')) params.append(k, v);
          for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
          const action = params.get('Action');
          if (!action) throw iamError('MissingAction', { message: 'Missing Action' });
          const version = params.get('Version');
          const handler = Object.hasOwn(operations, action) ? operations[action] : undefined;
          if (!handler || (version !== null && version !== QUERY_VERSIONS[service])) {
            throw iamError('InvalidAction', { message: `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}` });
          }
          const principal = verified.principal;
          if (principal === undefined) throw iamError('AccessDenied', { message: 'Anonymous requests are not accepted.' });
          return {
            operation: action, resource: iamResource(service, principal.accountId, principal.userName, params), facts: requestFacts(req, params, ctx, verified),
            auditParameters: queryAuditParameters(params),
            run: () => handler({ action, params, principal, requestId: ctx.requestId }, context),
          };
        },
      };
    },
  };
}
