/** The policy evaluator: identity policies + a resource policy → Allow, ExplicitDeny or ImplicitDeny, with the statements that decided. */
import { actionMatches } from './match-action.js';
import { conditionHolds } from './condition-block.js';
import { isAccountRoot, principalElementMatch, type RequestPrincipal } from './match-principal.js';
import { indexContext, type RequestContext } from './request-context.js';
import { resourceMatches } from './match-resource.js';
import type { PolicyDocument, Statement } from './policy-document.js';
import type { OperatorEnv } from './operator-env.js';

export interface EvaluationRequest {
  readonly principal: RequestPrincipal;
  /** "s3:PutObject": one IAM action (s3-actions.ts gives those of an S3 operation). */
  readonly action: string;
  /** The resource ARN ("arn:aws:s3:::bucket/key"). */
  readonly resource: string;
  /** Condition keys of the request, time included ("aws:CurrentTime"): the engine reads no clock. */
  readonly context: RequestContext;
  /** The principal's identity policies (user inline policies, its groups' policies). */
  readonly identityPolicies: readonly PolicyDocument[];
  /** The resource's policy (a bucket policy), if it has one. */
  readonly resourcePolicy?: PolicyDocument | undefined;
  /** The account that owns the resource; undefined means the principal's own (account-level actions). */
  readonly resourceAccount?: string | undefined;
  /**
   * The resource policy is a KMS key policy: it is the primary authority. The account root gets nothing from
   * being root, and identity policies count only where the key policy names the principal's account ("Enable
   * IAM policies": KMS Developer Guide › Default key policy).
   */
  readonly keyPolicy?: boolean;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** A statement that applied to the request, for debugging and audit ("which statement denied this?"). */
export interface MatchedStatement {
  readonly source: 'identity' | 'resource';
  readonly policyIndex: number;
  readonly statementIndex: number;
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
}

export interface EvaluationResult {
  readonly decision: Decision;
  /** Denies for ExplicitDeny; the allows that counted for Allow; any matched allows for ImplicitDeny. */
  readonly matched: readonly MatchedStatement[];
}

/** Whether one statement applies: action, resource and condition (the principal is checked by the caller). */
function statementApplies(statement: Statement, request: EvaluationRequest, env: OperatorEnv): boolean {
  return actionMatches(statement.action, request.action) && resourceMatches(statement.resource, request.resource, env) && conditionHolds(statement.condition, env);
}

/**
 * Decides a request (IAM User Guide › Policy evaluation logic):
 * 1. "An explicit deny in any policy overrides any allows" — a matching Deny in any identity policy or in the
 *    resource policy gives ExplicitDeny.
 * 2. Same account: "If either the identity-based policy or the resource-based policy … allows the request and
 *    the other doesn't, the request is still allowed." The account root is allowed everything in its own account
 *    ("with the exception of the AWS account root user, which has full access").
 * 3. Cross-account: the identity side and the resource side must both allow ("Cross-account policy evaluation
 *    logic"). A resource policy naming the principal's account counts for its users only across accounts;
 *    in the same account it delegates to identity policies and adds nothing.
 * 4. Anonymous and service requesters have no identity policies: only the resource policy can allow them.
 * 5. Otherwise: ImplicitDeny ("By default, all requests are implicitly denied").
 */
export function evaluate(request: EvaluationRequest): EvaluationResult {
  const context = indexContext(request.context);
  const principal = request.principal;
  const crossAccount = principal.type === 'AWS' && request.resourceAccount !== undefined && request.resourceAccount !== principal.accountId;
  const denies: MatchedStatement[] = [];
  const identityAllows: MatchedStatement[] = [];
  const resourceAllows: MatchedStatement[] = [];
  // Key-policy mode: an Allow naming the principal's account enables its identity policies (and grants nothing itself).
  let delegated = false;

  const visit = (policy: PolicyDocument, source: 'identity' | 'resource', policyIndex: number) => {
    const env: OperatorEnv = { context, variables: policy.version === '2012-10-17' };
    policy.statements.forEach((statement, statementIndex) => {
      let principalCounts = true;
      if (source === 'resource' && request.keyPolicy) {
        const match = statement.principal ? principalElementMatch(statement.principal, principal) : 'none';
        if (match === 'account' && statement.effect === 'Allow') {
          if (statementApplies(statement, request, env)) delegated = true;
          return;
        }
        principalCounts = match !== 'none';
      } else if (source === 'resource') {
        const match = statement.principal ? principalElementMatch(statement.principal, principal) : 'none';
        // An account-level Allow delegates to the account: it grants its users something only across accounts.
        principalCounts = match === 'direct' || (match === 'account' && (statement.effect === 'Deny' || crossAccount || isAccountRoot(principal)));
      }
      if (!principalCounts || !statementApplies(statement, request, env)) return;
      const matched: MatchedStatement = { source, policyIndex, statementIndex, sid: statement.sid, effect: statement.effect };
      if (statement.effect === 'Deny') denies.push(matched);
      else (source === 'identity' ? identityAllows : resourceAllows).push(matched);
    });
  };

  if (principal.type === 'AWS') request.identityPolicies.forEach((p, i) => visit(p, 'identity', i));
  if (request.resourcePolicy) visit(request.resourcePolicy, 'resource', 0);

  if (denies.length > 0) return { decision: 'ExplicitDeny', matched: denies };
  const allows = [...identityAllows, ...resourceAllows];
  if (request.keyPolicy) {
    const identity = principal.type === 'AWS' && (isAccountRoot(principal) || identityAllows.length > 0);
    const keyAllowed = crossAccount ? (resourceAllows.length > 0 || delegated) && identity : resourceAllows.length > 0 || (delegated && identity);
    return { decision: keyAllowed ? 'Allow' : 'ImplicitDeny', matched: allows };
  }
  const identitySide = (principal.type === 'AWS' && isAccountRoot(principal)) || identityAllows.length > 0;
  const resourceSide = resourceAllows.length > 0;
  let allowed: boolean;
  if (principal.type !== 'AWS') allowed = resourceSide;
  else if (crossAccount) allowed = identitySide && resourceSide;
  else allowed = identitySide || resourceSide;
  return { decision: allowed ? 'Allow' : 'ImplicitDeny', matched: allows };
}
