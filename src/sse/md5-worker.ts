/**
 * The MD5 worker's program (md5-offload.ts starts it): hashes the plaintext packages large writes publish in
 * their shared rings, so the event loop only seals them. A source text started as a `data:` module, not a
 * file: the same text runs from dist/ and from the TypeScript sources under tsx (whose loader a worker
 * file would not get), and it needs nothing but two built-in modules.
 */
import { CONSUMED, DIGEST_OFFSET, LENGTHS, PUBLISHED, RING_SLOTS, SIGNAL, SLOTS_OFFSET, STATE, STATE_CANCELLED, STATE_DONE, STATE_FINAL } from './md5-ring.js';
import { PACKAGE_SIZE } from './package-format.js';

const program = `
import { createHash } from 'node:crypto';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

const bell = new Int32Array(workerData.bell);
const port = workerData.port;
let jobs = [];

// Hashes what a job has published; false once the job is finished or dropped.
function advance(job) {
  const { control, bytes, md5 } = job;
  // The state is read before the published count: a job marked final has published everything.
  const state = Atomics.load(control, ${STATE});
  if (state === ${STATE_CANCELLED}) return false;
  const published = Atomics.load(control, ${PUBLISHED});
  let consumed = Atomics.load(control, ${CONSUMED});
  while (consumed < published) {
    const start = ${SLOTS_OFFSET} + (consumed % ${RING_SLOTS}) * ${PACKAGE_SIZE};
    md5.update(bytes.subarray(start, start + Atomics.load(control, ${LENGTHS} + (consumed % ${RING_SLOTS}))));
    consumed++;
    Atomics.store(control, ${CONSUMED}, consumed);
    // The event loop waits only on a full ring, until half of it is free: it is woken when that is so.
    // PUBLISHED is read again after CONSUMED is stored, so a wait that began on a full ring is never missed.
    if (Atomics.load(control, ${PUBLISHED}) - consumed <= ${RING_SLOTS / 2}) {
      Atomics.add(control, ${SIGNAL}, 1);
      Atomics.notify(control, ${SIGNAL});
    }
  }
  if (state !== ${STATE_FINAL}) return true;
  md5.digest().copy(bytes, ${DIGEST_OFFSET});
  Atomics.store(control, ${STATE}, ${STATE_DONE});
  Atomics.add(control, ${SIGNAL}, 1);
  Atomics.notify(control, ${SIGNAL});
  return false;
}

for (;;) {
  // Read the doorbell before looking for work: a publish after the scan changes it, so the wait returns.
  const seen = Atomics.load(bell, 0);
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    jobs.push({ control: new Int32Array(m.message, 0, ${LENGTHS + RING_SLOTS}), bytes: Buffer.from(m.message), md5: createHash('md5') });
  }
  jobs = jobs.filter(advance);
  Atomics.wait(bell, 0, seen);
}
`;

export const MD5_WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(program)}`);
