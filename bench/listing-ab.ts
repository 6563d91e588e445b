/**
 * `node --import tsx bench/listing-ab.ts [--a <old dist/main.js>] [--b dist/main.js] [--keys 100000] [--rounds 3] [--versions 0]`:
 * the ListObjectsV2 listing row of two builds in one run — both filled with the same keys, then one full pass each per
 * round, the order alternating, so machine load falls on both alike. With `--versions N` (N ≥ 2) B also gets a
 * versioned bucket holding the same keys N versions each, listed in the same rounds ("B versioned"): the noncurrent
 * versions must not slow the listing of current objects. Prints pages/s per round and the medians.
 */
import { createBucket, fillListing, listPass } from './workloads.js';
import { percentile, send, type Target } from './client.js';
import { startStrongroom } from './targets.js';
import { loadAverage } from './proc-cpu.js';
import { arg } from './args.js';

const keys = Number(arg('keys', '100000'));
const rounds = Number(arg('rounds', '3'));
const versions = Number(arg('versions', '0'));
const a = await startStrongroom([], arg('a', 'bench/.base/dist/main.js'), 'A (before)');
const b = await startStrongroom([], arg('b', 'dist/main.js'), 'B (after)');

/** A pass over one target's bucket, named for the report. */
interface Lister { readonly name: string; readonly target: Target; readonly bucket: string }
const listers: Lister[] = [{ name: a.name, target: a, bucket: 'bench' }, { name: b.name, target: b, bucket: 'bench' }];

/** The same keys as fillListing, `n` versions each, in a bucket with versioning enabled before the first PUT. */
async function fillVersioned(t: Target, bucket: string, n: number): Promise<void> {
  await createBucket(t, bucket);
  const v = await send(t, 'PUT', `/${bucket}`, { versioning: '' }, {}, Buffer.from('<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>'));
  if (v.status !== 200) throw new Error(`${t.name}: PutBucketVersioning ${v.status} ${v.text}`);
  for (let round = 0; round < n; round++) await fillListing(t, bucket, keys);
}

try {
  console.log(`ListObjectsV2 over ${keys} keys, ${rounds} rounds alternating${versions >= 2 ? `, B also on a versioned bucket × ${versions}` : ''}; load before: ${loadAverage()}`);
  await Promise.all([a, b].map(async (t) => { await createBucket(t, 'bench'); await fillListing(t, 'bench', keys); }));
  if (versions >= 2) {
    await fillVersioned(b, 'vbench', versions);
    listers.push({ name: `${b.name} versioned ×${versions}`, target: b, bucket: 'vbench' });
  }
  const seen: Record<string, number[]> = Object.fromEntries(listers.map((l) => [l.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const l of r % 2 === 0 ? listers : [...listers].reverse()) {
      const pass = await listPass(l.target, l.bucket);
      if (pass.keys !== keys) throw new Error(`${l.name} listed ${pass.keys} keys, not ${keys}`);
      seen[l.name]!.push(pass.pagesPerSecond);
      console.log(`round ${r + 1} ${l.name}: ${pass.pagesPerSecond.toFixed(1)} pages/s (load ${loadAverage()})`);
    }
  }
  /** The middle value (the upper one of an even count): client.ts's percentile at 50. */
  const median = (xs: number[]) => percentile(xs, 50);
  for (const [name, xs] of Object.entries(seen)) console.log(`${name}: median ${median(xs).toFixed(1)} pages/s [${xs.map((x) => x.toFixed(1)).join(', ')}]`);
  const base = median(seen[a.name]!);
  for (const l of listers.slice(1)) console.log(`${l.name} ÷ A (medians): ${(median(seen[l.name]!) / base).toFixed(3)}`);
} finally {
  await a.stop();
  await b.stop();
}
