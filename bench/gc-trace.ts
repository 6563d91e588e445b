/**
 * `node --import tsx bench/gc-trace.ts [entry=dist/main.js] [MiB=64] [conc=1] [node flags="--trace-gc"] [ops=8]`: one server under
 * `--trace-gc`, PUTs then GETs of one size; prints MB/s, server CPU (event loop and other threads) and the
 * scavenges and mark-compacts of each phase (docs/PERFORMANCE.md, "Issue 9, sixth pass").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConcurrent, send } from './client.js';
import { cpuWindow } from './proc-cpu.js';
import { createBucket } from './workloads.js';
import { serverNodeFlags } from './launch-flags.js';
const entry = process.argv[2] ?? 'dist/main.js';
const size = Number(process.argv[3] ?? 64) * 1024 * 1024;
const conc = Number(process.argv[4] ?? 1);
const flags = (process.argv[5] ?? '--trace-gc').split(' ').filter(Boolean);
const ops = Number(process.argv[6] ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'gc-'));
const log = '/tmp/gc/server.log';
const out = openSync(log, 'w');
const child = spawn(process.execPath, [...serverNodeFlags(), ...flags, entry, 'serve', '--listen', '127.0.0.1:0', '--data', dir], { env: { ...process.env, STRONGROOM_ROOT_ACCESS_KEY: 'BENCHKEY', STRONGROOM_ROOT_SECRET_KEY: 'benchsecret' }, stdio: ['ignore', out, openSync('/tmp/gc/server.err', 'w')] });
let url = '';
for (let i = 0; i < 100 && !url; i++) { await new Promise((r) => setTimeout(r, 100)); const m = /strongroom listening on (\S+)/.exec(readFileSync(log, 'utf8')); if (m) url = m[1]!; }
const t = { name: 's', url, accessKey: 'BENCHKEY', secretKey: 'benchsecret', sse: true, pid: child.pid! } as any;
await createBucket(t, 'gcb');
const body = randomBytes(size);
const mark0 = readFileSync(log, 'utf8').length; let wp = cpuWindow(t.pid); let sp = performance.now();
await runConcurrent(ops, conc, async (i) => { const r = await send(t, 'PUT', `/gcb/${i}`, {}, { 'x-amz-server-side-encryption': 'AES256' }, body); if (r.status !== 200) throw new Error(r.text); });
const markPut = readFileSync(log, 'utf8').length; { const g = wp(); const secs = (performance.now() - sp) / 1000; const pl = readFileSync(log, 'utf8').slice(mark0, markPut); console.log(`PUT ${(size * ops / 1048576 / secs).toFixed(0)} MB/s`, JSON.stringify(g.server), `scav ${(pl.match(/Scavenge/g) ?? []).length} mc ${(pl.match(/Mark-Compact/g) ?? []).length}`); }
let w = cpuWindow(t.pid);
let start = performance.now();
await runConcurrent(ops, conc, async (i) => { const r = await send(t, 'GET', `/gcb/${i}`, {}, {}); if (r.status !== 200) throw new Error(String(r.status)); });
let s = (performance.now() - start) / 1000;
const g = w();
console.log(`GET ${(size * ops / 1048576 / s).toFixed(0)} MB/s`, JSON.stringify(g));
const gets = readFileSync(log, 'utf8').slice(markPut);
const lines = gets.split('\n').filter((l) => /Scavenge|Mark-Compact|Mark-sweep|Mark-Compact/.test(l));
const sc = lines.filter((l) => l.includes('Scavenge')).length; const mc = lines.filter((l) => /Mark/.test(l)).length;
console.log(`GET phase: ${sc} scavenges, ${mc} mark-compacts`); console.log(lines.slice(0, 6).join('\n')); console.log(lines.filter((l) => /Mark/.test(l)).slice(0, 4).join('\n'));
console.log(`server RSS at the end: ${(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]! as unknown as number) / 1024 | 0} MB, peak ${(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]! as unknown as number) / 1024 | 0} MB`);
child.kill('SIGKILL'); await new Promise((r) => setTimeout(r, 300)); (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
