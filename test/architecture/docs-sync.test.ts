/** Keeps docs/COMPATIBILITY.md, the route table and the error table in step, in both directions, and each "proven by" cell honest. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3_ROUTES } from '../../src/edge/s3-route-table.js';
import { S3_OPERATIONS } from '../../src/s3/s3-operations.js';
import { S3_ERROR_CODES } from '../../src/common/s3-error-codes.js';
import { IAM_ERROR_CODES } from '../../src/common/iam-error-codes.js';
import { KMS_ERROR_CODES } from '../../src/common/kms-error-codes.js';
import { IAM_OPERATIONS, STS_OPERATIONS } from '../../src/iam/iam-operations.js';
import { KMS_OPERATIONS } from '../../src/kms/api/kms-operations.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const doc = readFileSync(join(ROOT, 'docs/COMPATIBILITY.md'), 'utf8');

/** The table rows (cells, trimmed) under one `## heading` of the document; header and separator rows skipped. */
function tableRows(heading: string): string[][] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `COMPATIBILITY.md has a "## ${heading}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  const lines = doc.slice(start, end < 0 ? undefined : end).split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) => l.slice(1, l.lastIndexOf('|')).split('|').map((c) => c.trim()));
}

/** One item of a "proven by" cell: `path.test.ts`, optionally followed by “the title of one test in it”. */
interface Proof { readonly file: string; readonly title?: string }

/** Parses a "proven by" cell; anything in it that is not a proof item (free text, globs) is returned as `rest`. */
function proofs(cell: string): { items: Proof[]; rest: string } {
  const items: Proof[] = [];
  const rest = cell.replace(/`([^`]+)`(?:\s*“([^”]+)”)?/g, (_m, file: string, title?: string) => {
    items.push(title === undefined ? { file } : { file, title });
    return '';
  }).replace(/[\s,]+/g, ' ').trim();
  return { items, rest };
}

/**
 * Whether a proof exercises its row: with a title, the file declares a test of exactly that title (as a
 * string literal: `test('…')` or a row of a table of cases); without one, the file names the row's subject
 * in one of the spellings given (an SDK command, a CLI or boto3 name, a header).
 */
