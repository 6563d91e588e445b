/** Reads a server's audit trail straight from its data directory: record lines (files and journal), raw bytes, file paths (for tamper tests). */
import Database from 'better-sqlite3';
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

/** The record lines still in the journal (meta.sqlite's audit_journal), in the order added; a running server's newest records are there. */
export function journalLines(dataDir: string): string[] {
  const path = join(dataDir, 'meta.sqlite');
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_journal'").get() === undefined) return [];
    return db.prepare('SELECT line FROM audit_journal ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** All the trail's bytes (records in files and journal, and digests), for byte searches. */
export function trailBytes(dataDir: string): Buffer {
  return Buffer.concat([...journalLines(dataDir).map((l) => Buffer.from(`${l}\n`)), ...[...segmentFiles(dataDir), ...digestFiles(dataDir)].map((f) => readFileSync(f))]);
}

/** Every record, in the files and in the journal (read first: a segment written out meanwhile is in both, and counted once). */
export function trailRecords(dataDir: string): TrailRecord[] {
  const journal = journalLines(dataDir).map((l) => JSON.parse(l) as TrailRecord);
  const seen = new Set(journal.map((r) => r['eventID'] as string));
  const files = segmentFiles(dataDir).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TrailRecord));
  return [...files.filter((r) => !seen.has(r['eventID'] as string)), ...journal];
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
