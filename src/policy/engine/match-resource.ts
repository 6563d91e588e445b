/** Whether a statement's Resource/NotResource covers the requested resource ARN (wildcards, policy variables, case-sensitive). */
import { matchArnPattern } from './arn-operators.js';
import { expandPattern } from './policy-variables.js';
import type { Element } from './policy-document.js';
import type { OperatorEnv } from './operator-env.js';

/**
 * One Resource entry against an ARN: "*" is every resource; otherwise the entry is compared component by component,
 * case-sensitively, with "*" and "?" wildcards and policy variables ("arn:aws:s3:::bucket/${aws:username}/*").
 * An entry whose variable has no value matches nothing (IAM User Guide › Variables › "Policy variables with no value").
 */
export function resourcePatternMatches(pattern: string, resource: string, env: OperatorEnv): boolean {
  if (pattern === '*') return true;
  const tokens = expandPattern(pattern, env.context, env.variables);
  return tokens !== undefined && matchArnPattern(tokens, resource);
}

/** Resource: one entry matches. NotResource: "matches every resource except those specified". */
export function resourceMatches(element: Element<readonly string[]>, resource: string, env: OperatorEnv): boolean {
  const listed = element.value.some((p) => resourcePatternMatches(p, resource, env));
  return element.negated ? !listed : listed;
}
