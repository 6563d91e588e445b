/** Who is asking, and whether a resource policy's Principal/NotPrincipal names them. */
import type { Element, PrincipalSpec } from './policy-document.js';

/** The requester as the evaluator sees it (built by auth/ and src/policy/condition-keys.ts). */
export type RequestPrincipal =
  | {
      readonly type: 'AWS';
      /** arn:aws:iam::<account>:root for the account root, arn:aws:iam::<account>:user/<name> for IAM users. */
      readonly arn: string;
      readonly accountId: string;
      /** The account's canonical user id, for {"CanonicalUser": …}. */
      readonly canonicalUserId?: string;
    }
  | { readonly type: 'Service'; readonly service: string }
  | { readonly type: 'Federated'; readonly provider: string }
  | { readonly type: 'Anonymous' };

/**
 * 'direct': the entry names this very principal. 'account': it names the principal's account ("When you specify
 * an AWS account … you delegate authority to the account": only the account's own identity policies can pass that
 * on to its users). 'none': not named.
 */
export type PrincipalMatch = 'direct' | 'account' | 'none';

const rootArn = (accountId: string) => `arn:aws:iam::${accountId}:root`;

/** Whether the principal is an account's root user (full access to its own account's resources). */
export function isAccountRoot(principal: RequestPrincipal): boolean {
  return principal.type === 'AWS' && principal.arn === rootArn(principal.accountId);
}

/** How a Principal value names the requester. "*" names everyone, anonymous requesters included. */
export function matchPrincipal(spec: PrincipalSpec, principal: RequestPrincipal): PrincipalMatch {
  if (spec.any) return 'direct';
  switch (principal.type) {
    case 'AWS':
      if (spec.AWS.includes(principal.arn)) return 'direct';
      if (principal.canonicalUserId !== undefined && spec.CanonicalUser.includes(principal.canonicalUserId)) {
        return isAccountRoot(principal) ? 'direct' : 'account';
      }
      return spec.AWS.includes(rootArn(principal.accountId)) ? 'account' : 'none';
    case 'Service':
      return spec.Service.includes(principal.service) ? 'direct' : 'none';
    case 'Federated':
      return spec.Federated.includes(principal.provider) ? 'direct' : 'none';
    case 'Anonymous':
      return 'none';
  }
}

/**
 * Whether NotPrincipal leaves the requester out of the statement. A user is excluded only when both the user and
 * its account are listed: "you must also include the account ARN" — listing the user alone would leave the
 * account, and so the user, under a Deny (IAM User Guide › NotPrincipal). Everyone not excluded is covered.
 */
export function excludedByNotPrincipal(spec: PrincipalSpec, principal: RequestPrincipal): boolean {
  if (spec.any) return true;
  const match = matchPrincipal(spec, principal);
  if (principal.type !== 'AWS' || isAccountRoot(principal)) return match === 'direct';
  return match === 'direct' && spec.AWS.includes(rootArn(principal.accountId));
}

/** Whether a resource-policy statement's Principal/NotPrincipal element covers the requester, and how. */
export function principalElementMatch(element: Element<PrincipalSpec>, principal: RequestPrincipal): PrincipalMatch {
  if (element.negated) return excludedByNotPrincipal(element.value, principal) ? 'none' : 'direct';
  return matchPrincipal(element.value, principal);
}
