/** Reads CPU time from /proc: a process's (split into its main thread and the rest), the whole machine's, and the load average. */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc times are in 1/100 s on Linux. */
const TICK_MS = 10;

function statTimes(path: string): number {
  try {
    const s = readFileSync(path, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime + stime (fields 14 and 15)
  } catch { return 0; }
}

export interface ProcCpu { totalMs: number; mainMs: number; otherThreadsMs: number }

/** CPU time a process has used so far; `mainMs` is the event-loop thread, `otherThreadsMs` libuv pool, workers, V8 GC helpers. */
export function processCpu(pid: number): ProcCpu {
  const totalMs = statTimes(`/proc/${pid}/stat`);
  const mainMs = statTimes(`/proc/${pid}/task/${pid}/stat`);
  return { totalMs, mainMs, otherThreadsMs: totalMs - mainMs };
}

/** Busy and total CPU time of the whole machine (all cores), in ms. */
export function machineCpu(): { busyMs: number; totalMs: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busyMs: (total - idle) * TICK_MS, totalMs: total * TICK_MS };
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** PIDs of this machine's processes other than `exclude`, with their CPU ms so far (to name who else loads the machine). */
export function otherProcesses(exclude: Set<number>): Map<number, { name: string; ms: number }> {
  const out = new Map<number, { name: string; ms: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || exclude.has(Number(d))) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      out.set(Number(d), { name, ms: statTimes(`/proc/${d}/stat`) });
    } catch { /* exited */ }
  }
  return out;
}

/**
 * Measures CPU over an interval: the server's, this client's, and everything else on the machine
 * ("other load", in cores), so a noisy run can be recognised as such.
 */
export function cpuWindow(serverPid: number): () => { wallMs: number; server: ProcCpu; clientMs: number; otherCores: number; machineCores: number } {
  const t0 = performance.now();
  const s0 = processCpu(serverPid);
  const c0 = process.cpuUsage();
  const m0 = machineCpu();
  return () => {
    const wallMs = performance.now() - t0;
    const s1 = processCpu(serverPid);
    const c1 = process.cpuUsage(c0);
    const m1 = machineCpu();
    const server = { totalMs: s1.totalMs - s0.totalMs, mainMs: s1.mainMs - s0.mainMs, otherThreadsMs: s1.otherThreadsMs - s0.otherThreadsMs };
    const clientMs = (c1.user + c1.system) / 1000;
    const busy = m1.busyMs - m0.busyMs;
    return { wallMs, server, clientMs, otherCores: Math.max(0, busy - server.totalMs - clientMs) / wallMs, machineCores: busy / wallMs };
  };
}
