/**
 * `npm run bench [-- --quick] [-- --rounds N]`: ceilings, Strongroom and peers in one run, printed as markdown
 * with ratios and saved as JSON. Every throughput row is measured in ≥ 3 rounds with the target order
 * rotated; tables give the median and [min..max], ratios are medians of the per-round ratios (targets
 * measured side by side), and each round records the other CPU load on the machine.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureCeilings } from './ceilings.js';
import { retriedRequests, setPayloadMode, type PayloadMode } from './client.js';
import { checkBaseline, ratiosOf, type Samples } from './baseline-check.js';
import { cpuWindow, loadAverage } from './proc-cpu.js';
import { rssSampler, startBare, startMoto, startS3rver, startStrongroomWithTls, type Running } from './targets.js';
import { bareputGet, createBucket, listing, multipart, putGet, putLarge, rangeLatency, versionedListing, type Throughput } from './workloads.js';

const quick = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Math.max(1, Number(process.argv[roundsArg + 1])) : 3;
/** `--entry path/to/dist/main.js`: bench another build of Strongroom (an older one, to compare rows run against run). */
const entryArg = process.argv.indexOf('--entry');
const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
/** Operations per round and target (c1, c16). */
const SIZES: Array<{ label: string; size: number; ops: [number, number] }> = quick
  ? [{ label: '4 KiB', size: 4 * KIB, ops: [100, 400] }, { label: '1 MiB', size: MIB, ops: [10, 32] }, { label: '64 MiB', size: 64 * MIB, ops: [2, 4] }]
  : [{ label: '4 KiB', size: 4 * KIB, ops: [400, 1600] }, { label: '1 MiB', size: MIB, ops: [40, 160] }, { label: '64 MiB', size: 64 * MIB, ops: [2, 8] }];
const CONCURRENCY = [1, 16] as const;
/**
 * The cost of TLS and of SSE-C: SSE-S3 and SSE-C PUT/GET over the same server's HTTP and HTTPS listeners,
 * the four back to back in each round (1 MiB at c16 only, 64 MiB at c1 only).
 */
const TLS_ROWS = SIZES.flatMap(({ label, size, ops }) =>
  CONCURRENCY.filter((c) => (size < MIB || (size === MIB ? c === 16 : c === 1))).map((conc) => ({ key: `${label} c${conc}`, size, conc, ops: ops[conc === 1 ? 0 : 1] })));
/** Variants measured per TLS row: transport × encryption mode (the SSE-C ones send a customer key). */
const TLS_VARIANTS = ['http', 'https', 'http sse-c', 'https sse-c'] as const;
/** A fixed customer key for the SSE-C rows (bench data only). */
const BENCH_CUSTOMER_KEY = Buffer.alloc(32, 0x5c);
const benchSseC = { key: BENCH_CUSTOMER_KEY.toString('base64'), keyMd5: createHash('md5').update(BENCH_CUSTOMER_KEY).digest('base64') };
/** Strongroom's encryption kinds side by side (same server, same round, order rotated): SSE-KMS uses the aws/s3 key. */
const SSE = 'x-amz-server-side-encryption';
const ENCRYPTIONS: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ['SSE-S3', { [SSE]: 'AES256' }],
  ['SSE-KMS', { [SSE]: 'aws:kms', [`${SSE}-bucket-key-enabled`]: 'false' }],
  ['SSE-KMS + bucket key', { [SSE]: 'aws:kms', [`${SSE}-bucket-key-enabled`]: 'true' }],
  ['DSSE-KMS', { [SSE]: 'aws:kms:dsse' }],
];
const ENCRYPTION_ROWS = SIZES.filter((s) => s.size <= MIB).flatMap(({ label, size, ops }) =>
  CONCURRENCY.map((conc, ci) => ({ key: `${label} c${conc}`, size, conc, ops: ops[ci]! })));
/** Signed payloads (x-amz-content-sha256 = the body's SHA-256, verified by the server) on the large PUT rows. */
const SIGNED_ROWS = new Set(['1 MiB c16', '64 MiB c1']);
const out: string[] = [];
const json: Record<string, unknown> = { quick, rounds: ROUNDS, date: new Date().toISOString() };
const log = (line = '') => { out.push(line); process.stdout.write(`${line}\n`); };
const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');

