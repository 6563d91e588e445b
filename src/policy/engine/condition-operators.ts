/** DATA: every condition operator name → its test, whether it is a negation, and how its policy values are checked. */
import { stringEquals, stringEqualsIgnoreCase, stringLike } from './string-operators.js';
import { numericEquals, numericGreaterThan, numericGreaterThanEquals, numericLessThan, numericLessThanEquals, parseNumber } from './numeric-operators.js';
import { dateEquals, dateGreaterThan, dateGreaterThanEquals, dateLessThan, dateLessThanEquals, parseDate } from './date-operators.js';
import { bool } from './bool-operator.js';
import { binaryEquals, isBase64 } from './binary-operator.js';
import { ipAddress } from './ip-operators.js';
import { arnLike } from './arn-operators.js';
import { parseIpRange } from './ip-address.js';
import type { OperatorTest } from './operator-env.js';

export interface OperatorFamily {
  readonly test: OperatorTest;
  /**
   * A negated operator is true exactly when its positive twin is false — including on a key the request lacks:
   * "If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the
   * right key is not present, the condition is true" (IAM User Guide › Condition operators).
   */
  readonly negated: boolean;
  /** Checks a policy value when the policy is stored; 'ip' values get S3's own message. */
  readonly valid?: (value: string) => boolean;
  readonly invalidReason?: 'ipValue';
}

const numeric = (v: string) => parseNumber(v) !== undefined;
const date = (v: string) => parseDate(v) !== undefined;
const ip = (v: string) => parseIpRange(v) !== undefined;

/** Base operators (IAM User Guide › IAM JSON policy elements: Condition operators). Null is handled apart. */
export const OPERATORS: Readonly<Record<string, OperatorFamily>> = {
  StringEquals: { test: stringEquals, negated: false },
  StringNotEquals: { test: stringEquals, negated: true },
  StringEqualsIgnoreCase: { test: stringEqualsIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { test: stringEqualsIgnoreCase, negated: true },
  StringLike: { test: stringLike, negated: false },
  StringNotLike: { test: stringLike, negated: true },
  NumericEquals: { test: numericEquals, negated: false, valid: numeric },
  NumericNotEquals: { test: numericEquals, negated: true, valid: numeric },
  NumericLessThan: { test: numericLessThan, negated: false, valid: numeric },
  NumericLessThanEquals: { test: numericLessThanEquals, negated: false, valid: numeric },
  NumericGreaterThan: { test: numericGreaterThan, negated: false, valid: numeric },
  NumericGreaterThanEquals: { test: numericGreaterThanEquals, negated: false, valid: numeric },
  DateEquals: { test: dateEquals, negated: false, valid: date },
  DateNotEquals: { test: dateEquals, negated: true, valid: date },
  DateLessThan: { test: dateLessThan, negated: false, valid: date },
  DateLessThanEquals: { test: dateLessThanEquals, negated: false, valid: date },
  DateGreaterThan: { test: dateGreaterThan, negated: false, valid: date },
  DateGreaterThanEquals: { test: dateGreaterThanEquals, negated: false, valid: date },
  Bool: { test: bool, negated: false, valid: (v) => /^(true|false)$/i.test(v) || v.includes('${') },
  BinaryEquals: { test: binaryEquals, negated: false, valid: isBase64 },
  IpAddress: { test: ipAddress, negated: false, valid: ip, invalidReason: 'ipValue' },
  NotIpAddress: { test: ipAddress, negated: true, valid: ip, invalidReason: 'ipValue' },
  ArnEquals: { test: arnLike, negated: false },
  ArnLike: { test: arnLike, negated: false },
  ArnNotEquals: { test: arnLike, negated: true },
  ArnNotLike: { test: arnLike, negated: true },
};

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

/** An operator name taken apart: optional set qualifier, base operator (or Null), optional IfExists. */
export interface ParsedOperator {
  readonly name: string;
  readonly base: string;
  readonly family: OperatorFamily | 'Null';
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
}

/**
 * Parses "ForAllValues:StringLikeIfExists" and the like. Names are case-sensitive, as AWS treats them.
 * "You can add IfExists to the end of any condition operator name except the Null condition"; set qualifiers
 * apply to the value operators, not to Null.
 */
export function parseOperatorName(name: string): ParsedOperator | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(name);
  if (!m) return undefined;
  const qualifier = m[1] as SetQualifier | undefined;
  const base = m[2]!;
  const ifExists = m[3] !== undefined;
  if (base === 'Null') return qualifier || ifExists ? undefined : { name, base, family: 'Null', qualifier, ifExists };
  const family = Object.hasOwn(OPERATORS, base) ? OPERATORS[base] : undefined;
  return family ? { name, base, family, qualifier, ifExists } : undefined;
}
