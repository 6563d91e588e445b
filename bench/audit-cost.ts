/** `node --import tsx bench/audit-cost.ts [ops] [rounds]`: 4 KiB PUT ops/s with the audit trail on and off, in the same run, rounds alternating; prints medians and the on/off ratio (issue 13: cost ≤ 15 %). */
import { startStrongroom } from './targets.js';
import { createBucket, putGet } from './workloads.js';
import { percentile } from './client.js';

const ops = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 3);
/** The middle value (the upper one of an even count): client.ts's percentile at 50. */
const median = (xs: number[]) => percentile(xs, 50);

const results: Record<string, Record<string, number[]>> = { on: { c1: [], c16: [] }, off: { c1: [], c16: [] } };
/** Server CPU µs per PUT: disturbed far less by other load on the machine than ops/s. */
const cpu: Record<string, Record<string, number[]>> = { on: { c1: [], c16: [] }, off: { c1: [], c16: [] } };
for (let round = 0; round < rounds; round++) {
  // Alternate which mode goes first, so a drift of the machine's load does not favour one of them.
  const order = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
  for (const mode of order) {
    const server = await startStrongroom([], undefined, `strongroom audit ${mode}`, ['--audit', mode]);
    await createBucket(server, 'cost');
    for (const [label, c] of [['c1', 1], ['c16', 16]] as const) {
      const r = await putGet(server, 'cost', 4096, c, c === 1 ? Math.ceil(ops / 4) : ops);
      results[mode]![label]!.push(r.put.opsps);
      if (r.put.cpuUsPerOp !== undefined) cpu[mode]![label]!.push(r.put.cpuUsPerOp);
    }
    await server.stop();
  }
}
for (const label of ['c1', 'c16']) {
  const on = median(results['on']![label]!);
  const off = median(results['off']![label]!);
  console.log(`4 KiB PUT ${label}: audit off ${off.toFixed(0)} ops/s [${results['off']![label]!.map((x) => x.toFixed(0)).join(', ')}], on ${on.toFixed(0)} ops/s [${results['on']![label]!.map((x) => x.toFixed(0)).join(', ')}], on/off ${(on / off).toFixed(2)} (cost ${((1 - on / off) * 100).toFixed(0)} %); server CPU µs/PUT off ${median(cpu['off']![label]!).toFixed(0)}, on ${median(cpu['on']![label]!).toFixed(0)}`);
}
