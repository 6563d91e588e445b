/**
 * Scavenges paced by the bytes the data path turns over, so that dead crypto output never forces a full GC.
 *
 * Node 20's cipher `update()` returns a fresh ArrayBuffer for every call (there is no decrypt-into-buffer),
 * and V8 counts every ArrayBuffer's backing store as external memory. Those buffers die within a package or
 * two, but the young generation fills slowly (each one is a ~100-byte wrapper on the heap), so scavenges are
 * rare, the dead backing stores pile up, and once external memory has grown some tens of MiB V8 answers with
 * a full mark-compact ("external memory pressure": incremental marking on this thread plus concurrent
 * marker threads). Measured on 8 × 64 MiB GETs: 22 mark-compacts, a quarter of the server's CPU
 * (docs/PERFORMANCE.md, "Issue 9, sixth pass"). A scavenge costs ~0.5 ms here and frees exactly those
 * buffers; running one every `SCAVENGE_EVERY_BYTES` of sealed or opened data keeps external memory below
 * V8's trigger, so the full GCs do not happen. Guard: test/sse/young-generation-gc.test.ts.
 *
 * The scavenge comes from V8's `gc({ type: 'minor' })`, reached through a fresh context after enabling
 * `--expose-gc` (this process's own globals never get a `gc`). Where that fails, pacing is simply off.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const SCAVENGE_EVERY_BYTES = 4 * 1024 * 1024;

type MinorGc = (options: { type: 'minor' }) => void;
let minorGc: MinorGc | undefined;
let turnedOver = 0;

/** Turns pacing on (the server does at start; offline tools and unit tests need not). */
export function enableScavengePacing(): void {
  if (minorGc !== undefined) return;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') minorGc = gc as MinorGc;
  } catch {
    minorGc = undefined;
  }
}

/** Counts bytes of short-lived buffers just allocated (a package sealed or opened); scavenges every few MiB. */
export function noteTurnover(bytes: number): void {
  if (minorGc === undefined) return;
  turnedOver += bytes;
  if (turnedOver < SCAVENGE_EVERY_BYTES) return;
  turnedOver = 0;
  minorGc({ type: 'minor' });
}
