/**
 * `node --import tsx bench/profile.ts [--size 64m] [--ops 8] [--conc 1] [--entry dist/main.js] [--sse AES256|aws:kms|aws:kms:dsse] [--top 14]`: profiles the server
 * (--cpu-prof) through PUTs and then GETs of one size and prints, per phase: server CPU per op split by thread
 * kind (event loop, libuv pool, V8 helpers), the event-loop utilisation (main-thread CPU ÷ wall time), and the
 * main thread's self time by layer and by function.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConcurrent, send } from './client.js';
import { cpuWindow, loadAverage } from './proc-cpu.js';
import { startStrongroom } from './targets.js';
import { createBucket } from './workloads.js';
import { arg, parseSize } from './args.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number }

const root = new URL('..', import.meta.url).pathname;
const sizeArg = arg('size', '64m');
const size = parseSize(sizeArg);
const ops = Number(arg('ops', '8'));
const conc = Number(arg('conc', '1'));
/** `--sse`: the PUTs' x-amz-server-side-encryption (aws:kms: the account's aws/s3 key, no bucket key). */
const sse = arg('sse', 'AES256');
const sseHeaders: Record<string, string> = { 'x-amz-server-side-encryption': sse, ...(sse === 'aws:kms' ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'false' } : {}) };

/** Which layer a profile frame belongs to: our source directories, Node's own modules by kind, or V8's pseudo-frames. */
function layerOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const m = /\/dist\/([a-z-]+)\//.exec(url);
  if (m) return `strongroom ${m[1]}/`;
  if (url.includes('node_modules')) return 'node_modules';
  if (/node:internal\/(streams|webstreams)/.test(url)) return 'node streams';
  if (/node:internal\/crypto|node:crypto/.test(url)) return 'node crypto (JS side)';
  if (/node:_http|node:http|node:internal\/http|node:net|node:internal\/stream_base/.test(url)) return 'node http/net';
  if (/node:internal\/fs|node:fs/.test(url)) return 'node fs';
  return 'node other';
}

function fnName(node: ProfileNode): string {
  const url = node.callFrame.url.replace(/^.*\/(node_modules|dist|src)\//, '$1/');
  return `${node.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${node.callFrame.lineNumber + 1}` : ''}`.trim();
}

/** Self time (ms) per key over the samples taken between two wall-clock instants (µs since the profile's epoch). */
function selfTime(profile: Profile, key: (n: ProfileNode) => string, fromUs: number, toUs: number): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < fromUs || t > toUs) return;
    const k = key(byId.get(id)!);
    self.set(k, (self.get(k) ?? 0) + dt / 1000);
  });
  return [...self.entries()].sort((x, y) => y[1] - x[1]);
}

const dir = mkdtempSync(join(tmpdir(), 'strongroom-prof-'));
const server = await startStrongroom(['--cpu-prof', `--cpu-prof-dir=${dir}`], arg('entry', join(root, 'dist/main.js')));
await createBucket(server, 'prof');
const body = randomBytes(size);
const phases: Array<{ op: string; fromUs: number; toUs: number; line: string }> = [];
// The profile's clock is the server's monotonic clock in µs; both processes share the machine's, and
// performance.timeOrigin + performance.now() in ms is close enough to place the phases.
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
for (const op of ['PUT', 'GET']) {
  const w = cpuWindow(server.pid);
  const hr0 = process.hrtime.bigint();
  await runConcurrent(ops, conc, async (i) => {
    const r = await send(server, op, `/prof/k${i}`, {}, op === 'PUT' ? sseHeaders : {}, op === 'PUT' ? body : undefined);
    if (r.status !== 200) throw new Error(`${op} ${r.status}`);
  });
  const hr1 = process.hrtime.bigint();
  const c = w();
  const perOp = (ms: number) => `${((ms * 1000) / ops).toFixed(0)} µs/op`;
  phases.push({
    op, fromUs: Number(hr0 / 1000n), toUs: Number(hr1 / 1000n),
    line: `${op} ${sizeArg} x${ops} c${conc}: ${((ops * size) / c.wallMs / 1000).toFixed(0)} MB/s; server CPU ${perOp(c.server.totalMs)} = event loop ${perOp(c.server.mainMs)} + other threads ${perOp(c.server.otherThreadsMs)}; ` +
      `event-loop utilisation ${((c.server.mainMs / c.wallMs) * 100).toFixed(0)}%; server ${(c.server.totalMs / c.wallMs).toFixed(2)} cores, client ${(c.clientMs / c.wallMs).toFixed(2)}, other load ${c.otherCores.toFixed(2)} cores; loadavg ${loadAverage()}`,
  });
  void nowUs;
}
await server.stop();
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
rmSync(dir, { recursive: true, force: true });
// --cpu-prof timestamps are hrtime-based (µs), as process.hrtime is in this process on the same machine.
for (const p of phases) {
  console.log(`\n## ${p.line}`);
  const layers = selfTime(profile, layerOf, p.fromUs, p.toUs);
  const total = layers.reduce((s, [, ms]) => s + ms, 0);
  console.log(`main thread, self time by layer (${total.toFixed(0)} ms sampled):`);
  for (const [k, ms] of layers.slice(0, 12)) console.log(`${((ms / total) * 100).toFixed(1).padStart(5)}%  ${(ms / ops).toFixed(2).padStart(8)} ms/op  ${k}`);
  console.log('top functions:');
  for (const [k, ms] of selfTime(profile, fnName, p.fromUs, p.toUs).slice(0, Number(arg('top', '14')))) console.log(`${((ms / total) * 100).toFixed(1).padStart(5)}%  ${(ms / ops).toFixed(2).padStart(8)} ms/op  ${k}`);
}
