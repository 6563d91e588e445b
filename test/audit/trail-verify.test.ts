/** Tamper evidence: `strongroom audit verify` passes an untouched trail and, on a copy with one change each, fails and names the changed byte, deleted/swapped/inserted line, deleted file, deleted or replaced digest. */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { digestFiles, segmentFiles } from '../helpers/audit-trail.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
let original = '';
const copies: string[] = [];

/** Two server runs, each stopped cleanly: two segments, two chained digests. */
before(async () => {
  const bucket = bucketName('tamper');
  const first = await startServer();
  original = first.dataDir;
  let s3 = s3Client(first);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const k of ['a', 'b', 'c']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
  s3.destroy();
  assert.equal(await first.stop({ remove: false }), 0);
  const second = await startServer({ dataDir: original });
  s3 = s3Client(second);
  for (const k of ['d', 'e']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
  s3.destroy();
  assert.equal(await second.stop({ remove: false }), 0);
});

after(() => {
  for (const d of [original, ...copies]) rmSync(d, { recursive: true, force: true });
});

/** A copy of the trail's data directory with `tamper` applied, verified; returns the exit code and output. */
function verifyCopy(tamper: (dataDir: string) => void, extra: string[] = []): { code: number | null; out: string } {
  const copy = mkdtempSync(join(tmpdir(), 'strongroom-tamper-'));
  copies.push(copy);
  cpSync(original, copy, { recursive: true });
  tamper(copy);
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist/main.js'), 'audit', 'verify', '--data', copy, ...extra], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

function writeLines(file: string, ls: string[]): void {
  writeFileSync(file, ls.map((l) => `${l}\n`).join(''));
}

test('an untouched trail verifies: two digests, two record files, exit 0', () => {
  const { code, out } = verifyCopy(() => {});
  assert.equal(code, 0, out);
  assert.match(out, /2 digests, 2 record files, 6 records checked; 0 problems/);
  assert.equal(segmentFiles(original).length, 2);
  assert.equal(digestFiles(original).length, 2);
});

test('one changed byte in a record → exit 1, naming the file and the line', () => {
  const { code, out } = verifyCopy((d) => {
    const file = segmentFiles(d)[0]!;
    const bytes = readFileSync(file);
    const at = bytes.indexOf('"key":"b"') + 7;
    bytes[at] = 'x'.charCodeAt(0);
    writeFileSync(file, bytes);
  });
  assert.equal(code, 1, out);
  assert.match(out, new RegExp(`record file ${basename(segmentFiles(original)[0]!)} does not match digest 000001\\.json: line 3 changed`));
});

test('a deleted line → exit 1, "line N deleted"', () => {
  const { code, out } = verifyCopy((d) => {
    const file = segmentFiles(d)[0]!;
    const ls = lines(file);
    writeLines(file, [...ls.slice(0, 2), ...ls.slice(3)]);
  });
  assert.equal(code, 1, out);
  assert.match(out, /line 3 deleted/);
});

test('two swapped lines → exit 1, "lines 2 and 3 swapped"', () => {
  const { code, out } = verifyCopy((d) => {
    const file = segmentFiles(d)[0]!;
    const ls = lines(file);
    writeLines(file, [ls[0]!, ls[2]!, ls[1]!, ...ls.slice(3)]);
  });
  assert.equal(code, 1, out);
  assert.match(out, /lines 2 and 3 swapped/);
});

test('an inserted line (a copy of a real record) → exit 1, "line N inserted"', () => {
  const { code, out } = verifyCopy((d) => {
    const file = segmentFiles(d)[1]!;
    const ls = lines(file);
    writeLines(file, [ls[0]!, ls[0]!, ...ls.slice(1)]);
  });
  assert.equal(code, 1, out);
  assert.match(out, new RegExp(`record file ${basename(segmentFiles(original)[1]!)} does not match digest 000002\\.json: line 2 inserted`));
});

test('a deleted record file → exit 1, "missing: deleted"', () => {
  const { code, out } = verifyCopy((d) => unlinkSync(segmentFiles(d)[0]!));
  assert.equal(code, 1, out);
  assert.match(out, new RegExp(`record file ${basename(segmentFiles(original)[0]!)} \\(sealed by digest 000001\\.json\\) is missing: deleted`));
});

test('a deleted digest → exit 1, the missing digest named and its record file reported as in no digest', () => {
  const { code, out } = verifyCopy((d) => unlinkSync(digestFiles(d)[0]!));
  assert.equal(code, 1, out);
  assert.match(out, /digest 000001\.json is missing \(deleted\)/);
  assert.match(out, new RegExp(`record file ${basename(segmentFiles(original)[0]!)} is in no digest`));
});

test('a digest edited to match an edited record file → exit 1, its signature does not verify, and the next digest no longer chains to it', () => {
  const { code, out } = verifyCopy((d) => {
    const file = segmentFiles(d)[0]!;
    const ls = lines(file);
    writeLines(file, ls.slice(1));
    const digestPath = digestFiles(d)[0]!;
    const doc = JSON.parse(readFileSync(digestPath, 'utf8')) as { logFiles: Array<{ hashValue: string; recordHashes: string[]; records: number }> };
    doc.logFiles[0]!.hashValue = createHashHex(readFileSync(file));
    doc.logFiles[0]!.recordHashes = doc.logFiles[0]!.recordHashes.slice(1);
    doc.logFiles[0]!.records -= 1;
    writeFileSync(digestPath, `${JSON.stringify(doc)}\n`);
  });
  assert.equal(code, 1, out);
  assert.match(out, /digest 000001\.json: the signature does not verify/);
  assert.match(out, /digest 000002\.json does not chain to 000001\.json/);
});

test('a digest replaced by another genuine digest → exit 1, "replaced by another digest"', () => {
  const { code, out } = verifyCopy((d) => {
    const [first, second] = digestFiles(d);
    writeFileSync(second!, readFileSync(first!));
  });
  assert.equal(code, 1, out);
  assert.match(out, /digest 000002\.json claims to be digest 1 .*replaced by another digest/);
});

test('--from after the first stretch checks only the second stretch\'s record files, yet still every chain link', () => {
  const { code, out } = verifyCopy((d) => unlinkSync(segmentFiles(d)[0]!), ['--from', new Date(Date.now() + 3600_000).toISOString()]);
  // Nothing in range: the deleted file of the first stretch is not looked at, the chain is whole.
  assert.equal(code, 0, out);
  assert.match(out, /2 digests, 0 record files/);
});

function createHashHex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
