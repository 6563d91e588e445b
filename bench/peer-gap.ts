/**
 * `node --import tsx bench/peer-gap.ts [--rounds 3] [--entry dist/main.js]`: where the PUT rows that trail s3rver lose.
 *
 * Measures, in the same rounds (target order rotated), s3rver, Strongroom, and two twins of the same build
 * that are NEVER a server anyone runs: copies of `dist/` patched in `bench/.twins/` so that one skips the
 * durability flushes (the blob's fsync, the shard directory's fsync, the early datasyncs and the WAL's
 * fdatasync) and the other skips verifying a signed payload's SHA-256. s3rver does neither: it answers a PUT
 * once its hashing Transform has finished, before its file write stream has (lib/stores/filesystem.js,
 * putObject), never fsyncs, and checks only the x-amz-content-sha256 header's format
 * (lib/middleware/authentication.js). If a twin is ahead of s3rver where Strongroom trails it, that work is
 * the gap. Every patch must apply exactly once, or the tool stops (a renamed function must not make a twin
 * silently identical to the build it is compared with).
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { percentile, runConcurrent, send, setPayloadMode } from './client.js';
import { startS3rver, startStrongroom, type Running } from './targets.js';
import { createBucket } from './workloads.js';
import { cpuWindow } from './proc-cpu.js';
import { arg } from './args.js';

const root = new URL('..', import.meta.url).pathname;
const rounds = Number(arg('rounds', '3'));
const entry = arg('entry', join(root, 'dist/main.js'));
const dist = join(entry, '..');

interface Patch { readonly file: string; readonly from: string; readonly to: string }

/** The twin without flushes: every fsync/fdatasync on the PUT path resolves at once. */
const NO_FLUSHES: Patch[] = [
  { file: 'stores/fs/fs-blob-store.js', from: 'Promise.allSettled([handle.sync(), entry()])', to: 'Promise.allSettled([Promise.resolve(), entry()])' },
  { file: 'stores/fs/fs-blob-store.js', from: 'const early = handle.datasync();', to: 'const early = Promise.resolve();' },
  { file: 'stores/fs/fs-blob-store.js', from: 'async function fsyncDir(dir) {', to: 'async function fsyncDir(dir) { return;' },
  { file: 'stores/fs/wal-sync.js', from: '    sync() {\n', to: '    sync() { return Promise.resolve();\n' },
];
/** The twin without payload verification: a signed body's SHA-256 is neither computed nor compared. */
const NO_PAYLOAD_HASH: Patch[] = [
  { file: 'auth/payload-hash-verifier.js', from: '_transform(chunk, _e, cb) { this.#hash.update(chunk); cb(null, chunk); }', to: '_transform(chunk, _e, cb) { cb(null, chunk); }' },
  { file: 'auth/payload-hash-verifier.js', from: "const actual = this.#hash.digest('hex');", to: 'const actual = this.expected;' },
];

/** A patched copy of the build under bench/.twins/<name>/dist (inside the repository, so node_modules resolves). */
function twin(name: string, patches: Patch[]): string {
  const dir = join(root, 'bench/.twins', name, 'dist');
  rmSync(dir, { recursive: true, force: true });
  cpSync(dist, dir, { recursive: true });
  for (const p of patches) {
    const path = join(dir, p.file);
    const text = readFileSync(path, 'utf8');
    const at = text.indexOf(p.from);
    if (at < 0 || text.indexOf(p.from, at + 1) >= 0) throw new Error(`twin ${name}: the patch of ${p.file} does not apply exactly once (${JSON.stringify(p.from)})`);
    writeFileSync(path, text.replace(p.from, p.to));
  }
  return join(dir, 'main.js');
}

const rows = [
  { name: '1 MiB c1 PUT', size: 1 << 20, conc: 1, ops: 150, signed: false },
  { name: '4 KiB c1 PUT', size: 4096, conc: 1, ops: 800, signed: false },
  { name: '1 MiB c16 signed PUT', size: 1 << 20, conc: 16, ops: 400, signed: true },
];

async function main(): Promise<void> {
  try {
    await measure();
  } finally {
    rmSync(join(root, 'bench/.twins'), { recursive: true, force: true });
  }
}

async function measure(): Promise<void> {
  // The twins first: a patch that does not apply stops the tool before any server runs.
  const noFlushes = twin('no-flushes', NO_FLUSHES);
  const noPayloadHash = twin('no-payload-hash', NO_PAYLOAD_HASH);
  const targets: Array<[string, Running]> = [];
  try {
    targets.push(['s3rver', await startS3rver()]);
    targets.push(['Strongroom', await startStrongroom([], entry, 'strongroom')]);
    targets.push(['twin: no flushes', await startStrongroom([], noFlushes, 'no-flushes')]);
    targets.push(['twin: no payload SHA-256', await startStrongroom([], noPayloadHash, 'no-payload-hash')]);
    for (const [, t] of targets) await createBucket(t, 'gap');
    const results = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const row of rows) {
        setPayloadMode(row.signed ? 'signed' : 'unsigned');
        const body = randomBytes(row.size);
        for (let i = 0; i < targets.length; i++) {
          const [name, t] = targets[(i + round) % targets.length]!;
          const cpu = cpuWindow(t.pid);
          const x = await runConcurrent(row.ops, row.conc, async (n) => {
            const r = await send(t, 'PUT', `/gap/r${round}-${n % 64}`, {}, {}, body);
            if (r.status !== 200) throw new Error(`${name}: PUT ${r.status} ${r.text}`);
          });
          const c = cpu();
          const opsps = row.ops / x.seconds;
          results.set(`${row.name}|${name}`, [...(results.get(`${row.name}|${name}`) ?? []), opsps]);
          console.log(`round ${round + 1} | ${row.name} | ${name} | ${opsps.toFixed(0)} ops/s | server ${(c.server.totalMs * 1000 / row.ops).toFixed(0)} µs/op | other load ${c.otherCores.toFixed(2)} cores`);
        }
      }
    }
    /** The middle value (the upper one of an even count): client.ts's percentile at 50. */
    const median = (xs: number[]) => percentile(xs, 50);
    console.log('');
    console.log(`| row | ${targets.map(([n]) => n).join(' | ')} |`);
    console.log(`|---|${targets.map(() => '---').join('|')}|`);
    for (const row of rows) {
      const peer = median(results.get(`${row.name}|s3rver`)!);
      const cells = targets.map(([n]) => {
        const xs = results.get(`${row.name}|${n}`)!;
        const m = median(xs);
        const range = `[${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}]`;
        return n === 's3rver' ? `${m.toFixed(0)} ${range} ops/s` : `${m.toFixed(0)} ${range} = ${(m / peer).toFixed(2)} × s3rver`;
      });
      console.log(`| ${row.name} | ${cells.join(' | ')} |`);
    }
  } finally {
    for (const [, t] of targets) await t.stop();
  }
}

await main();
