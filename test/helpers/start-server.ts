/** Starts a real Strongroom server process on port 0 with a temp data dir; stops it (and removes the dir) after the suite. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serverNodeFlags } from '../../bench/launch-flags.js';

export const TEST_ACCESS_KEY = 'AKIASTRONGROOMTEST01';
export const TEST_SECRET_KEY = 'strongroom-test-secret-key-0123456789abcd';
export const TEST_REGION = 'us-east-1';

export interface TestServer {
  readonly url: string;
  /** The HTTPS endpoint, when the server was started with `--listen-tls`. */
  readonly tlsUrl: string | undefined;
  readonly port: number;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Everything the server wrote to stdout so far. */
  stdout(): string;
  /** SIGTERM and wait for exit; keeps the data dir unless `remove`. */
  stop(options?: { remove?: boolean }): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

const repoRoot = new URL('../..', import.meta.url).pathname;

export interface StartOptions {
  dataDir?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Node's own options before the entry point (e.g. `--trace-gc`). */
  nodeArgs?: string[];
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'strongroom-test-'));
  // The built server, as `npm start` runs it (`npm test` builds first); its memory is what users get.
  const child = spawn(process.execPath, [...serverNodeFlags(), ...(options.nodeArgs ?? []), join(repoRoot, 'dist/main.js'), 'serve', '--listen', '127.0.0.1:0', '--data', dataDir, ...(options.args ?? [])], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      STRONGROOM_ROOT_ACCESS_KEY: TEST_ACCESS_KEY,
      STRONGROOM_ROOT_SECRET_KEY: TEST_SECRET_KEY,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // One `strongroom listening on` line per listener: http, then https when --listen-tls is given.
  const wantsTls = (options.args ?? []).some((a) => a === '--listen-tls' || a.startsWith('--listen-tls='));
  let tlsUrl: string | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let httpUrl: string | undefined;
    lines.on('line', (line) => {
      const m = /^strongroom listening on (https?):\/\/(\S+)$/.exec(line);
      if (!m) return;
      if (m[1] === 'https') tlsUrl = `https://${m[2]!}`;
      else httpUrl = `http://${m[2]!}`;
      if (httpUrl !== undefined && (!wantsTls || tlsUrl !== undefined)) resolve(httpUrl);
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}`)));
  });
  return {
    url,
    tlsUrl,
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    stderr: () => stderr,
    stdout: () => stdout,
    async stop({ remove = true } = {}) {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (remove && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