function proofProblem(row: string, p: Proof, terms: readonly RegExp[], need: 'any' | 'all'): string | undefined {
  if (!/\.test\.ts$/.test(p.file)) return `${row}: ${p.file} is not a test file`;
  if (!existsSync(join(ROOT, p.file))) return `${row}: ${p.file} does not exist`;
  const text = readFileSync(join(ROOT, p.file), 'utf8');
  if (p.title !== undefined) {
    return ['\'', '"', '`'].some((q) => text.includes(`${q}${p.title}${q}`)) ? undefined : `${row}: ${p.file} has no test titled “${p.title}”`;
  }
  if (terms.length === 0) return `${row}: ${p.file} needs a “test title”: the row names nothing the file could mention`;
  const missing = terms.filter((t) => !t.test(text));
  if (need === 'any' ? missing.length < terms.length : missing.length === 0) return undefined;
  return `${row}: ${p.file} never mentions ${missing.map(String).join(need === 'any' ? ' or ' : ' nor ')}; name the test (“title”) that proves the row, or another file`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An operation's spellings: `PutObject` (also in `PutObjectCommand`), `put-object` (CLI), `put_object` (boto3). */
function operationTerms(op: string): RegExp[] {
  const words = op.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  return [new RegExp(`\\b${op}(Command)?\\b`), new RegExp(`\\b${words.join('-')}(?![\\w-])`), new RegExp(`\\b${words.join('_')}\\b`)];
}

/** Rows of an operations table: | `Operation` | status | proven by | notes | */
function operationRows(heading = 'Operations'): Map<string, { status: string; proof: string }> {
  const rows = new Map<string, { status: string; proof: string }>();
  for (const cells of tableRows(heading)) {
    const op = /^`(\w+)`$/.exec(cells[0]!)?.[1];
    assert.ok(op, `operations row "${cells.join(' | ')}" starts with a \`OperationName\``);
    rows.set(op, { status: cells[1]!, proof: cells[2] ?? '' });
  }
  return rows;
}

test('every routed operation has a row, and every row names a routed operation', () => {
  const rows = operationRows();
  const routed = new Set(S3_ROUTES.map((r) => r.operation));
  for (const op of routed) assert.ok(rows.has(op), `${op} is routed but missing from COMPATIBILITY.md`);
  for (const op of rows.keys()) assert.ok(routed.has(op), `${op} is in COMPATIBILITY.md but not in the route table`);
});

/** What is wrong with an operation row's proven-by cell: no test, prose in place of a file, or a file that never exercises it. */
function operationProofProblems(op: string, proof: string): string[] {
  const problems: string[] = [];
  const { items, rest } = proofs(proof);
  if (items.length === 0) problems.push(`${op} names no test`);
  if (rest !== '') problems.push(`${op}: "${rest}" in its proven-by cell is not a test file`);
  for (const p of items) {
    const problem = proofProblem(op, p, operationTerms(op), 'any');
    if (problem) problems.push(problem);
  }
  return problems;
}

test('an operation marked supported has a handler, and each test it names exists and exercises that operation', () => {
  const problems: string[] = [];
  for (const [op, row] of operationRows()) {
    const supported = /^(supported|partial)/i.test(row.status);
    assert.equal(supported, S3_OPERATIONS[op] !== undefined, `${op}: status "${row.status}" but handler ${S3_OPERATIONS[op] ? 'exists' : 'is missing'}`);
    if (!supported) continue;
    problems.push(...operationProofProblems(op, row.proof));
  }
  assert.deepEqual(problems, []);
});

test('each authentication feature names tests that exist and exercise it', () => {
  const problems: string[] = [];
  const rows = tableRows('Authentication');
  assert.ok(rows.length >= 5, 'the authentication table has its rows');
  for (const [feature, status, cell] of rows) {
    if (!/^(supported|refused)/i.test(status ?? '')) continue;
    // Every backticked name of the feature (header, payload hash, query parameter) must appear, whole:
    // `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` is not proven by a file that only has its `-TRAILER` variant.
    const terms = [...feature!.matchAll(/`([^`]+)`/g)].map((m) => new RegExp(`(?<![\\w-])${escape(m[1]!)}(?![\\w-])`, 'i'));
    const { items, rest } = proofs(cell ?? '');
    if (items.length === 0) problems.push(`${feature} names no test`);
    if (rest !== '') problems.push(`${feature}: "${rest}" in its proven-by cell is not a test file`);
    for (const p of items) {
      const problem = proofProblem(feature!, p, terms, 'all');
      if (problem) problems.push(problem);
    }
  }
  assert.deepEqual(problems, []);
});

test('every test file the document mentions exists (no globs, no prose standing in for a test)', () => {
  const missing = [...doc.matchAll(/`([^`\s]+\.test\.ts)`/g)].map((m) => m[1]!).filter((f) => !existsSync(join(ROOT, f)));
  assert.deepEqual(missing, []);
});

test('the error table and src/common/s3-error-codes.ts hold the same codes with the same HTTP statuses', () => {
  const documented = new Map<string, number>();
  for (const cells of tableRows('Errors')) {
    const code = /^`([\w.]+)`$/.exec(cells[0]!)?.[1];
    assert.ok(code, `error row "${cells.join(' | ')}" starts with a \`Code\``);
    assert.ok(!documented.has(code), `${code} is listed twice`);
    documented.set(code, Number(cells[1]));
  }
  const table = new Map(Object.entries(S3_ERROR_CODES).map(([code, e]) => [code, e.status as number]));
  for (const code of table.keys()) assert.ok(documented.has(code), `${code} (s3-error-codes.ts) is missing from COMPATIBILITY.md's error table`);
  for (const code of documented.keys()) assert.ok(table.has(code), `${code} is in COMPATIBILITY.md's error table but not in s3-error-codes.ts`);
  for (const [code, status] of table) assert.equal(documented.get(code), status, `${code}: COMPATIBILITY.md says ${documented.get(code)}, s3-error-codes.ts says ${status}`);
});

test('the IAM and STS operations table and the Query handler indexes hold the same operations, each row proven by a test that exercises it', () => {
  const rows = operationRows('IAM and STS operations');
  const handled = new Set([...Object.keys(IAM_OPERATIONS), ...Object.keys(STS_OPERATIONS)]);
  for (const op of handled) assert.ok(rows.has(op), `${op} is handled but missing from COMPATIBILITY.md's IAM and STS table`);
  const problems: string[] = [];
  for (const [op, row] of rows) {
    assert.ok(handled.has(op), `${op} is in COMPATIBILITY.md's IAM and STS table but has no handler`);
    assert.match(row.status, /^supported/, `${op}: every listed IAM/STS operation is handled`);
    problems.push(...operationProofProblems(op, row.proof));
  }
  assert.deepEqual(problems, []);
});

test('the KMS operations table and KMS_OPERATIONS hold the same operations, each row proven by a test that exercises it', () => {
  const rows = operationRows('KMS operations');
  const handled = new Set(Object.keys(KMS_OPERATIONS));
  for (const op of handled) assert.ok(rows.has(op), `${op} is handled but missing from COMPATIBILITY.md's KMS table`);
  const problems: string[] = [];
  for (const [op, row] of rows) {
    assert.ok(handled.has(op), `${op} is in COMPATIBILITY.md's KMS table but has no handler`);
    assert.match(row.status, /^supported/, `${op}: every listed KMS operation is handled`);
    problems.push(...operationProofProblems(op, row.proof));
  }
  assert.deepEqual(problems, []);
});

/** An error table under `heading` as code → status; a code listed twice fails. */
function errorTable(heading: string): Map<string, number> {
  const documented = new Map<string, number>();
  for (const cells of tableRows(heading)) {
    const code = /^`(\w+)`$/.exec(cells[0]!)?.[1];
    assert.ok(code, `error row "${cells.join(' | ')}" starts with a \`Code\``);
    assert.ok(!documented.has(code), `${code} is listed twice`);
    documented.set(code, Number(cells[1]));
  }
  return documented;
}

test('the IAM and STS error table and src/common/iam-error-codes.ts hold the same codes with the same HTTP statuses', () => {
  const table = new Map(Object.entries(IAM_ERROR_CODES).map(([code, e]) => [code, e.status as number]));
  assert.deepEqual([...errorTable('IAM and STS errors')].sort(), [...table].sort());
});

test('the KMS error table and src/common/kms-error-codes.ts hold the same codes with the same HTTP statuses', () => {
  const table = new Map(Object.entries(KMS_ERROR_CODES).map(([code, e]) => [code, e.status as number]));
  assert.deepEqual([...errorTable('KMS errors')].sort(), [...table].sort());
});
