/** s3cmd, unchanged (SigV4, path-style): put of a multipart file, get, del. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { HAS_S3CMD, S3CMD_MISSING, s3cmd, s3cmdConfig } from '../helpers/rclone-s3cmd.js';

const suite = serverSuite('s3cmd');
const work = mkdtempSync(join(tmpdir(), 'strongroom-s3cmd-'));
after(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

test('put of a 12 MB file in 5 MiB parts, get, del', async (t) => {
  if (!HAS_S3CMD) return t.skip(S3CMD_MISSING);
  const config = s3cmdConfig(suite.server, work);
  const ok = async (args: string[]) => {
    const r = await s3cmd(config, args);
    assert.equal(r.code, 0, `s3cmd ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const src = join(work, 'twelve.bin');
  writeFileSync(src, randomBytes(12_000_000));

  await ok(['put', '--multipart-chunk-size-mb=5', src, `s3://${suite.bucket}/twelve.bin`]);
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'twelve.bin' }));
  assert.match(head.ETag!, /-3"$/, 'uploaded as three parts');
  assert.equal(head.ContentLength, 12_000_000);

  assert.match(await ok(['ls', `s3://${suite.bucket}`]), /12000000\s+s3:\/\/.*\/twelve\.bin/);

  const back = join(work, 'twelve.back');
  await ok(['get', `s3://${suite.bucket}/twelve.bin`, back]);
  assert.equal(sha256(back), sha256(src));

  await ok(['del', `s3://${suite.bucket}/twelve.bin`]);
  const left = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket }));
  assert.equal(left.KeyCount, 0);
});
