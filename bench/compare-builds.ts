/**
 * A/B of two Strongroom builds in one run: `node --import tsx bench/compare-builds.ts --base DIR [--rounds N]`
 * starts this checkout's dist/main.js and DIR's dist/main.js side by side and runs the quick PUT/GET
 * workloads on both in alternating order, round after round. It reports, per row, the median
 * [min..max] of this build's throughput over the base's and of the servers' CPU time per operation
 * (utime+stime from /proc): a change's cost shows in CPU per op even when other load moves throughput.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Target } from './client.js';
import { createBucket, putGet } from './workloads.js';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const baseDir = opt('--base');
if (!baseDir) throw new Error('usage: compare-builds.ts --base DIR [--rounds N]');
const rounds = Number(opt('--rounds') ?? 3);
const here = new URL('..', import.meta.url).pathname;
const KIB = 1024;
const MIB = 1024 * KIB;
const ROWS: Array<{ label: string; size: number; conc: number; ops: number }> = [
  { label: '4 KiB c1', size: 4 * KIB, conc: 1, ops: 300 },
  { label: '4 KiB c16', size: 4 * KIB, conc: 16, ops: 1000 },
  { label: '1 MiB c1', size: MIB, conc: 1, ops: 40 },
  { label: '1 MiB c16', size: MIB, conc: 16, ops: 96 },
  { label: '64 MiB c1', size: 64 * MIB, conc: 1, ops: 3 },
];

interface Server extends Target { pid: number; stop(): Promise<void> }

async function start(name: string, root: string): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ab-'));
  const child = spawn(process.execPath, [join(root, 'dist/main.js'), 'serve', '--listen', '127.0.0.1:0', '--data', dir], {
    env: { ...process.env, STRONGROOM_ROOT_ACCESS_KEY: 'BENCHKEY', STRONGROOM_ROOT_SECRET_KEY: 'benchsecret' }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (l) => { const m = /^strongroom listening on (\S+)$/.exec(l); if (m) res(m[1]!); });
    child.once('exit', (c) => rej(new Error(`${name} exited with ${c}`)));
  });
  return {
    name, url, accessKey: 'BENCHKEY', secretKey: 'benchsecret', sse: true, pid: child.pid!,
    stop: async () => { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const span = (xs: number[]) => `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}]`;

async function main(): Promise<void> {
  const current = await start('current', here);
  const base = await start('base', resolve(baseDir!));
  const samples = new Map<string, { put: number[]; get: number[]; cpu: number[] }>();
  try {
    for (const s of [current, base]) await createBucket(s, 'abtest');
    for (let round = 0; round < rounds; round++) {
      for (const row of ROWS) {
        const order = round % 2 === 0 ? [current, base] : [base, current];
        const got = new Map<string, { put: number; get: number; cpu: number }>();
        for (const s of order) {
          const c0 = cpuSeconds(s.pid);
          const r = await putGet(s, 'abtest', row.size, row.conc, row.ops);
          got.set(s.name, { put: r.put.opsps, get: r.get.opsps, cpu: (cpuSeconds(s.pid) - c0) / row.ops });
        }
        const a = got.get('current')!;
        const b = got.get('base')!;
        if (!samples.has(row.label)) samples.set(row.label, { put: [], get: [], cpu: [] });
        const x = samples.get(row.label)!;
        x.put.push(a.put / b.put);
        x.get.push(a.get / b.get);
        x.cpu.push(a.cpu / b.cpu);
        process.stderr.write(`round ${round + 1}/${rounds} ${row.label} (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})\n`);
      }
    }
  } finally {
    await current.stop();
    await base.stop();
  }
  console.log(`Medians [min..max] of ${rounds} alternating rounds; > 1 means the current build is faster (throughput) or costlier (CPU).`);
  console.log('');
  console.log('| row | PUT ops/s current/base | GET ops/s current/base | server CPU per PUT+GET, current/base |');
  console.log('|---|---|---|---|');
  for (const [k, v] of samples) console.log(`| ${k} | ${span(v.put)} | ${span(v.get)} | ${span(v.cpu)} |`);
}

await main();
