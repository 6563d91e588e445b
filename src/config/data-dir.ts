/** The data directory on disk: what exists before a start, and owner-only modes (dirs 0700, files 0600) set explicitly, whatever the umask. */
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The SQLite file whose presence means "this directory already holds data". */
export function metaDatabasePath(dataDir: string): string {
  return join(dataDir, 'meta.sqlite');
}

/** Whether the directory already holds a store (then no root key may be generated for it). */
export function holdsData(dataDir: string): boolean {
  return existsSync(metaDatabasePath(dataDir));
}

/** Creates the data directory (0700) if it is missing; an existing one keeps the mode its operator gave it. */
export function ensureDataDir(dataDir: string): void {
  if (existsSync(dataDir)) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

/**
 * Creates an empty file 0600 if it is missing (the mode is set after creation too, so the umask cannot
 * change it). SQLite then gives its -wal and -shm files the mode of this file.
 */
export function createPrivateFile(path: string): void {
  if (existsSync(path)) return;
  const fd = openSync(path, 'a', 0o600);
  try { fchmodSync(fd, 0o600); } finally { closeSync(fd); }
}

/** Narrows existing entries to owner-only (files 0600, directories 0700): files left by older versions or another umask. */
export function makePrivate(paths: readonly string[]): void {
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    const mode = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== mode) chmodSync(p, mode);
  }
}
