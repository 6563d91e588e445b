/** The MD5 worker thread's body: hashes the slabs the event loop hands it, lane by lane, in order (common/md5-offload.ts). */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** What the event loop sends; see md5-offload.ts for the protocol. */
export type Md5Request =
  | { readonly op: 'open'; readonly lane: number; readonly slabs: readonly SharedArrayBuffer[] }
  | { readonly op: 'data'; readonly lane: number; readonly slab: number; readonly length: number }
  | { readonly op: 'end'; readonly lane: number }
  | { readonly op: 'drop'; readonly lane: number };

/** What this thread answers: a slab hashed (free again), or a lane's digest. */
export type Md5Answer =
  | { readonly lane: number; readonly freed: number }
  | { readonly lane: number; readonly digest: Uint8Array };

const port = parentPort;
if (port) {
  const lanes = new Map<number, { hash: Hash; slabs: readonly SharedArrayBuffer[] }>();
  port.on('message', (m: Md5Request) => {
    switch (m.op) {
      case 'open':
        lanes.set(m.lane, { hash: createHash('md5'), slabs: m.slabs });
        break;
      case 'data': {
        const lane = lanes.get(m.lane);
        lane?.hash.update(new Uint8Array(lane.slabs[m.slab]!, 0, m.length));
        port.postMessage({ lane: m.lane, freed: m.slab } satisfies Md5Answer);
        break;
      }
      case 'end': {
        const lane = lanes.get(m.lane);
        lanes.delete(m.lane);
        if (lane) port.postMessage({ lane: m.lane, digest: new Uint8Array(lane.hash.digest()) } satisfies Md5Answer);
        break;
      }
      case 'drop':
        lanes.delete(m.lane);
        break;
    }
  });
}