const median = (xs: number[]) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const spread = (xs: number[], d = 0) => { const s = xs.filter(Number.isFinite); return s.length === 0 ? '–' : `${f(median(s), d)} [${f(Math.min(...s), d)}..${f(Math.max(...s), d)}]`; };

async function main(): Promise<void> {
  log(`# Strongroom benchmark (${quick ? 'quick' : 'full'}, ${ROUNDS} rounds) — ${new Date().toISOString()}`);
  log('');
  log(`load average at start: ${loadAverage()}`);
  log('');
  // A ceiling is the best one core does: on a shared machine take the best of three measurements.
  const c = await measureCeilings(quick ? 128 * MIB : 512 * MIB);
  for (let i = 0; i < 2; i++) {
    const again = await measureCeilings(quick ? 64 * MIB : 128 * MIB, false);
    for (const k of ['aesSeal', 'aesOpen', 'md5', 'sha256', 'crc32'] as const) c[k] = Math.max(c[k], again[k]);
  }
  const combined = 1 / (1 / c.md5 + 1 / c.aesSeal + 1 / c.crc32);
  const combinedSigned = 1 / (1 / c.sha256 + 1 / c.md5 + 1 / c.aesSeal + 1 / c.crc32);
  json['ceilings'] = { ...c, md5AesCrc32: combined, sha256Md5AesCrc32: combinedSigned };
  log('## Ceilings (one core, this run; CPU rows best of 3)');
  log('');
  log('| what | MB/s |');
  log('|---|---|');
  for (const [k, v] of Object.entries({ 'AES-256-GCM seal, 64 KiB packages': c.aesSeal, 'AES-256-GCM open, 64 KiB packages': c.aesOpen, MD5: c.md5, 'SHA-256': c.sha256, 'CRC32 (zlib)': c.crc32, 'MD5 + AES-GCM + CRC32 on one core (unsigned PUT)': combined, 'SHA-256 + MD5 + AES-GCM + CRC32 on one core (signed PUT)': combinedSigned, 'disk: sequential write + fsync': c.diskWrite, 'disk: sequential read': c.diskRead })) log(`| ${k} | ${f(v)} |`);
  log('');

  const bare = await startBare();
  // --entry: an older build must also take --listen-tls (bench/targets.ts).
  // SSE-C over HTTP needs the insecure test switch; the bench bucket must allow SSE-C (new buckets block it).
  const ssecArgs = ['--allow-insecure-sse-c', '--sse-c-default', 'allowed'];
  const strongroom = entryArg >= 0 ? await startStrongroomWithTls(process.argv[entryArg + 1]!, ssecArgs) : await startStrongroomWithTls(undefined, ssecArgs);
  const strongroomTls = { ...strongroom.tls, pid: strongroom.pid };
  const variantTargets = {
    http: strongroom, https: strongroomTls,
    'http sse-c': { ...strongroom, name: 'strongroom sse-c', sseC: benchSseC }, 'https sse-c': { ...strongroomTls, name: 'strongroom https sse-c', sseC: benchSseC },
  };
  const s3rver = await startS3rver().catch((e: unknown) => `s3rver failed to start: ${String(e)}`);
  const moto = await startMoto();
  const rss = rssSampler(strongroom.pid);
  const peers = [s3rver, moto];
  const targets = [bare, strongroom, ...peers].filter((t): t is Running => typeof t !== 'string');
  /** row ("1 MiB c16" or "1 MiB c16 signed") → target → one Throughput pair per round. */
  const results: Record<string, Samples> = {};
  /** TLS row → 'http' | 'https' → one Throughput pair per round (kept out of `results`: not a peer comparison). */
  const tlsResults: Record<string, Samples> = {};
  /** Encryption row → kind → one Throughput pair per round. */
  const encResults: Record<string, Samples> = {};
  const roundLoad: Array<{ round: number; otherCores: number; clientCores: number; loadavg: string }> = [];
  try {
    for (const t of targets) if (t !== bare) await createBucket(t, 'bench');
    for (let round = 0; round < ROUNDS; round++) {
      const w = cpuWindow(strongroom.pid);
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const { label, size, ops } of SIZES) {
        for (const [ci, conc] of CONCURRENCY.entries()) {
          const base = `${label} c${conc}`;
          for (const mode of (SIGNED_ROWS.has(base) ? ['unsigned', 'signed'] : ['unsigned']) as PayloadMode[]) {
            setPayloadMode(mode);
            const key = mode === 'signed' ? `${base} signed` : base;
            const row = (results[key] ??= {});
            for (const t of order) {
              const n = Math.max(1, Math.ceil(ops[ci]! / (t.name === 'moto' ? 2 : 1)));
              const r = t === bare ? await bareputGet(bare, size, conc, n) : await putGet(t, 'bench', size, conc, n).catch((e: unknown) => `failed: ${String(e).slice(0, 80)}`);
              (row[t.name] ??= []).push(r);
              if (t === strongroom) rss.mark(`${key}${round === 0 ? '' : ` (round ${round + 1})`}`);
            }
          }
          setPayloadMode('unsigned');
        }
      }
      for (const { key, size, conc, ops } of TLS_ROWS) {
        const row = (tlsResults[key] ??= {});
        for (let v = 0; v < TLS_VARIANTS.length; v++) {
          const name = TLS_VARIANTS[(v + round) % TLS_VARIANTS.length]!;
          (row[name] ??= []).push(await putGet(variantTargets[name], 'bench', size, conc, ops).catch((e: unknown) => `failed: ${String(e).slice(0, 80)}`));
        }
      }
      rss.mark(`TLS and SSE-C rows (round ${round + 1})`);
      for (const { key, size, conc, ops } of ENCRYPTION_ROWS) {
        const row = (encResults[key] ??= {});
        for (let i = 0; i < ENCRYPTIONS.length; i++) {
          const [name, headers] = ENCRYPTIONS[(i + round) % ENCRYPTIONS.length]!;
          (row[name] ??= []).push(await putGet(strongroom, 'bench', size, conc, ops, headers).catch((e: unknown) => `failed: ${String(e).slice(0, 80)}`));
        }
      }
      rss.mark(`encryption kinds rows (round ${round + 1})`);
      const cw = w();
      // The window's server share is Strongroom's only; the other targets count as "other" here, so
      // report the machine's busy cores minus this client as the load the round ran under.
      roundLoad.push({ round: round + 1, otherCores: cw.machineCores - cw.clientMs / cw.wallMs, clientCores: cw.clientMs / cw.wallMs, loadavg: loadAverage() });
      process.stderr.write(`bench: round ${round + 1}/${ROUNDS} done\n`);
    }
    json['throughput'] = results;
    json['roundLoad'] = roundLoad;
    const ratios = ratiosOf(results);
    json['ratios'] = ratios;
    const small = (key: string) => key.startsWith('4 KiB');
    const values = (key: string, target: string, op: 'put' | 'get') => (results[key]?.[target] ?? []).map((r) => (typeof r === 'string' ? NaN : small(key) ? r[op].opsps : r[op].mbps));
    log(`## PUT and GET throughput (SSE-S3 for Strongroom; MB/s, or ops/s for 4 KiB; median [min..max] of ${ROUNDS} rounds)`);
    log('');
    log('Ratios are the median of the per-round ratios (each round measures all targets back to back, order rotated).');
    log('');
    log('| workload | op | bare node:http | Strongroom | ÷ bare | s3rver | ÷ s3rver | moto | ÷ moto | Strongroom CPU µs/op |');
    log('|---|---|---|---|---|---|---|---|---|---|');
    for (const key of Object.keys(results)) {
      for (const op of ['put', 'get'] as const) {
        if (key.endsWith('signed') && op === 'get') continue;
        const cpu = (results[key]?.['strongroom'] ?? []).map((r) => (typeof r === 'string' ? NaN : r[op].cpuUsPerOp ?? NaN));
        const rr = (peer: string) => spread(ratios[key]?.[op]?.[peer] ?? [], 2);
        log(`| ${key} | ${op.toUpperCase()} | ${spread(values(key, 'bare node:http', op))} | ${spread(values(key, 'strongroom', op))} | ${rr('bare node:http')} | ${spread(values(key, 's3rver', op))} | ${rr('s3rver')} | ${spread(values(key, 'moto', op))} | ${rr('moto')} | ${spread(cpu)} |`);
      }
    }
    for (const [key, row] of Object.entries(results)) for (const [name, xs] of Object.entries(row)) for (const x of xs) if (typeof x === 'string') log(`- ${key} ${name}: ${x}`);
    log('');
    log('Other CPU load per round (busy cores on the machine besides this client: the targets, plus other agents):');
    log('');
    for (const l of roundLoad) log(`- round ${l.round}: ${f(l.otherCores, 2)} cores busy besides the client (client ${f(l.clientCores, 2)}), load average ${l.loadavg}`);
    const lat = results['4 KiB c1']?.['strongroom']?.map((r) => (typeof r === 'string' ? undefined : r)).filter((r): r is { put: Throughput; get: Throughput } => r !== undefined) ?? [];
    if (lat.length > 0) log(`\n4 KiB latency (c1, median of rounds): PUT p50 ${f(median(lat.map((r) => r.put.p50)), 2)} ms, p99 ${f(median(lat.map((r) => r.put.p99)), 2)} ms; GET p50 ${f(median(lat.map((r) => r.get.p50)), 2)} ms, p99 ${f(median(lat.map((r) => r.get.p99)), 2)} ms`);
    log('');
    json['encryption'] = encResults;
    log(`## Encryption kinds (Strongroom over HTTP; ops/s for 4 KiB, MB/s for 1 MiB; median [min..max] of ${ROUNDS} rounds; ÷ SSE-S3 is the median of per-round ratios)`);
    log('');
    log('SSE-KMS uses the account\'s aws/s3 key in the built-in KMS (one GenerateDataKey per PUT, one Decrypt per GET); with a bucket key one per bucket key lifetime. SSE-C has its own table (after the cost of TLS).');
    log('');
    log('| workload | op | ' + ENCRYPTIONS.map(([n]) => `${n} | ÷ SSE-S3`).join(' | ') + ' |');
    log('|---|---|' + ENCRYPTIONS.map(() => '---|---|').join(''));
    for (const [key, row] of Object.entries(encResults)) {
      for (const op of ['put', 'get'] as const) {
        const rate = (name: string) => (row[name] ?? []).map((r) => (typeof r === 'string' ? NaN : small(key) ? r[op].opsps : r[op].mbps));
        const base = rate('SSE-S3');
        log(`| ${key} | ${op.toUpperCase()} | ` + ENCRYPTIONS.map(([n]) => `${spread(rate(n))} | ${spread(rate(n).map((v, i) => v / base[i]!), 2)}`).join(' | ') + ' |');
      }
    }
    for (const [key, row] of Object.entries(encResults)) for (const [name, xs] of Object.entries(row)) for (const x of xs) if (typeof x === 'string') log(`- encryption ${key} ${name}: ${x}`);
    log('');
    json['tls'] = tlsResults;
    log(`## The cost of TLS (SSE-S3, the same Strongroom over its HTTP and HTTPS listeners; MB/s, or ops/s for 4 KiB; median [min..max] of ${ROUNDS} rounds)`);
    log('');
    log('HTTPS: the self-signed ECDSA P-256 certificate, TLS 1.3, keep-alive connections (one handshake per pooled connection). The ratio is the median of per-round ratios (all four variants of the row measured back to back, order rotated).');
    log('');
    log('| workload | op | HTTP | HTTPS | HTTPS ÷ HTTP | CPU µs/op HTTP | CPU µs/op HTTPS |');
    log('|---|---|---|---|---|---|---|');
    for (const [key, row] of Object.entries(tlsResults)) {
      for (const op of ['put', 'get'] as const) {
        const rate = (name: string) => (row[name] ?? []).map((r) => (typeof r === 'string' ? NaN : small(key) ? r[op].opsps : r[op].mbps));
        const cpu = (name: string) => (row[name] ?? []).map((r) => (typeof r === 'string' ? NaN : r[op].cpuUsPerOp ?? NaN));
        const https = rate('https');
        const ratio = rate('http').map((h, i) => https[i]! / h);
        log(`| ${key} | ${op.toUpperCase()} | ${spread(rate('http'))} | ${spread(https)} | ${spread(ratio, 2)} | ${spread(cpu('http'))} | ${spread(cpu('https'))} |`);
      }
    }
    for (const [key, row] of Object.entries(tlsResults)) for (const [name, xs] of Object.entries(row)) for (const x of xs) if (typeof x === 'string') log(`- TLS ${key} ${name}: ${x}`);
    log('');
    log(`## SSE-C beside SSE-S3 (the same Strongroom, same listeners, same rounds as the TLS table; MB/s, or ops/s for 4 KiB; median [min..max] of ${ROUNDS} rounds)`);
    log('');
    log('SSE-C: a customer key in the three headers on every PUT and GET; over HTTP with `--allow-insecure-sse-c` (a test rig switch). ÷ SSE-S3 is on the same transport: the median of per-round ratios.');
    log('');
    log('| workload | op | SSE-S3 HTTP | SSE-C HTTP | SSE-C ÷ SSE-S3 (HTTP) | SSE-S3 HTTPS | SSE-C HTTPS | SSE-C ÷ SSE-S3 (HTTPS) | CPU µs/op SSE-C HTTP | CPU µs/op SSE-C HTTPS |');
    log('|---|---|---|---|---|---|---|---|---|---|');
    for (const [key, row] of Object.entries(tlsResults)) {
      for (const op of ['put', 'get'] as const) {
        const rate = (name: string) => (row[name] ?? []).map((r) => (typeof r === 'string' ? NaN : small(key) ? r[op].opsps : r[op].mbps));
        const cpu = (name: string) => (row[name] ?? []).map((r) => (typeof r === 'string' ? NaN : r[op].cpuUsPerOp ?? NaN));
        const ratio = (a: string, b: string) => { const x = rate(a); return rate(b).map((y, i) => x[i]! / y); };
        log(`| ${key} | ${op.toUpperCase()} | ${spread(rate('http'))} | ${spread(rate('http sse-c'))} | ${spread(ratio('http sse-c', 'http'), 2)} | ${spread(rate('https'))} | ${spread(rate('https sse-c'))} | ${spread(ratio('https sse-c', 'https'), 2)} | ${spread(cpu('http sse-c'))} | ${spread(cpu('https sse-c'))} |`);
      }
    }
    log('');

    rss.mark('between rows');
    const mpTotal = quick ? 256 * MIB : GIB;
    const mp = await multipart(strongroom, 'bench', mpTotal, 16 * MIB, 4);
    rss.mark('multipart');
    const lst = await listing(strongroom, 'bench', quick ? 5000 : 100_000);
    rss.mark('listing');
    const vlst = await versionedListing(strongroom, 'bench-versioned', quick ? 5000 : 100_000, 3);
    rss.mark('versioned listing');
    const bigSize = quick ? 256 * MIB : GIB;
    await putLarge(strongroom, 'bench', 'range-big', bigSize);
    await putLarge(strongroom, 'bench', 'range-small', MIB);
    // Alternate the two objects over three rounds (the first reads right after a 1 GiB write are noisy).
    const bigs: number[] = [];
    const smalls: number[] = [];
    for (let i = 0; i < 3; i++) {
      bigs.push(await rangeLatency(strongroom, 'bench', 'range-big', Math.floor(bigSize * 0.7)));
      smalls.push(await rangeLatency(strongroom, 'bench', 'range-small', 1000));
    }
    const rBig = median(bigs);
    const rSmall = median(smalls);
    rss.mark('range GETs');
    json['multipart'] = { bytes: mpTotal, mbps: mp };
    json['listing'] = lst;
    json['versionedListing'] = vlst;
    json['range'] = { bigSize, bigMs: rBig, smallMs: rSmall };
    log('## Other Strongroom figures');
    log('');
    log(`- multipart upload of ${mpTotal / MIB} MiB in 16 MiB parts, 4 at a time: ${f(mp)} MB/s`);
    log(`- ListObjectsV2 over ${lst.keys} keys: ${f(lst.pagesPerSecond, 1)} pages/s`);
    log(`- ListObjectsV2 over ${vlst.keys} keys × 3 versions (versioned bucket): ${f(vlst.pagesPerSecond, 1)} pages/s`);
    log(`- 1-byte range GET, median: ${f(rBig, 2)} ms on a ${bigSize / MIB} MiB object, ${f(rSmall, 2)} ms on a 1 MiB object (packages decrypted: 1, asserted by test/sse/range-cost.test.ts)`);

    const moved = quick ? GIB : 5 * GIB;
    await putLarge(strongroom, 'bench', 'moved', moved);
    rss.mark(`${moved / GIB} GiB PUT`);
    const phases = rss.phases();
    const movePeak = phases[phases.length - 1]![1];
    const peak = rss.peak();
    json['peakRss'] = peak;
    json['rssByPhase'] = phases;
    log(`- peak server RSS while moving a ${moved / GIB} GiB object (PUT, after everything above): ${f(movePeak / 1e6)} MB; over the whole run: ${f(peak / 1e6)} MB`);
    const top = [...phases].sort((a, b) => b[1] - a[1]).slice(0, 4);
    log(`- highest RSS by phase: ${top.map(([label, v]) => `${label} ${f(v / 1e6)} MB`).join(', ')}`);
    log('');

    log('## Targets (issue 9)');
    log('');
    const r = (key: string, op: 'put' | 'get', peer: string) => median(ratios[key]?.[op]?.[peer] ?? []);
    const med = (key: string, op: 'put' | 'get') => median(values(key, 'strongroom', op));
    const check = (name: string, value: number, goal: number, unit = '') => log(`| ${name} | ${f(value, 2)}${unit} | ${f(goal, 2)}${unit} | ${!Number.isFinite(value) ? 'NO DATA' : value >= goal ? 'MET' : `MISSED by ${f((1 - value / goal) * 100)}%`} |`);
    log('| target | measured | goal | result |');
    log('|---|---|---|---|');
    check('encrypted GET 64 MiB ÷ bare GET (c1)', r('64 MiB c1', 'get', 'bare node:http'), 0.8);
    check('encrypted GET 64 MiB ÷ bare GET (c16)', r('64 MiB c16', 'get', 'bare node:http'), 0.8);
    check('encrypted GET 1 MiB ÷ bare GET (c16)', r('1 MiB c16', 'get', 'bare node:http'), 0.6);
    check('SSE-S3 PUT 64 MiB (c1, unsigned) ÷ MD5+AES+CRC32 one-core ceiling', med('64 MiB c1', 'put') / combined, 0.7);
    check('SSE-S3 PUT 64 MiB (c1, signed) ÷ SHA-256+MD5+AES+CRC32 one-core ceiling', med('64 MiB c1 signed', 'put') / combinedSigned, 0.7);
    check('1-byte range: 1 MiB latency ÷ big-object latency', rSmall / rBig, 0.8);
    log(`| peak RSS moving ${moved / GIB} GiB | ${f(movePeak / 1e6)} MB | < 200 MB | ${movePeak < 200e6 ? 'MET' : 'MISSED'} |`);
    log(`| peak RSS over the whole run | ${f(peak / 1e6)} MB | < 200 MB | ${peak < 200e6 ? 'MET' : 'MISSED'} |`);
    for (const peer of ['s3rver', 'moto']) {
      let worst = Infinity;
      let where = '';
      for (const key of Object.keys(results)) for (const op of ['put', 'get'] as const) {
        if (key.endsWith('signed') && op === 'get') continue;
        const v = r(key, op, peer);
        if (Number.isFinite(v) && v < worst) { worst = v; where = `${key} ${op.toUpperCase()}`; }
      }
      check(`slowest Strongroom ÷ ${peer} over all rows (${where})`, worst, 1);
    }
    if (quick) {
      log('');
      log('## Regression guard (bench/baseline.json)');
      log('');
      for (const line of checkBaseline(ratios)) log(line);
    }
  } finally {
    rss.stop();
    for (const t of [bare, strongroom, ...peers]) if (typeof t !== 'string') await t.stop();
    for (const p of peers) if (typeof p === 'string') log(`\n(${p})`);
  }
  // Requests lost to a pooled connection the server had just closed, sent once more (bench/client.ts).
  json['retriedRequests'] = retriedRequests();
  log(`\nrequests sent twice after a reused keep-alive connection was closed under them: ${retriedRequests()}`);
  mkdirSync(join(new URL('.', import.meta.url).pathname, 'results'), { recursive: true });
  const file = join(new URL('.', import.meta.url).pathname, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, JSON.stringify(json, null, 2));
  log(`\nJSON: ${file}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
