/** CORS rule matching as the S3 user guide describes it: origin (one wildcard), method, every requested header; the headers of a matched rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corsHeaders, matchCorsRule, requestedHeaders, wildcardMatch, type CorsRule } from './cors-rules.js';

const rule = (r: Partial<CorsRule>): CorsRule => ({ allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [], ...r });

test('one * in a pattern stands for any run of characters; without one the match is exact', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'https://a.example', true],
    ['*', '', true],
    ['https://*.example.com', 'https://a.example.com', true],
    ['https://*.example.com', 'https://a.b.example.com', true],
    ['https://*.example.com', 'https://example.com', false],
    ['https://*.example.com', 'http://a.example.com', false],
    ['https://*.example.com', 'https://a.example.com.evil.net', false],
    ['https://app.example.com', 'https://app.example.com', true],
    ['https://app.example.com', 'https://APP.example.com', false],
    ['https://app.example.com', 'https://app.example.com:443', false],
    ['x-amz-meta-*', 'x-amz-meta-', true],
    ['ab*ba', 'aba', false],
    ['', '', true],
  ];
  for (const [pattern, value, expected] of cases) assert.equal(wildcardMatch(pattern, value), expected, `${pattern} ~ ${value}`);
});

test('requested headers are split on commas, trimmed and lower-cased', () => {
  assert.deepEqual(requestedHeaders(' Content-Type,X-Amz-Meta-A ,, '), ['content-type', 'x-amz-meta-a']);
  assert.deepEqual(requestedHeaders(undefined), []);
});

test('the first rule allowing origin, method and every requested header wins', () => {
  const rules = [
    rule({ id: 'a', allowedOrigins: ['https://a.test'], allowedMethods: ['PUT'], allowedHeaders: ['Content-Type'] }),
    rule({ id: 'b', allowedOrigins: ['https://*.test'], allowedMethods: ['PUT', 'GET'], allowedHeaders: ['*'] }),
    rule({ id: 'c', allowedOrigins: ['*'], allowedMethods: ['GET'] }),
  ];
  assert.equal(matchCorsRule(rules, 'https://a.test', 'PUT', ['content-type'])?.id, 'a');
  // A header rule a does not allow: rule b (any header).
  assert.equal(matchCorsRule(rules, 'https://a.test', 'PUT', ['content-type', 'x-amz-acl'])?.id, 'b');
  assert.equal(matchCorsRule(rules, 'https://other.test', 'GET', [])?.id, 'b');
  // Rule c allows no headers at all: a preflight asking for one matches nothing.
  assert.equal(matchCorsRule(rules, 'https://nowhere.example', 'GET', [])?.id, 'c');
  assert.equal(matchCorsRule(rules, 'https://nowhere.example', 'GET', ['x-a']), undefined);
  assert.equal(matchCorsRule(rules, 'https://nowhere.example', 'PUT', []), undefined);
  // Methods compare exactly (S3 only stores the five upper-case ones).
  assert.equal(matchCorsRule(rules, 'https://a.test', 'put', []), undefined);
  assert.equal(matchCorsRule([], 'https://a.test', 'GET', []), undefined);
});

test('a matched rule answers the origin with credentials, or * without them when it allows every origin', () => {
  const specific = rule({ allowedOrigins: ['https://a.test'], allowedMethods: ['GET', 'PUT'], exposeHeaders: ['ETag'], maxAgeSeconds: 0 });
  assert.deepEqual(corsHeaders(specific, 'https://a.test', ['content-type']), {
    'access-control-allow-origin': 'https://a.test',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, PUT',
    'access-control-allow-headers': 'content-type',
    'access-control-expose-headers': 'ETag',
    'access-control-max-age': '0',
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  });
  assert.deepEqual(corsHeaders(rule({ allowedOrigins: ['https://a.test', '*'] }), 'https://b.test', []), {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET',
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  });
});
