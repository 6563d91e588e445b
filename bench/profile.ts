/** `node --import tsx bench/profile.ts`: profiles the server (--cpu-prof) through 64 MiB PUTs and GETs and prints the top functions by self time. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStrongroom } from './targets.js';
import { createBucket, putGet } from './workloads.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Self time per function (ms), from a V8 .cpuprofile. */
export function topSelfTime(profile: Profile, n = 15): Array<{ name: string; ms: number; share: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const url = node.callFrame.url.replace(/^.*\/(node_modules|dist|src)\//, '$1/');
    const name = `${node.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${node.callFrame.lineNumber + 1}` : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, ms]) => ({ name, ms, share: ms / total }));
}

const dir = mkdtempSync(join(tmpdir(), 'strongroom-prof-'));
const server = await startStrongroom(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
await createBucket(server, 'prof');
const r = await putGet(server, 'prof', 64 * 1024 * 1024, 1, 8);
await server.stop();
console.log(`64 MiB x8 at c1: PUT ${r.put.mbps.toFixed(0)} MB/s, GET ${r.get.mbps.toFixed(0)} MB/s`);
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
for (const row of topSelfTime(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile)) {
  console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(6)} ms  ${row.name}`);
}
