/** Strict x-amz-date parsing: real instants only, nothing normalised. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAmzDate, ymdOf } from './amz-date.js';

test('a real instant parses to itself', () => {
  assert.equal(parseAmzDate('20130524T000000Z')?.toISOString(), '2013-05-24T00:00:00.000Z');
  assert.equal(parseAmzDate('20240229T235959Z')?.toISOString(), '2024-02-29T23:59:59.000Z');
  assert.equal(ymdOf(new Date('2026-11-30T23:59:59Z')), '20261130');
});

test('impossible fields are refused, not rolled over', () => {
  for (const v of ['20261130T250000Z', '20261345T000000Z', '20261100T000000Z', '20250229T000000Z', '20261130T126000Z', '20261130T120060Z', '20261301T000000Z']) {
    assert.equal(parseAmzDate(v), undefined, v);
  }
});

test('anything but the basic format is refused', () => {
  for (const v of [undefined, '', '2026-11-30T00:00:00Z', '20261130T000000', '20261130T000000+0100', ' 20261130T000000Z']) {
    assert.equal(parseAmzDate(v), undefined, String(v));
  }
});
