/**
 * `node --import tsx bench/kms-put-cost.ts [--entry dist/main.js] [--size 4k] [--ops 400] [--conc 1] [--rounds 5] [--headers] [--before bench/.x/dist/main.js] [--prof] [--top 25]`:
 * what a small SSE-KMS PUT with an S3 Bucket Key costs beside an SSE-S3 PUT on ONE server (same build, same
 * process): alternating rounds (order rotated) over two buckets, one with the SSE-S3 default and one with the
 * SSE-KMS default and BucketKeyEnabled (`--headers`: one bucket, the encryption asked for in each PUT's
 * headers, as bench/run.ts's "Encryption kinds" rows do). Prints the server's CPU µs per PUT and PUTs/s per
 * kind, and the medians of the per-round ratios. `--prof` runs the server under --cpu-prof and prints, per
 * function, the main thread's self time per PUT of each kind and the difference, largest first.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConcurrent, send } from './client.js';
import { cpuWindow, loadAverage } from './proc-cpu.js';
import { startStrongroom, type Running } from './targets.js';
import { createBucket } from './workloads.js';
import { arg, parseSize } from './args.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number }

const root = new URL('..', import.meta.url).pathname;
const sizeArg = arg('size', '4k');
const size = parseSize(sizeArg);
const ops = Number(arg('ops', '400'));
const conc = Number(arg('conc', '1'));
const rounds = Number(arg('rounds', '5'));
const viaHeaders = process.argv.includes('--headers');
const prof = process.argv.includes('--prof');
const SSE = 'x-amz-server-side-encryption';

interface Kind { readonly name: string; readonly bucket: string; readonly headers: Record<string, string>; readonly defaultRule: string }
const KINDS: readonly Kind[] = [
  {
    name: 'SSE-S3', bucket: viaHeaders ? 'kcost' : 'kc-s3', headers: viaHeaders ? { [SSE]: 'AES256' } : {},
    defaultRule: '<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>',
  },
  {
    name: 'SSE-KMS + bucket key', bucket: viaHeaders ? 'kcost' : 'kc-kms', headers: viaHeaders ? { [SSE]: 'aws:kms', [`${SSE}-bucket-key-enabled`]: 'true' } : {},
    defaultRule: '<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled>',
  },
];

const dir = mkdtempSync(join(tmpdir(), 'strongroom-kmscost-'));
/** `--before PATH`: a second build (e.g. a copy of dist/ made before a change) measured in the same rounds, order rotated. */
const builds: Array<{ label: string; entry: string }> = [{ label: 'after', entry: arg('entry', join(root, 'dist/main.js')) }];
if (process.argv.includes('--before') && prof) throw new Error('--prof profiles one build: leave out --before');
if (process.argv.includes('--before')) builds.push({ label: 'before', entry: arg('before', '') });
const servers: Array<{ label: string; server: Running }> = [];
for (const b of builds) servers.push({ label: b.label, server: await startStrongroom(prof ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [], b.entry, b.label) });
const body = randomBytes(size);
for (const { server } of servers) {
  for (const k of KINDS) {
    await createBucket(server, k.bucket);
    if (viaHeaders) continue;
    const xml = Buffer.from(`<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>${k.defaultRule}</Rule></ServerSideEncryptionConfiguration>`);
    const r = await send(server, 'PUT', `/${k.bucket}`, { encryption: '' }, { 'content-type': 'application/xml' }, xml);
    if (r.status !== 200) throw new Error(`PutBucketEncryption ${k.bucket}: ${r.status} ${r.text}`);
  }
}
// Each kind under its own prefix: with --headers both share one bucket, and an overwrite costs more than a new key.
const put = (server: Running, k: Kind, key: string) => send(server, 'PUT', `/${k.bucket}/${KINDS.indexOf(k)}/${key}`, {}, { 'content-type': 'application/octet-stream', ...k.headers }, body).then((r) => {
  if (r.status !== 200) throw new Error(`${server.name} ${k.name} PUT ${r.status} ${r.text}`);
});
// Warm-up (JIT, the first bucket key, the aws/s3 key's creation): not measured.
for (const { server } of servers) for (const k of KINDS) await runConcurrent(Math.min(ops, 200), conc, (i) => put(server, k, `warm/${i}`));

