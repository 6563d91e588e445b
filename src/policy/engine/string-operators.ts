/** String condition operators: StringEquals, …IgnoreCase, StringLike (the Not… forms are their negations). */
import { expandPattern, expandText } from './policy-variables.js';
import { globMatch } from './wildcard.js';
import type { OperatorTest } from './operator-env.js';

/** "Exact matching, case sensitive"; policy variables allowed, no wildcards. */
export const stringEquals: OperatorTest = (request, policy, env) => expandText(policy, env.context, env.variables) === request;

/** "Exact matching, ignoring case". */
export const stringEqualsIgnoreCase: OperatorTest = (request, policy, env) =>
  expandText(policy, env.context, env.variables)?.toLowerCase() === request.toLowerCase();

/** "Case-sensitive matching. The values can include multi-character match wildcards (*) and single-character match wildcards (?)". */
export const stringLike: OperatorTest = (request, policy, env) => {
  const pattern = expandPattern(policy, env.context, env.variables);
  return pattern !== undefined && globMatch(pattern, request);
};
