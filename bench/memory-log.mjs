// Test-only preload (`node --import bench/memory-log.mjs dist/main.js serve …`), never part of the product: on each
// SIGUSR2 it appends the peak of process.memoryUsage() (sampled every 100 ms) and of anonymous vs file-backed RSS
// since the last signal to $MEMLOG_FILE, prefixed by the label the driver wrote (bench/memory-phases.ts).
import { appendFileSync, readFileSync } from 'node:fs';

const out = process.env.MEMLOG_FILE ?? 'memory-log.txt';
let peak = null;
const mb = (x) => (x / 1e6).toFixed(1);
const smaps = () => {
  try {
    const t = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(t)?.[1] ?? 0);
    return { anon: kb('Anonymous') * 1024, file: (kb('Rss') - kb('Anonymous')) * 1024 };
  } catch {
    return { anon: NaN, file: NaN };
  }
};
const sample = () => {
  const m = process.memoryUsage();
  if (!peak || m.rss > peak.rss) peak = { ...m, ...smaps() };
};
setInterval(sample, 100).unref();
process.on('SIGUSR2', () => {
  sample();
  const p = peak;
  appendFileSync(out, `peak rss ${mb(p.rss)} MB: heap total ${mb(p.heapTotal)} (used ${mb(p.heapUsed)}), external ${mb(p.external)} (arrayBuffers ${mb(p.arrayBuffers)}), anonymous ${mb(p.anon)}, file-backed ${mb(p.file)}\n`);
  peak = null;
});
