/** Glob matching and IP ranges: the small pieces under the evaluator, including inputs built to be slow. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, globMatch } from './wildcard.js';
import { inRange, parseIpRange } from './ip-address.js';
import { expandText } from './policy-variables.js';
import { indexContext } from './request-context.js';

test('globs: * spans any run (also empty), ? one character, case only when asked', () => {
  const yes: Array<[string, string]> = [['*', ''], ['a*', 'a'], ['a*c', 'abbbc'], ['?', 'é'], ['a?c', 'abc'], ['*/*', 'x/y/z'], ['**', 'x']];
  const no: Array<[string, string]> = [['a', 'A'], ['a?c', 'ac'], ['abc', 'abcd'], ['*b', 'abc'], ['?', '']];
  for (const [p, s] of yes) assert.ok(globMatch(compileGlob(p), s), `${p} ~ ${s}`);
  for (const [p, s] of no) assert.ok(!globMatch(compileGlob(p), s), `${p} !~ ${s}`);
  assert.ok(globMatch(compileGlob('S3:Get*'), 's3:getobject', true));
});

test('a pattern built to make a backtracking matcher explode is answered (false) without stalling', () => {
  const pattern = compileGlob(`${'*a'.repeat(30)}*b`);
  assert.equal(globMatch(pattern, 'a'.repeat(20_000)), false);
});

test('IP ranges: IPv4, IPv6 (compressed, embedded IPv4), IPv4-mapped IPv6, bad input', () => {
  const inside = (ip: string, range: string) => inRange(parseIpRange(ip)!, parseIpRange(range)!);
  assert.ok(inside('192.0.2.200', '192.0.2.0/24'));
  assert.ok(inside('192.0.2.200', '192.0.2.1/24'), 'host bits of the range are ignored');
  assert.ok(!inside('192.0.3.1', '192.0.2.0/24'));
  assert.ok(inside('2001:db8::ffff', '2001:db8::/32'));
  assert.ok(inside('::ffff:192.0.2.1', '192.0.2.0/24'));
  assert.ok(inside('64:ff9b::192.0.2.33', '64:ff9b::/96'));
  assert.ok(!inside('192.0.2.1', '::/0'), 'IPv4 is not inside an IPv6 range');
  for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4/33', '2001:db8::1::2', 'g::1', '1:2:3:4:5:6:7:8:9', '', 'x/8']) assert.equal(parseIpRange(bad), undefined, bad);
});

test('policy variables: defaults, quotes, escapes, malformed text stays literal', () => {
  const ctx = indexContext({ 'aws:username': 'alice' });
  assert.equal(expandText('${aws:username}', ctx, true), 'alice');
  assert.equal(expandText("${ aws:userid , 'none' }", ctx, true), 'none');
  assert.equal(expandText("${aws:userid, 'it''s'}", ctx, true), "it's");
  assert.equal(expandText('${aws:userid}', ctx, true), undefined);
  assert.equal(expandText('${*}${?}${$}', ctx, true), '*?$');
  assert.equal(expandText('${aws:username', ctx, true), '${aws:username');
  assert.equal(expandText('cost: $5 ${}', ctx, true), 'cost: $5 ${}');
  assert.equal(expandText('${aws:username}', ctx, false), '${aws:username}');
});
