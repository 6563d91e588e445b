/** Date condition operators over ISO 8601 dates and epoch seconds (DateNotEquals is the negation of DateEquals). */
import type { OperatorTest } from './operator-env.js';

const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Milliseconds since the epoch, from "one of the W3C implementations of the ISO 8601 date formats" or "epoch
 * (UNIX) time" (IAM User Guide › Condition operators › Date condition operators). A time without a zone is read
 * as UTC, never as the server's local time, so the answer does not depend on where the server runs.
 */
export function parseDate(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const m = ISO.exec(t);
  if (!m) return undefined;
  const zone = m[3] === undefined ? 'Z' : m[3] === 'Z' ? 'Z' : `${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  const ms = Date.parse(m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function compare(test: (a: number, b: number) => boolean): OperatorTest {
  return (request, policy) => {
    const a = parseDate(request);
    const b = parseDate(policy);
    return a !== undefined && b !== undefined && test(a, b);
  };
}

export const dateEquals = compare((a, b) => a === b);
export const dateLessThan = compare((a, b) => a < b);
export const dateLessThanEquals = compare((a, b) => a <= b);
export const dateGreaterThan = compare((a, b) => a > b);
export const dateGreaterThanEquals = compare((a, b) => a >= b);
