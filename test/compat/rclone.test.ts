/** rclone, unchanged (a Go client: aws-sdk-go and encoding/xml): multipart upload, lsjson, download, server-side copy, delete. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { HAS_RCLONE, RCLONE_MISSING, rclone } from '../helpers/rclone-s3cmd.js';
import type { RunResult } from '../helpers/python-tools.js';

const suite = serverSuite('rclone');
const work = mkdtempSync(join(tmpdir(), 'strongroom-rclone-'));
after(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function ok(args: string[]): Promise<RunResult> {
  const r = await rclone(suite.server, args);
  assert.equal(r.code, 0, `rclone ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r;
}

interface LsEntry { Path: string; Size: number; IsDir: boolean }

test('copyto 20 MB in 8 MiB chunks, lsjson, copyto back, server-side copyto, delete', async (t) => {
  if (!HAS_RCLONE) return t.skip(RCLONE_MISSING);
  const remote = `sr:${suite.bucket}`;
  const src = join(work, 'twenty.bin');
  writeFileSync(src, randomBytes(20_000_000));

  await ok(['copyto', src, `${remote}/twenty.bin`, '--s3-chunk-size', '8M', '--s3-upload-cutoff', '8M']);
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'twenty.bin' }));
  assert.match(head.ETag!, /-3"$/, 'uploaded as three parts');
  assert.equal(head.ServerSideEncryption, 'AES256');

  const listed = JSON.parse((await ok(['lsjson', remote])).stdout) as LsEntry[];
  assert.deepEqual(listed.map((e) => [e.Path, e.Size, e.IsDir]), [['twenty.bin', 20_000_000, false]]);

  const back = join(work, 'twenty.back');
  await ok(['copyto', `${remote}/twenty.bin`, back]);
  assert.equal(sha256(back), sha256(src));

  const copied = await ok(['copyto', `${remote}/twenty.bin`, `${remote}/copies/twenty.bin`, '-v']);
  assert.match(copied.stderr, /server-side copy/);
  const again = join(work, 'copy.back');
  await ok(['copyto', `${remote}/copies/twenty.bin`, again]);
  assert.equal(sha256(again), sha256(src));

  await ok(['delete', remote]);
  const left = await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket }));
  assert.equal(left.KeyCount, 0);
});
