/** Range header parsing: the forms S3 honours, the ones it ignores, and 416. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRange } from './range-header.js';

test('closed, open and suffix ranges', () => {
  assert.deepEqual(parseRange('bytes=0-0', 10), { start: 0, end: 0 });
  assert.deepEqual(parseRange('bytes=2-5', 10), { start: 2, end: 5 });
  assert.deepEqual(parseRange('bytes=5-', 10), { start: 5, end: 9 });
  assert.deepEqual(parseRange('bytes=-3', 10), { start: 7, end: 9 });
  assert.deepEqual(parseRange('bytes=-30', 10), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=8-100', 10), { start: 8, end: 9 });
});

test('unparseable or multiple ranges are ignored (whole object), as S3 does', () => {
  for (const v of ['bytes=a-b', 'items=0-1', 'bytes=0-1,3-4', 'bytes=5-2', 'bytes=-']) assert.equal(parseRange(v, 10), undefined, v);
  assert.equal(parseRange(undefined, 10), undefined);
});

test('a range starting past the end is 416 with Content-Range bytes */size', () => {
  for (const v of ['bytes=10-', 'bytes=100-200', 'bytes=-0']) {
    assert.throws(() => parseRange(v, 10), (e: { code: string; status: number; headers: Record<string, string> }) =>
      e.code === 'InvalidRange' && e.status === 416 && e.headers['content-range'] === 'bytes */10', v);
  }
  assert.throws(() => parseRange('bytes=0-', 0), { code: 'InvalidRange' });
});
