/**
 * `node --import tsx bench/memory-phases.ts [--entry dist/main.js] [--rounds 1] [--keys 20000] [--move 1] [--mp] [--norows] [--serve "--audit off"] [--node-flags "--max-semi-space-size=4"] [--out file]`:
 * the bench's Strongroom phases in the bench's order against one server started with the test-only preload
 * bench/memory-log.mjs; after each phase, the peak RSS of that phase split into V8 heap, external/arrayBuffers,
 * anonymous and file-backed memory (what bench/run.ts's RSS line cannot tell apart).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStrongroom } from './targets.js';
import { createBucket, listing, multipart, putGet, putLarge, versionedListing } from './workloads.js';
import { arg } from './args.js';

const root = new URL('..', import.meta.url).pathname;
const keys = Number(arg('keys', '20000'));
const moveGiB = Number(arg('move', '1'));
const out = arg('out', join(tmpdir(), `strongroom-memory-phases-${process.pid}.txt`));
process.env['MEMLOG_FILE'] = out;
const t = await startStrongroom(['--import', join(root, 'bench/memory-log.mjs'), ...arg('node-flags', '').split(' ').filter(Boolean)], arg('entry', join(root, 'dist/main.js')), 'strongroom', arg('serve', '').split(' ').filter(Boolean));
await createBucket(t, 'bench');
const MIB = 1 << 20;
const phase = async (label: string) => {
  appendFileSync(out, `${label}: `);
  process.kill(t.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
};
appendFileSync(out, `# ${new Date().toISOString()} ${process.argv.slice(2).join(' ')}\n`);
await phase('start');
for (let round = 0; round < Number(arg('rounds', '1')) && !process.argv.includes('--norows'); round++) {
  for (const [label, size, ops] of [['4 KiB', 4096, [400, 1600]], ['1 MiB', MIB, [40, 160]], ['64 MiB', 64 * MIB, [2, 8]]] as const) {
    for (const [ci, c] of [1, 16].entries()) {
      await putGet(t, 'bench', size, c, ops[ci]!);
      await phase(`round ${round + 1} ${label} c${c}`);
    }
  }
}
if (process.argv.includes('--mp')) { await multipart(t, 'bench', 1024 * MIB, 16 * MIB, 4); await phase('multipart 1 GiB'); }
if (keys > 0) {
  await listing(t, 'bench', keys);
  await phase(`listing ${keys}`);
  await versionedListing(t, 'bench-versioned', keys, 3);
  await phase(`versioned listing ${keys} x 3`);
}
if (moveGiB > 0) { await putLarge(t, 'bench', 'moved', moveGiB * 1024 * MIB); await phase(`move ${moveGiB} GiB`); }
await t.stop();
process.stdout.write(readFileSync(out, 'utf8'));
