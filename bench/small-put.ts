/** `node --import tsx bench/small-put.ts`: durable 4 KiB PUTs at concurrency 16 against Strongroom and the bare server, ops/s and ratio. */
import { startBare, startStrongroom } from './targets.js';
import { bareputGet, createBucket, putGet } from './workloads.js';

const ops = Number(process.argv[2] ?? 2000);
const bare = await startBare();
const strongroom = await startStrongroom();
await createBucket(strongroom, 'small');
const b = await bareputGet(bare, 4096, 16, ops);
const s = await putGet(strongroom, 'small', 4096, 16, ops);
console.log(`4 KiB c16 PUT: strongroom ${s.put.opsps.toFixed(0)} ops/s, bare ${b.put.opsps.toFixed(0)} ops/s, ratio ${(s.put.opsps / b.put.opsps).toFixed(2)}; GET ${s.get.opsps.toFixed(0)} vs ${b.get.opsps.toFixed(0)}`);
await bare.stop();
await strongroom.stop();
