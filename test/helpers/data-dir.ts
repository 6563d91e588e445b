/** Inspecting and tampering with a server's data directory from tests: blob files, the SQLite rows, the scrub command. */
import Database from 'better-sqlite3';
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunResult } from './python-tools.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

export interface PartRow { blob_id: string; part_number: number; write_id: string; size: number; sealed_key: Buffer }

export function blobPath(dataDir: string, blobId: string): string {
  return join(dataDir, 'blobs', blobId.slice(0, 2), blobId);
}

/** The parts (blob ids, sealed keys) of an object, read straight from the SQLite file. */
export function objectParts(dataDir: string, bucket: string, key: string): PartRow[] {
  const db = new Database(join(dataDir, 'meta.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT blob_id, part_number, write_id, size, sealed_key FROM object_parts WHERE bucket = ? AND key = ? ORDER BY part_number').all(bucket, key) as PartRow[];
  } finally {
    db.close();
  }
}

/** Overwrites one part's sealed key in the SQLite file (an attacker with write access to the metadata). */
export function setSealedKey(dataDir: string, bucket: string, key: string, partNumber: number, sealedKey: Buffer): void {
  const db = new Database(join(dataDir, 'meta.sqlite'), { fileMustExist: true });
  try {
    db.prepare('UPDATE object_parts SET sealed_key = ? WHERE bucket = ? AND key = ? AND part_number = ?').run(sealedKey, bucket, key, partNumber);
  } finally {
    db.close();
  }
}

/** Flips one bit of an inline part's ciphertext in the SQLite file. */
export function flipInlineBit(dataDir: string, bucket: string, key: string, offset: number): void {
  const db = new Database(join(dataDir, 'meta.sqlite'), { fileMustExist: true });
  try {
    const row = db.prepare('SELECT inline_data FROM object_parts WHERE bucket = ? AND key = ?').get(bucket, key) as { inline_data: Buffer };
    const bytes = Buffer.from(row.inline_data);
    bytes[offset]! ^= 0x01;
    db.prepare('UPDATE object_parts SET inline_data = ? WHERE bucket = ? AND key = ?').run(bytes, bucket, key);
  } finally {
    db.close();
  }
}

/** Every regular file under a directory (recursively). */
export function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** Blob files (not temporaries) under a data dir. */
export function blobFiles(dataDir: string): string[] {
  return allFiles(join(dataDir, 'blobs')).filter((p) => !p.includes('/.tmp/'));
}

/** Whether any file under `dir` contains `needle` (read whole: test data dirs are small). */
export function filesContaining(dir: string, needle: Buffer): string[] {
  return allFiles(dir).filter((p) => readFileSync(p).includes(needle));
}

/** Runs `strongroom <args> --data <dir>` as the operator would. */
export function strongroomCommand(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, [join(repoRoot, 'dist/main.js'), ...args], { ...process.env, NODE_OPTIONS: '', ...env }, repoRoot);
}