console.log(`${sizeArg} PUT x${ops} c${conc}, ${rounds} rounds, encryption by ${viaHeaders ? 'request headers' : 'bucket default'}, builds ${builds.map((b) => `${b.label} ${b.entry}`).join(', ')}${prof ? ', under --cpu-prof' : ''}; load before: ${loadAverage()}`);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const samples = new Map<string, Array<{ us: number; opsps: number }>>();
const phases: Array<{ kind: string; fromUs: number; toUs: number }> = [];
const combos = servers.flatMap((s) => KINDS.map((k) => ({ ...s, kind: k })));
for (let r = 0; r < rounds; r++) {
  for (let j = 0; j < combos.length; j++) {
    const { label, server, kind: k } = combos[(j + r) % combos.length]!;
    const w = cpuWindow(server.pid);
    const from = nowUs();
    const run = await runConcurrent(ops, conc, (i) => put(server, k, `r${r}/${i}`));
    const c = w();
    phases.push({ kind: k.name, fromUs: from, toUs: nowUs() });
    const s = { us: (c.server.totalMs * 1000) / ops, opsps: ops / run.seconds };
    const name = `${label} ${k.name}`;
    (samples.get(name) ?? samples.set(name, []).get(name)!).push(s);
    console.log(`round ${r + 1} ${name.padEnd(28)} ${s.us.toFixed(0).padStart(6)} µs/op ${s.opsps.toFixed(0).padStart(6)} PUT/s | other load ${c.otherCores.toFixed(2)} cores, client ${(c.clientMs / c.wallMs).toFixed(2)}`);
  }
}
for (const { server } of servers) await server.stop();

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const spread = (xs: number[], d = 0) => `${median(xs).toFixed(d)} [${Math.min(...xs).toFixed(d)}..${Math.max(...xs).toFixed(d)}]`;
console.log('\n| build | kind | server CPU µs/PUT | PUT/s | CPU ÷ SSE-S3 | PUT/s ÷ SSE-S3 |\n|---|---|---|---|---|---|');
for (const { label } of servers) {
  const base = samples.get(`${label} SSE-S3`)!;
  for (const k of KINDS) {
    const xs = samples.get(`${label} ${k.name}`)!;
    console.log(`| ${label} | ${k.name} | ${spread(xs.map((x) => x.us))} | ${spread(xs.map((x) => x.opsps))} | ${spread(xs.map((x, i) => x.us / base[i]!.us), 2)} | ${spread(xs.map((x, i) => x.opsps / base[i]!.opsps), 2)} |`);
  }
}

if (prof) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|dist|src)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  // Self time (ms) per function per kind, over that kind's measured phases.
  const self = new Map<string, Map<string, number>>(KINDS.map((k) => [k.name, new Map()]));
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const p = phases.find((x) => t >= x.fromUs && t <= x.toUs);
    if (!p) return;
    const m = self.get(p.kind)!;
    const key = fn(byId.get(id)!);
    m.set(key, (m.get(key) ?? 0) + dt / 1000);
  });
  const per = rounds * ops;
  // The same samples summed per source file (where in our code, or which Node module, the time goes).
  const fileOf = (key: string) => key.slice(key.indexOf(' ') + 1).replace(/:\d+$/, '') || key;
  for (const m of [...self.values()]) {
    const byFile = new Map<string, number>();
    for (const [key, ms] of m) byFile.set(`file ${fileOf(key)}`, (byFile.get(`file ${fileOf(key)}`) ?? 0) + ms);
    for (const [key, ms] of byFile) m.set(key, ms);
  }
  const [a, b] = KINDS.map((k) => self.get(k.name)!);
  const total = (m: Map<string, number>) => [...m].filter(([key]) => !key.startsWith('file ')).reduce((s, [, x]) => s + x, 0);
  console.log(`\nmain thread sampled: ${KINDS[0]!.name} ${((total(a!) * 1000) / per).toFixed(0)} µs/PUT, ${KINDS[1]!.name} ${((total(b!) * 1000) / per).toFixed(0)} µs/PUT`);
  const names = new Set([...a!.keys(), ...b!.keys()]);
  const rows = [...names].map((n) => ({ n, a: ((a!.get(n) ?? 0) * 1000) / per, b: ((b!.get(n) ?? 0) * 1000) / per })).sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a));
  console.log(`| function | ${KINDS[0]!.name} µs/PUT | ${KINDS[1]!.name} µs/PUT | difference |\n|---|---|---|---|`);
  for (const r of rows.slice(0, Number(arg('top', '25')))) console.log(`| ${r.n} | ${r.a.toFixed(1)} | ${r.b.toFixed(1)} | ${(r.b - r.a).toFixed(1)} |`);
}
rmSync(dir, { recursive: true, force: true });
