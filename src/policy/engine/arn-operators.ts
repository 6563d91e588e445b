/** ARN matching, per colon-separated component, for ArnEquals/ArnLike conditions and for the Resource element. */
import { expandPattern } from './policy-variables.js';
import { globMatch, type GlobToken } from './wildcard.js';
import type { OperatorTest } from './operator-env.js';

/** Splits an ARN into its six components; the sixth (the resource) keeps any further colons. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Splits a compiled pattern at its first five literal colons, like arnParts. */
function patternParts(tokens: readonly GlobToken[]): GlobToken[][] | undefined {
  const parts: GlobToken[][] = [[]];
  for (const t of tokens) {
    if (t === ':' && parts.length < 6) parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  return parts.length === 6 ? parts : undefined;
}

/**
 * "Each of the six colon-delimited components of the ARN is checked separately and each can include
 * multi-character match wildcards (*) or single-character match wildcards (?)" (IAM User Guide › Condition
 * operators › ARN). A pattern with fewer than six components is matched against the whole ARN.
 */
export function matchArnPattern(pattern: readonly GlobToken[], arn: string): boolean {
  const p = patternParts(pattern);
  if (!p) return globMatch(pattern, arn);
  const a = arnParts(arn);
  return a !== undefined && p.every((part, i) => globMatch(part, a[i]!));
}

/** ArnEquals and ArnLike behave alike: "Case-sensitive matching of the ARN" with wildcards per component. */
export const arnLike: OperatorTest = (request, policy, env) => {
  const pattern = expandPattern(policy, env.context, env.variables);
  return pattern !== undefined && matchArnPattern(pattern, request);
};
