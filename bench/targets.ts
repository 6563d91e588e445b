/** Starts the servers under test as child processes: Strongroom (built), the bare ceiling server, s3rver, moto_server. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer } from 'node:net';
import type { Target } from './client.js';
import { serverNodeFlags } from './launch-flags.js';

const root = new URL('..', import.meta.url).pathname;

export interface Running extends Target { readonly pid: number; stop(): Promise<void> }

/**
 * Strongroom with an HTTPS listener beside its HTTP one (`--listen-tls`, the self-signed development
 * certificate): `tls` is the same process reached over TLS, trusting that certificate. `serveArgs` go to
 * `serve` as they are (the SSE-C rows pass `--allow-insecure-sse-c --sse-c-default allowed`).
 */
export async function startStrongroomWithTls(entry = join(root, 'dist/main.js'), serveArgs: string[] = []): Promise<Running & { readonly tls: Target }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-strongroom-'));
  const child = spawn(process.execPath, [...serverNodeFlags(), entry, 'serve', '--listen', '127.0.0.1:0', '--listen-tls', '127.0.0.1:0', '--tls-self-signed', '--data', dir, ...serveArgs], {
    env: { ...process.env, STRONGROOM_ROOT_ACCESS_KEY: 'BENCHKEY', STRONGROOM_ROOT_SECRET_KEY: 'benchsecret' }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [url, tlsUrl] = await waitForLines(child, [/^strongroom listening on (http:\S+)$/, /^strongroom listening on (https:\S+)$/]);
  const ca = readFileSync(join(dir, 'tls', 'localhost.crt'));
  const keys = { accessKey: 'BENCHKEY', secretKey: 'benchsecret', sse: true };
  return {
    name: 'strongroom', url: url!, ...keys, pid: child.pid!, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
    tls: { name: 'strongroom https', url: tlsUrl!, ...keys, ca },
  };
}

/** Resolves with the first capture of each pattern once every one has matched a line. */
function waitForLines(child: ChildProcess, patterns: RegExp[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const found: Array<string | undefined> = patterns.map(() => undefined);
    createInterface({ input: child.stdout! }).on('line', (l) => {
      patterns.forEach((p, i) => { const m = p.exec(l); if (m) found[i] = m[1]!; });
      if (found.every((x) => x !== undefined)) resolve(found as string[]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child[stream]! });
    lines.on('line', (l) => { const m = pattern.exec(l); if (m) resolve(m[1]!); });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
  });
}

function stopper(child: ChildProcess, cleanup?: () => void) {
  return async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    cleanup?.();
  };
}

/** `entry` lets an A/B bench run an older build (e.g. bench/.base/dist/main.js) beside the current one. */
export async function startStrongroom(extraArgs: string[] = [], entry = join(root, 'dist/main.js'), name = 'strongroom', serveArgs: string[] = []): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-strongroom-'));
  const child = spawn(process.execPath, [...serverNodeFlags(), ...extraArgs, entry, 'serve', '--listen', '127.0.0.1:0', '--data', dir, ...serveArgs], {
    env: { ...process.env, STRONGROOM_ROOT_ACCESS_KEY: 'BENCHKEY', STRONGROOM_ROOT_SECRET_KEY: 'benchsecret' }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await waitForLine(child, /^strongroom listening on (\S+)$/);
  return { name, url, accessKey: 'BENCHKEY', secretKey: 'benchsecret', sse: true, pid: child.pid!, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })) };
}

export async function startBare(): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/bare-server.ts')], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await waitForLine(child, /^listening on (\S+)$/);
  return { name: 'bare node:http', url, accessKey: 'x', secretKey: 'x', sse: false, pid: child.pid!, stop: stopper(child) };
}

export async function startS3rver(): Promise<Running> {
  // Its objects (gigabytes after a full run) go with it: the directory is removed when it stops.
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/s3rver-server.ts'), dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await waitForLine(child, /^listening on (\S+)$/);
  return { name: 's3rver', url, accessKey: 'S3RVER', secretKey: 'S3RVER', sse: false, pid: child.pid!, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

export async function startMoto(): Promise<Running | string> {
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status !== 0) return 'moto_server is not installed on this machine';
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(url).then(() => true, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name: 'moto', url, accessKey: 'testing', secretKey: 'testing', sse: true, pid: child.pid!, stop: stopper(child) };
}

/**
 * Peak resident set size sampler for a process. `mark(label)` closes a phase: `phases()` gives the peak
 * within each phase, so a run's peak can be traced to the workload that reached it.
 */
export function rssSampler(pid: number): { peak(): number; mark(label: string): void; phases(): Array<[string, number]>; stop(): void } {
  let peak = 0;
  let phasePeak = 0;
  const phases: Array<[string, number]> = [];
  const read = () => {
    try {
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      peak = Math.max(peak, rss);
      phasePeak = Math.max(phasePeak, rss);
    } catch { /* exited */ }
  };
  const timer = setInterval(read, 100);
  return {
    peak: () => (read(), peak),
    mark: (label) => { read(); phases.push([label, phasePeak]); phasePeak = 0; },
    phases: () => phases,
    stop: () => clearInterval(timer),
  };
}
