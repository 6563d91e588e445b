/** BufferPool: reuses only pooled-size buffers, at most `max` of them, and gives small or oversized asks their own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from './buffer-pool.js';

test('a returned pooled buffer is handed out again; small and oversized asks get their own', () => {
  const pool = new BufferPool(1024, 2);
  const a = pool.take(1000);
  assert.equal(a.length, 1024);
  pool.give(a);
  assert.equal(pool.take(900), a, 'the spare was not reused');
  assert.equal(pool.take(100).length, 100);
  assert.equal(pool.take(5000).length, 5000);
});

test('at most `max` spares are kept, and foreign sizes are never pooled', () => {
  const pool = new BufferPool(1024, 1);
  const [a, b] = [pool.take(1024), pool.take(1024)];
  pool.give(a);
  pool.give(b);
  pool.give(Buffer.alloc(512));
  assert.equal(pool.take(1024), a);
  assert.notEqual(pool.take(1024), b, 'more than max spares were kept');
});
