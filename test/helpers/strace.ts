/** Runs the built server under `strace -f` and parses the trace into ordered syscall events, for tests about what reaches the disk before an answer. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from './start-server.js';
import { serverNodeFlags } from '../../bench/launch-flags.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

/** Syscalls worth tracing for durability; `?` lets strace skip a name the architecture lacks (arm64 has no `rename`). */
const TRACED = [
  'fsync', 'fdatasync', '?rename', 'renameat', '?renameat2',
  'write', 'writev', 'pwrite64', '?pwritev', '?pwritev2', 'sendto', 'sendmsg',
  'read', 'readv', 'recvfrom', 'openat', 'close', '?mkdir', 'mkdirat',
];

/** Why strace cannot run here (missing, or ptrace refused), or undefined when it can. */
export function straceUnavailable(): string | undefined {
  const probe = spawnSync('strace', ['-f', '-o', '/dev/null', 'true'], { encoding: 'utf8' });
  if (probe.error) return `strace is not installed (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`;
  if (probe.status !== 0) return `strace cannot trace here (exit ${probe.status}): ${probe.stderr.trim()}`;
  return undefined;
}

/** One syscall: where it started and finished in the trace (line order is the order strace observed). */
export interface SyscallEvent {
  readonly pid: number;
  readonly name: string;
  /** Everything between the parentheses (both halves joined when strace split the call). */
  readonly args: string;
  /** The return value text after `= `. */
  readonly ret: string;
  readonly start: number;
  readonly end: number;
}

/** Path that `strace -y` printed for the first argument's fd, e.g. `/data/meta.sqlite-wal` or `socket:[1234]`. */
export function fdPath(e: SyscallEvent): string | undefined {
  return /^-?\d+<([^>]*)>/.exec(e.args)?.[1];
}

/** Whether the call succeeded (a non-negative return). */
export function succeeded(e: SyscallEvent): boolean {
  return /^\d+/.test(e.ret);
}

/** Parses `strace -f -y` output; unfinished/resumed halves are joined per thread. */
export function parseTrace(text: string): SyscallEvent[] {
  const events: SyscallEvent[] = [];
  const pending = new Map<number, { name: string; args: string; start: number }>();
  const lines = text.split('\n');
  lines.forEach((line, idx) => {
    const head = /^(\d+)\s+\S+\s+(.*)$/.exec(line);
    if (!head) return;
    const pid = Number(head[1]);
    const rest = head[2]!;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(rest);
    if (resumed) {
      const p = pending.get(pid);
      pending.delete(pid);
      if (!p || p.name !== resumed[1]) return;
      const done = /^(.*)\)\s+= (.*)$/.exec(resumed[2]!);
      if (!done) return;
      events.push({ pid, name: p.name, args: p.args + done[1]!, ret: done[2]!, start: p.start, end: idx });
      return;
    }
    const unfinished = /^(\w+)\((.*?)\s*<unfinished \.\.\.>$/.exec(rest);
    if (unfinished) {
      pending.set(pid, { name: unfinished[1]!, args: unfinished[2]!, start: idx });
      return;
    }
    const whole = /^(\w+)\((.*)\)\s+= (.*)$/.exec(rest);
    if (whole) events.push({ pid, name: whole[1]!, args: whole[2]!, ret: whole[3]!, start: idx, end: idx });
  });
  return events;
}

export interface TracedServer {
  readonly url: string;
  readonly dataDir: string;
  /** SIGTERM the server, wait for strace to finish writing, and return the parsed trace. */
  stop(): Promise<SyscallEvent[]>;
}

/** Starts `strace -f -y … node dist/main.js serve` on port 0 with a temp data dir; writes shown up to 8 KiB (a whole WAL frame: a journal row may sit at the end of its page). */
export async function startTracedServer(): Promise<TracedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strongroom-strace-'));
  const traceFile = join(dataDir, '..', `${dataDir.split('/').pop()}.strace`);
  const child: ChildProcess = spawn('strace', [
    '-f', '-tt', '-y', '-qq', '-s', '8192', '-e', `trace=${TRACED.join(',')}`, '-o', traceFile, '--',
    process.execPath, ...serverNodeFlags(), join(repoRoot, 'dist/main.js'), 'serve', '--listen', '127.0.0.1:0', '--data', dataDir,
  ], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', STRONGROOM_ROOT_ACCESS_KEY: TEST_ACCESS_KEY, STRONGROOM_ROOT_SECRET_KEY: TEST_SECRET_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(traceFile, { force: true });
  };
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /^strongroom listening on (http\S+)$/.exec(line);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`traced server exited before listening:\n${stderr}`)));
    });
  } catch (err) {
    cleanup();
    throw err;
  }
  return {
    url,
    dataDir,
    async stop() {
      // strace's own child is the server: signal it, not strace, so strace records to the end and exits with it.
      let children: string[] = [];
      try {
        children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        // strace has already exited (the server died): the trace is complete as it is.
      }
      for (const pid of children) process.kill(Number(pid), 'SIGTERM');
      await exited;
      const events = parseTrace(readFileSync(traceFile, 'utf8'));
      cleanup();
      return events;
    },
  };
}
