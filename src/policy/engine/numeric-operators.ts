/** Numeric condition operators: NumericEquals, …LessThan(Equals), …GreaterThan(Equals) (NumericNotEquals is the negation). */
import type { OperatorTest } from './operator-env.js';

/** A decimal number, integer or not ("NumericLessThan": {"s3:max-keys": "10"}); anything else matches nothing. */
export function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function compare(test: (a: number, b: number) => boolean): OperatorTest {
  return (request, policy) => {
    const a = parseNumber(request);
    const b = parseNumber(policy);
    return a !== undefined && b !== undefined && test(a, b);
  };
}

export const numericEquals = compare((a, b) => a === b);
export const numericLessThan = compare((a, b) => a < b);
export const numericLessThanEquals = compare((a, b) => a <= b);
export const numericGreaterThan = compare((a, b) => a > b);
export const numericGreaterThanEquals = compare((a, b) => a >= b);
