/** Injectable CSPRNG: node:crypto in production, replaceable in tests. */
import { randomBytes } from 'node:crypto';

export interface Random { bytes(n: number): Buffer }

export const systemRandom: Random = { bytes: (n) => randomBytes(n) };
