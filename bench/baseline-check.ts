/**
 * The regression guard: Strongroom ÷ bare-server ratios (not absolute rates, which swing with the load on
 * a shared 2-core machine) compared with bench/baseline.json; a ratio whose best round is more than 25 %
 * below its baseline prints a loud WARNING (never a failure). `node --import tsx bench/baseline-check.ts [results.json]`
 * checks the newest quick run in bench/results/ (what .ci/run does after `npm run bench -- --quick`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Throughput } from './workloads.js';

/** target name → one result per round (or the reason it failed). */
export type Samples = Record<string, Array<{ put: Throughput; get: Throughput } | string>>;
/** row → op → peer → per-round ratio of Strongroom to that peer. */
export type Ratios = Record<string, Record<'put' | 'get', Record<string, number[]>>>;

const here = new URL('.', import.meta.url).pathname;
export const BASELINE_FILE = join(here, 'baseline.json');
/** How far below its baseline a ratio may fall before the guard warns. */
export const TOLERANCE = 0.25;

/** Per-round ratios of Strongroom to every other target, for every row and op. */
export function ratiosOf(results: Record<string, Samples>): Ratios {
  const out: Ratios = {};
  for (const [key, row] of Object.entries(results)) {
    const s = row['strongroom'] ?? [];
    out[key] = { put: {}, get: {} };
    for (const [peer, samples] of Object.entries(row)) {
      if (peer === 'strongroom') continue;
      for (const op of ['put', 'get'] as const) {
        out[key][op][peer] = samples.map((p, i) => {
          const mine = s[i];
          return typeof p === 'string' || mine === undefined || typeof mine === 'string' ? NaN : mine[op].mbps / p[op].mbps;
        }).filter(Number.isFinite);
      }
    }
  }
  return out;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

interface Baseline { strongroomOverBare: Record<string, number> }

/** Lines to print: one per guarded ratio, WARNING lines for those more than TOLERANCE below the baseline. */
export function checkBaseline(ratios: Ratios, baseline: Baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline): string[] {
  const lines: string[] = [];
  for (const [name, base] of Object.entries(baseline.strongroomOverBare)) {
    const m = /^(.*) (PUT|GET)$/.exec(name);
    if (!m) continue;
    const rounds = ratios[m[1]!]?.[m[2]!.toLowerCase() as 'put' | 'get']?.['bare node:http'] ?? [];
    if (rounds.length === 0) { lines.push(`guard: ${name}: no measurement in this run`); continue; }
    // The best round decides: other load on the machine only ever pulls a round down, while a real
    // regression pulls every round down, the best one included.
    const best = Math.max(...rounds);
    const now = median(rounds);
    const floor = base * (1 - TOLERANCE);
    const seen = `best round ${best.toFixed(2)}, median ${now.toFixed(2)} of ${rounds.length}`;
    if (best < floor) lines.push(`WARNING !!! PERFORMANCE REGRESSION: ${name} Strongroom/bare ${seen}: more than ${TOLERANCE * 100}% below the baseline ${base.toFixed(2)} (floor ${floor.toFixed(2)}) !!!`);
    else lines.push(`guard: ${name} Strongroom/bare ${seen} (baseline ${base.toFixed(2)}, floor ${floor.toFixed(2)}): ok`);
  }
  return lines;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const dir = join(here, 'results');
  const file = process.argv[2] ?? join(dir, readdirSync(dir).filter((f) => f.endsWith('-quick.json')).sort().pop() ?? '');
  const run = JSON.parse(readFileSync(file, 'utf8')) as { ratios?: Ratios };
  if (!run.ratios) {
    console.log(`WARNING !!! ${file} has no ratios: the bench guard could not run !!!`);
  } else {
    const lines = checkBaseline(run.ratios);
    for (const l of lines) console.log(l);
    if (lines.some((l) => l.startsWith('WARNING'))) console.log(`WARNING !!! bench guard: see above (${file}); this does not fail CI !!!`);
  }
}
