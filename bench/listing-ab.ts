/**
 * `node --import tsx bench/listing-ab.ts [--a <old dist/main.js>] [--b dist/main.js] [--keys 100000] [--rounds 3]`: the
 * ListObjectsV2 listing row of two builds in one run — both filled with the same keys, then one full pass each per
 * round, the order alternating, so machine load falls on both alike. Prints pages/s per round and the medians.
 */
import { createBucket, fillListing, listPass } from './workloads.js';
import { startStrongroom } from './targets.js';
import { loadAverage } from './proc-cpu.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1]! : dflt; };
const keys = Number(arg('keys', '100000'));
const rounds = Number(arg('rounds', '3'));
const a = await startStrongroom([], arg('a', 'bench/.base/dist/main.js'), 'A (before)');
const b = await startStrongroom([], arg('b', 'dist/main.js'), 'B (after)');
try {
  console.log(`ListObjectsV2 over ${keys} keys, ${rounds} rounds alternating; load before: ${loadAverage()}`);
  await Promise.all([a, b].map(async (t) => { await createBucket(t, 'bench'); await fillListing(t, 'bench', keys); }));
  const seen: Record<string, number[]> = { [a.name]: [], [b.name]: [] };
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 === 0 ? [a, b] : [b, a]) {
      const pass = await listPass(t, 'bench');
      if (pass.keys !== keys) throw new Error(`${t.name} listed ${pass.keys} keys, not ${keys}`);
      seen[t.name]!.push(pass.pagesPerSecond);
      console.log(`round ${r + 1} ${t.name}: ${pass.pagesPerSecond.toFixed(1)} pages/s (load ${loadAverage()})`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  for (const [name, xs] of Object.entries(seen)) console.log(`${name}: median ${median(xs).toFixed(1)} pages/s [${xs.map((x) => x.toFixed(1)).join(', ')}]`);
  console.log(`B ÷ A (medians): ${(median(seen[b.name]!) / median(seen[a.name]!)).toFixed(3)}`);
} finally {
  await a.stop();
  await b.stop();
}
