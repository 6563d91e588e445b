/** Conditional GET/HEAD headers and their precedence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConditions, etagMatches } from './conditional-headers.js';

const object = { etag: 'abc', lastModified: new Date('2026-01-01T00:00:10Z') };
const before = 'Thu, 01 Jan 2026 00:00:00 GMT';
const after = 'Thu, 01 Jan 2026 00:01:00 GMT';

test('ETag lists, quotes, weak tags and *', () => {
  assert.ok(etagMatches('"abc"', 'abc'));
  assert.ok(etagMatches('"x", "abc"', 'abc'));
  assert.ok(etagMatches('W/"abc"', 'abc'));
  assert.ok(etagMatches('*', 'abc'));
  assert.ok(!etagMatches('"abd"', 'abc'));
});

test('If-Match / If-None-Match / If-(Un)Modified-Since', () => {
  assert.doesNotThrow(() => checkConditions({ 'if-match': '"abc"' }, object));
  assert.throws(() => checkConditions({ 'if-match': '"nope"' }, object), { code: 'PreconditionFailed', status: 412 });
  assert.throws(() => checkConditions({ 'if-none-match': '"abc"' }, object), { code: 'NotModified', status: 304 });
  assert.throws(() => checkConditions({ 'if-modified-since': after }, object), { code: 'NotModified' });
  assert.doesNotThrow(() => checkConditions({ 'if-modified-since': before }, object));
  assert.throws(() => checkConditions({ 'if-unmodified-since': before }, object), { code: 'PreconditionFailed' });
});

test('If-Match wins over If-Unmodified-Since; If-None-Match wins over If-Modified-Since', () => {
  assert.doesNotThrow(() => checkConditions({ 'if-match': '"abc"', 'if-unmodified-since': before }, object));
  assert.doesNotThrow(() => checkConditions({ 'if-none-match': '"zzz"', 'if-modified-since': after }, object));
});

test('copy-source conditions answer 412, never 304', () => {
  assert.throws(() => checkConditions({ 'x-amz-copy-source-if-none-match': '"abc"' }, object, 'x-amz-copy-source-'), { code: 'PreconditionFailed' });
});
