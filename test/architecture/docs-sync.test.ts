/** Keeps docs/COMPATIBILITY.md, the route table and the error table in step, in both directions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3_ROUTES } from '../../src/edge/s3-route-table.js';
import { S3_OPERATIONS } from '../../src/s3/s3-operations.js';
import { S3_ERROR_CODES } from '../../src/common/s3-error-codes.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const doc = readFileSync(join(ROOT, 'docs/COMPATIBILITY.md'), 'utf8');

/** Rows of the operations table: | `Operation` | status | tests | */
function operationRows(): Map<string, { status: string; tests: string[] }> {
  const rows = new Map<string, { status: string; tests: string[] }>();
  for (const line of doc.split('\n')) {
    const m = /^\|\s*`(\w+)`\s*\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|/.exec(line);
    if (!m) continue;
    rows.set(m[1]!, { status: m[2]!, tests: [...m[3]!.matchAll(/`([^`]+\.test\.ts)`/g)].map((x) => x[1]!) });
  }
  return rows;
}

test('every routed operation has a row, and every row names a routed operation', () => {
  const rows = operationRows();
  const routed = new Set(S3_ROUTES.map((r) => r.operation));
  for (const op of routed) assert.ok(rows.has(op), `${op} is routed but missing from COMPATIBILITY.md`);
  for (const op of rows.keys()) assert.ok(routed.has(op), `${op} is in COMPATIBILITY.md but not in the route table`);
});

test('an operation marked supported has a handler and at least one existing test file', () => {
  for (const [op, row] of operationRows()) {
    const supported = /^(supported|partial)/i.test(row.status);
    assert.equal(supported, S3_OPERATIONS[op] !== undefined, `${op}: status "${row.status}" but handler ${S3_OPERATIONS[op] ? 'exists' : 'is missing'}`);
    if (!supported) continue;
    assert.ok(row.tests.length > 0, `${op} names no test`);
    for (const t of row.tests) assert.ok(existsSync(join(ROOT, t)), `${op}: ${t} does not exist`);
  }
});

test('every error code in the S3 table is listed in COMPATIBILITY.md', () => {
  for (const code of Object.keys(S3_ERROR_CODES)) assert.ok(doc.includes(`\`${code}\``), `${code} is missing from the error list`);
});
