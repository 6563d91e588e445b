/** Reads a server's audit trail straight from its data directory: record lines, raw bytes, file paths (for tamper tests). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CloudTrail record as the tests read it. */
export type TrailRecord = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every segment file of every account, sorted by account then name. */
export function segmentFiles(dataDir: string): string[] {
  const root = join(dataDir, 'audit');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((a) => /^\d{12}$/.test(a)).sort().flatMap((account) => {
    const dir = join(root, account, 'records');
    return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort().map((n) => join(dir, n)) : [];
  });
}

/** Every digest file of every account, sorted. */
export function digestFiles(dataDir: string): string[] {
  const root = join(dataDir, 'audit');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((a) => /^\d{12}$/.test(a)).sort().flatMap((account) => {
    const dir = join(root, account, 'digests');
    return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n)) : [];
  });
}

/** All the trail's bytes (records and digests), for byte searches. */
export function trailBytes(dataDir: string): Buffer {
  return Buffer.concat([...segmentFiles(dataDir), ...digestFiles(dataDir)].map((f) => readFileSync(f)));
}

export function trailRecords(dataDir: string): TrailRecord[] {
  return segmentFiles(dataDir).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TrailRecord));
}

/** The records of one request id, waiting up to `ms` for a read's record (reads are written without waiting for them). */
export async function recordsOf(dataDir: string, requestId: string, ms = 5_000): Promise<TrailRecord[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = trailRecords(dataDir).filter((r) => r['requestID'] === requestId);
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}
