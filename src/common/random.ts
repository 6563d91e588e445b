/** Injectable CSPRNG: node:crypto in production, replaceable in tests. */
import { randomFillSync } from 'node:crypto';

export interface Random { bytes(n: number): Buffer }

/**
 * Small draws come from a block of CSPRNG output filled 4 KiB at a time: each `randomBytes` call costs
 * several µs whatever its size, and every write draws three or more (write id, data key, record salt).
 * Each draw is copied out and its bytes in the block zeroed at once, so no two callers share a byte and
 * a handed-out key is not left behind in the block.
 */
const POOL_SIZE = 4096;
const POOLED_MAX = 64;
const pool = Buffer.alloc(POOL_SIZE);
let poolAt = POOL_SIZE;

function pooledBytes(n: number): Buffer {
  if (n > POOLED_MAX) return randomFillSync(Buffer.alloc(n));
  if (poolAt + n > POOL_SIZE) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = Buffer.alloc(n);
  pool.copy(out, 0, poolAt, poolAt + n);
  pool.fill(0, poolAt, poolAt + n);
  poolAt += n;
  return out;
}

export const systemRandom: Random = { bytes: pooledBytes };
