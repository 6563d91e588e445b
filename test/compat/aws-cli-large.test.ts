/** A 1 GiB file up and down with `aws s3 cp` (CLI multipart defaults): identical bytes, server RSS under 200 MB throughout. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName } from '../helpers/clients.js';
import { aws, AWS_CLI_MISSING, HAS_AWS_CLI } from '../helpers/python-tools.js';
import { withPeakRss } from '../helpers/rss.js';

const GIB = 1024 ** 3;
const MB = 1000 * 1000;
let server: TestServer;
const work = mkdtempSync(join(tmpdir(), 'strongroom-large-'));

before(async () => {
  if (HAS_AWS_CLI) server = await startServer();
});
after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const block = 4 * 1024 * 1024;
  for (let written = 0; written < size; written += block) {
    const chunk = randomBytes(Math.min(block, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
  return hash.digest('hex');
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

test('aws s3 cp of 1 GiB up and down: same sha256, peak server RSS < 200 MB', async (t) => {
  if (!HAS_AWS_CLI) return t.skip(AWS_CLI_MISSING);
  const bucket = bucketName('large');
  const src = join(work, 'one-gib.bin');
  const expected = await writeRandomFile(src, GIB);
  assert.equal((await aws(server, ['s3', 'mb', `s3://${bucket}`])).code, 0);
  const started = Date.now();
  const { peak } = await withPeakRss(server.process.pid!, async () => {
    const up = await aws(server, ['s3', 'cp', src, `s3://${bucket}/one-gib.bin`, '--only-show-errors']);
    assert.equal(up.code, 0, up.stderr);
    rmSync(src);
    const down = await aws(server, ['s3', 'cp', `s3://${bucket}/one-gib.bin`, `${src}.back`, '--only-show-errors']);
    assert.equal(down.code, 0, down.stderr);
  });
  assert.equal(await sha256File(`${src}.back`), expected);
  console.log(`1 GiB up+down in ${((Date.now() - started) / 1000).toFixed(1)} s; peak server RSS ${(peak / MB).toFixed(0)} MB`);
  assert.ok(peak < 200 * MB, `peak RSS ${(peak / MB).toFixed(0)} MB`);
});
