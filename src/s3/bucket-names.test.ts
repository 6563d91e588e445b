/** Bucket naming rules from the S3 user guide. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidBucketName } from './bucket-names.js';

test('valid names', () => {
  for (const n of ['abc', 'my-bucket', 'my.bucket.name', 'a1b2c3', 'x'.repeat(63)]) assert.ok(isValidBucketName(n), n);
});

test('invalid names', () => {
  for (const n of ['ab', 'x'.repeat(64), 'UPPER', 'under_score', '-abc', 'abc-', 'a..b', '192.168.1.1', 'xn--abc', 'sthree-x', 'amzn-s3-demo-x', 'abc-s3alias', 'abc--ol-s3', 'a.mrap', 'abc--x-s3', 'abc--table-s3', 'ab c']) {
    assert.ok(!isValidBucketName(n), n);
  }
});
