/** A parsed, validated policy document: the shape every other engine file reads. */
import type { ParsedOperator } from './condition-operators.js';

export type PolicyVersion = '2012-10-17' | '2008-10-17';

/** "Principal": "*" (everyone, anonymous included) or the named principals by type; AWS entries are normalized ARNs. */
export type PrincipalSpec =
  | { readonly any: true }
  | {
      readonly any: false;
      /** Account ids become "arn:aws:iam::<id>:root", as AWS stores them; "*" stays. */
      readonly AWS: readonly string[];
      readonly Service: readonly string[];
      readonly CanonicalUser: readonly string[];
      readonly Federated: readonly string[];
    };

/** One (operator, key) pair of a Condition block, with its values as strings. */
export interface ConditionClause {
  readonly operator: ParsedOperator;
  readonly key: string;
  readonly values: readonly string[];
}

/** An element that may be written positively or negated (Action/NotAction, Resource/NotResource, Principal/NotPrincipal). */
export interface Element<T> {
  readonly negated: boolean;
  readonly value: T;
}

export interface Statement {
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
  /** Present in resource policies only. */
  readonly principal: Element<PrincipalSpec> | undefined;
  readonly action: Element<readonly string[]>;
  readonly resource: Element<readonly string[]>;
  /** All clauses must hold (operators AND, keys AND; values within a key OR). Empty: no condition. */
  readonly condition: readonly ConditionClause[];
}

export interface PolicyDocument {
  readonly version: PolicyVersion;
  readonly id: string | undefined;
  readonly statements: readonly Statement[];
}
