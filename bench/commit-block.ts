/**
 * `node --import tsx bench/commit-block.ts [--commits 300] [--rounds 4]`: how long one small SQLite commit blocks
 * the event loop with the WAL fsync inside COMMIT (synchronous=FULL) against COMMIT under NORMAL followed by the
 * group commit's fdatasync of the -wal on the thread pool (stores/fs/wal-sync.ts); alternating rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openSqliteDatabase } from '../src/stores/sqlite/sqlite-database.js';
import { WalSync } from '../src/stores/fs/wal-sync.js';
import { arg } from './args.js';
import { percentile } from './client.js';

const commits = Number(arg('commits', '300'));
const rounds = Number(arg('rounds', '4'));
/** The middle value (the upper one of an even count): client.ts's percentile at 50. */
const median = (xs: number[]) => percentile(xs, 50);

async function round(mode: 'FULL' | 'NORMAL+fdatasync'): Promise<{ blockedUs: number; wallUs: number; cpuUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-commit-'));
  const path = join(dir, 'meta.sqlite');
  const db = openSqliteDatabase(path);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)');
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
  const commit = db.transaction((k: string, v: Buffer) => insert.run(k, v));
  const wal = new WalSync(`${path}-wal`);
  if (mode !== 'FULL') db.pragma('synchronous = NORMAL');
  const blocked: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < commits; i++) {
    const s = process.hrtime.bigint();
    commit(`k${i}`, randomBytes(600));
    blocked.push(Number(process.hrtime.bigint() - s) / 1000);
    if (mode !== 'FULL') await wal.sync();
    else await new Promise((r) => setImmediate(r));
  }
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000 / commits;
  const c = process.cpuUsage(cpu0);
  await wal.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { blockedUs: median(blocked), wallUs, cpuUs: (c.user + c.system) / commits };
}

const out = new Map<string, Array<{ blockedUs: number; wallUs: number; cpuUs: number }>>();
for (let r = 0; r < rounds; r++) {
  const modes: Array<'FULL' | 'NORMAL+fdatasync'> = r % 2 === 0 ? ['FULL', 'NORMAL+fdatasync'] : ['NORMAL+fdatasync', 'FULL'];
  for (const mode of modes) {
    const s = await round(mode);
    (out.get(mode) ?? out.set(mode, []).get(mode)!).push(s);
    console.log(`round ${r + 1} ${mode.padEnd(17)} event loop blocked per commit (median) ${s.blockedUs.toFixed(0)} µs, wall per durable commit ${s.wallUs.toFixed(0)} µs, process CPU ${s.cpuUs.toFixed(0)} µs`);
  }
}
console.log('\n| mode | event loop blocked per commit, µs | wall per durable commit, µs | process CPU per commit, µs |\n|---|---|---|---|');
for (const [mode, xs] of out) {
  const f = (k: 'blockedUs' | 'wallUs' | 'cpuUs') => { const v = xs.map((x) => x[k]); return `${median(v).toFixed(0)} [${Math.min(...v).toFixed(0)}..${Math.max(...v).toFixed(0)}]`; };
  console.log(`| ${mode} | ${f('blockedUs')} | ${f('wallUs')} | ${f('cpuUs')} |`);
}
