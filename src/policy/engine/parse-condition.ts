/** Parses and validates a statement's Condition block into (operator, key, values) clauses. */
import { parseOperatorName } from './condition-operators.js';
import { PolicyInvalid } from './policy-error.js';
import type { ConditionClause } from './policy-document.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A condition value as text: JSON true/10 are read as "true"/"10", as AWS reads them. */
function conditionValues(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyInvalid('conditionShape');
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new PolicyInvalid('conditionShape');
  });
}

/** Parses `{"<operator>": {"<key>": value | [values]}}`; an unknown operator is "Invalid Condition type : <name>". */
export function parseCondition(raw: unknown): ConditionClause[] {
  if (!isObject(raw)) throw new PolicyInvalid('conditionShape');
  const clauses: ConditionClause[] = [];
  for (const [name, block] of Object.entries(raw)) {
    const operator = parseOperatorName(name);
    if (!operator) throw new PolicyInvalid('conditionType', name);
    if (!isObject(block) || Object.keys(block).length === 0) throw new PolicyInvalid('conditionShape');
    for (const [key, rawValues] of Object.entries(block)) {
      if (key.length === 0) throw new PolicyInvalid('conditionShape');
      const values = conditionValues(rawValues);
      for (const v of values) {
        if (operator.family === 'Null') {
          if (!/^(true|false)$/i.test(v)) throw new PolicyInvalid('conditionValue', name);
        } else if (operator.family.valid && !operator.family.valid(v)) {
          throw new PolicyInvalid(operator.family.invalidReason ?? 'conditionValue', name);
        }
      }
      clauses.push({ operator, key, values });
    }
  }
  return clauses;
}
