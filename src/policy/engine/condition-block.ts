/** Decides a statement's Condition block against the request context: absent keys, IfExists, ForAnyValue/ForAllValues, Null. */
import { contextValues } from './request-context.js';
import type { ConditionClause } from './policy-document.js';
import type { OperatorEnv } from './operator-env.js';

/**
 * Whether every clause holds: "If there are multiple condition operators, or if there are multiple keys attached
 * to a single condition operator, the conditions are evaluated using a logical AND" (IAM User Guide › Condition ›
 * "The condition block"). An empty block holds.
 */
export function conditionHolds(clauses: readonly ConditionClause[], env: OperatorEnv): boolean {
  return clauses.every((clause) => clauseHolds(clause, env));
}

/** One operator on one key: its values are ORed ("a logical OR … of the values"). */
export function clauseHolds(clause: ConditionClause, env: OperatorEnv): boolean {
  const { operator, values } = clause;
  const present = contextValues(env.context, clause.key);
  if (operator.family === 'Null') {
    // "true": the key is absent (or null); "false": the key is present.
    return values.some((v) => (v.toLowerCase() === 'true' ? present === undefined : present !== undefined));
  }
  const family = operator.family;
  const positive = (r: string) => values.some((v) => family.test(r, v, env));
  const single = (r: string) => (family.negated ? !positive(r) : positive(r));
  if (operator.qualifier === 'ForAllValues') {
    // "returns true if every context key value in the request matches at least one … It also returns true if
    // there are no context keys in the request."
    return present === undefined || present.every(single);
  }
  if (present === undefined) {
    // "…IfExists: If the policy key is not present in the request context, the condition evaluates to true."
    if (operator.ifExists) return true;
    // ForAnyValue: "returns false if there are no context keys in the request"; plain negated operators on an
    // absent key are true, positive ones false.
    return operator.qualifier === 'ForAnyValue' ? false : family.negated;
  }
  if (operator.qualifier === 'ForAnyValue') return present.some(single);
  return family.negated ? !present.some(positive) : present.some(positive);
}
