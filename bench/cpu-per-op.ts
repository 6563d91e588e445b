/**
 * `node --import tsx bench/cpu-per-op.ts [--a bench/.base/dist/main.js] [--b dist/main.js] [--size 1m] [--ops 40] [--conc 1] [--rounds 3] [--signed] [--bare] [--a-flags "..."] [--b-flags "..."] [--sse AES256|aws:kms|aws:kms:dsse] [--a-sse …] [--b-sse …]`:
 * A/B of two Strongroom builds (and optionally the bare server) in alternating rounds with the order rotated;
 * the main figure is the server's CPU time per operation (µs/op, from /proc), which other load on the machine
 * disturbs far less than throughput. Prints medians with [min..max] and the other load per round.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { retriedRequests, runConcurrent, send, setPayloadMode } from './client.js';
import { cpuWindow, loadAverage } from './proc-cpu.js';
import { startBare, startStrongroom, type Running } from './targets.js';
import { createBucket } from './workloads.js';
import { arg, parseSize } from './args.js';

const root = new URL('..', import.meta.url).pathname;
const sizeArg = arg('size', '1m');
const size = parseSize(sizeArg);
const ops = Number(arg('ops', '40'));
const conc = Number(arg('conc', '1'));
const rounds = Number(arg('rounds', '3'));
/** `--sse`: the PUTs' x-amz-server-side-encryption (aws:kms: the account's aws/s3 key, no bucket key). */
/** `--a-sse` / `--b-sse`: one side's own (e.g. SSE-S3 against SSE-KMS on the same build, same rounds). */
const sse = arg('sse', 'AES256');
const sseOf = (name: string) => arg(`${name.toLowerCase()}-sse`, sse);
const sseHeaders = (name: string): Record<string, string> => {
  const s = sseOf(name);
  return { 'x-amz-server-side-encryption': s, ...(s === 'aws:kms' ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'false' } : {}) };
};
const entries: Array<[string, string]> = [];
const a = arg('a', join(root, 'bench/.base/dist/main.js'));
if (a !== 'none' && existsSync(a)) entries.push(['A', a]);
entries.push(['B', arg('b', join(root, 'dist/main.js'))]);
if (process.argv.includes('--signed')) setPayloadMode('signed');

interface Sample { putUs: number; getUs: number; putMainShare: number; getMainShare: number; putMBps: number; getMBps: number; otherCores: number; clientCores: number }
const samples = new Map<string, Sample[]>();
const targets: Running[] = [];
// `--a-flags` / `--b-flags`: Node options for one side only (e.g. "--max-semi-space-size=1"), to A/B a launcher flag.
const flagsOf = (name: string) => arg(`${name.toLowerCase()}-flags`, '').split(' ').filter((f) => f !== '');
for (const [name, entry] of entries) targets.push(await startStrongroom(flagsOf(name), entry, name));
if (process.argv.includes('--bare')) targets.push(await startBare());
for (const t of targets) if (t.sse) await createBucket(t, 'cpu');
const body = randomBytes(size);
console.log(`${sizeArg} x${ops} c${conc}, ${rounds} rounds, ${entries.map(([n]) => `${n} ${sseOf(n)}`).join(', ')}, payload ${process.argv.includes('--signed') ? 'signed' : 'UNSIGNED-PAYLOAD'}; load before: ${loadAverage()}`);

for (let r = 0; r < rounds; r++) {
  const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
  for (const t of order) {
    const prefix = `r${r}`;
    const path = (i: number) => (t.sse ? `/cpu/${prefix}/${i}` : `/b/${size}`);
    const headers: Record<string, string> = t.sse ? sseHeaders(t.name) : {};
    let w = cpuWindow(t.pid);
    await runConcurrent(ops, conc, async (i) => {
      const res = await send(t, 'PUT', path(i), {}, headers, body);
      if (res.status !== 200) throw new Error(`${t.name} PUT ${res.status} ${res.text}`);
    });
    const p = w();
    w = cpuWindow(t.pid);
    await runConcurrent(ops, conc, async (i) => {
      const res = await send(t, 'GET', path(i), {}, {});
      if (res.status !== 200 || res.bytes !== size) throw new Error(`${t.name} GET ${res.status} ${res.bytes}`);
    });
    const g = w();
    const s: Sample = {
      putUs: (p.server.totalMs * 1000) / ops, getUs: (g.server.totalMs * 1000) / ops,
      putMainShare: p.server.mainMs / Math.max(1, p.server.totalMs), getMainShare: g.server.mainMs / Math.max(1, g.server.totalMs),
      putMBps: (ops * size) / p.wallMs / 1000, getMBps: (ops * size) / g.wallMs / 1000,
      otherCores: (p.otherCores * p.wallMs + g.otherCores * g.wallMs) / (p.wallMs + g.wallMs),
      clientCores: (p.clientMs + g.clientMs) / (p.wallMs + g.wallMs),
    };
    (samples.get(t.name) ?? samples.set(t.name, []).get(t.name)!).push(s);
    console.log(`round ${r + 1} ${t.name.padEnd(14)} PUT ${s.putUs.toFixed(0).padStart(7)} µs/op ${s.putMBps.toFixed(0).padStart(5)} MB/s (main thread ${(s.putMainShare * 100).toFixed(0)}%) | GET ${s.getUs.toFixed(0).padStart(7)} µs/op ${s.getMBps.toFixed(0).padStart(5)} MB/s (main ${(s.getMainShare * 100).toFixed(0)}%) | other load ${s.otherCores.toFixed(2)} cores, client ${s.clientCores.toFixed(2)} | loadavg ${loadAverage()}`);
  }
}
const stat = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return `${s[Math.floor(s.length / 2)]!.toFixed(0)} [${s[0]!.toFixed(0)}..${s[s.length - 1]!.toFixed(0)}]`; };
// Small objects read better as operations per second.
const small = size < 64 * 1024;
const unit = small ? 'ops/s' : 'MB/s';
const rate = (mbps: number) => (small ? (mbps * 1e6) / size : mbps);
console.log(`\n| target | PUT µs/op | GET µs/op | PUT ${unit} | GET ${unit} |\n|---|---|---|---|---|`);
for (const [name, xs] of samples) console.log(`| ${name} | ${stat(xs.map((x) => x.putUs))} | ${stat(xs.map((x) => x.getUs))} | ${stat(xs.map((x) => rate(x.putMBps)))} | ${stat(xs.map((x) => rate(x.getMBps)))} |`);
if (retriedRequests() > 0) console.log(`\nrequests sent twice after a reused keep-alive connection was closed under them: ${retriedRequests()}`);
for (const t of targets) await t.stop();
