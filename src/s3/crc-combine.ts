/** Combines CRCs of consecutive byte runs into the CRC of their concatenation (zlib's crc32_combine, GF(2) polynomial arithmetic), for FULL_OBJECT multipart checksums. */

/** A reflected CRC whose initial value and final XOR are both all ones (CRC32, CRC32C, CRC64/NVME). */
export interface CrcParameters {
  readonly width: 32 | 64;
  /** The reflected polynomial. */
  readonly poly: bigint;
}

export const CRC32: CrcParameters = { width: 32, poly: 0xedb88320n };
export const CRC32C: CrcParameters = { width: 32, poly: 0x82f63b78n };
export const CRC64NVME: CrcParameters = { width: 64, poly: 0x9a6c9329ac4bc9b5n };

/**
 * Multiplies a and b modulo the CRC polynomial. In the reflected representation the top bit is x^0,
 * so a is read from its top bit down while b is multiplied by x each step.
 */
function multModP(p: CrcParameters, a: bigint, b: bigint): bigint {
  let m = 1n << BigInt(p.width - 1);
  let product = 0n;
  for (;;) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ p.poly : b >> 1n;
  }
  return product;
}

/** x^(2^k) mod P for k = 0..63, per parameter set, built on first use. */
const powerTables = new WeakMap<CrcParameters, bigint[]>();

function powers(p: CrcParameters): bigint[] {
  let table = powerTables.get(p);
  if (!table) {
    table = [1n << BigInt(p.width - 2)]; // x^1
    for (let k = 1; k < 64; k++) table.push(multModP(p, table[k - 1]!, table[k - 1]!));
    powerTables.set(p, table);
  }
  return table;
}

/** x^(8·bytes) mod P: the operator that shifts a CRC past `bytes` zero bytes. */
function shiftOperator(p: CrcParameters, bytes: number): bigint {
  let result = 1n << BigInt(p.width - 1); // x^0
  let n = BigInt(bytes);
  let k = 3; // 8 = 2^3 bits per byte
  const table = powers(p);
  while (n > 0n) {
    if (n & 1n) result = multModP(p, table[k % 64]!, result);
    n >>= 1n;
    k++;
  }
  return result;
}

/**
 * The CRC of A‖B from crc(A), crc(B) and the length of B. Valid because init and final XOR are equal:
 * crc(A‖B) = crc(A)·x^(8·|B|) ⊕ crc(B) in GF(2)[x] mod P.
 */
export function crcCombine(p: CrcParameters, crcA: bigint, crcB: bigint, lengthB: number): bigint {
  return multModP(p, shiftOperator(p, lengthB), crcA) ^ crcB;
}

/**
 * The CRC of the concatenation of runs given as (crc, length). Runs of equal length (every part but the
 * last, usually) share one shift operator, so 10,000 parts cost 10,000 polynomial products.
 */
export function crcOfConcatenation(p: CrcParameters, runs: ReadonlyArray<{ readonly crc: bigint; readonly length: number }>): bigint {
  const operators = new Map<number, bigint>();
  let crc = 0n; // the CRC of no bytes
  for (const run of runs) {
    let op = operators.get(run.length);
    if (op === undefined) {
      op = shiftOperator(p, run.length);
      operators.set(run.length, op);
    }
    crc = multModP(p, op, crc) ^ run.crc;
  }
  return crc;
}

/** The big-endian bytes S3 base64-encodes, ↔ the CRC value. */
export function crcFromBase64(p: CrcParameters, value: string): bigint {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== p.width / 8) throw new RangeError(`a CRC${p.width} digest is ${p.width / 8} bytes`);
  return BigInt(`0x${bytes.toString('hex')}`);
}

export function crcToBase64(p: CrcParameters, crc: bigint): string {
  return Buffer.from(crc.toString(16).padStart(p.width / 4, '0'), 'hex').toString('base64');
}
