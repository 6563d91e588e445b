/** The audit trail on the local file system: JSON-lines segments and digest files, each written whole and durably (temporary file, fsync, rename). */
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditStore } from '../audit-store.js';

const ACCOUNT = /^[0-9]{12}$/;
const SEGMENT = /^(\d{6})-\d{8}T\d{4}Z\.jsonl$/;
const DIGEST = /^(\d{6})\.json$/;

/**
 * Layout: `<dir>/<account>/records/<seq>-<hour>.jsonl`, `<dir>/<account>/digests/<seq>.json`, `<dir>/<account>/retention.json`.
 * A segment is written once, whole, from the journal (stores/sqlite/sqlite-audit-journal.ts): a crash leaves it
 * either absent or complete.
 */
export class FsAuditStore implements AuditStore {
  readonly #dir: string;

  private constructor(dir: string) { this.#dir = dir; }

  static async open(dir: string): Promise<FsAuditStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new FsAuditStore(dir);
  }

  async writeSegment(accountId: string, name: string, bytes: Buffer | AsyncIterable<Buffer>): Promise<void> {
    if (!ACCOUNT.test(accountId)) throw new Error(`not an account id: ${accountId}`);
    if (!SEGMENT.test(name)) throw new Error(`not a segment name: ${name}`);
    const dir = join(this.#dir, accountId, 'records');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeDurably(dir, name, bytes, false);
  }

  async accounts(): Promise<string[]> {
    return (await readdir(this.#dir)).filter((n) => ACCOUNT.test(n)).sort();
  }

  async segments(accountId: string): Promise<string[]> {
    return (await listDir(join(this.#dir, accountId, 'records'))).filter((n) => SEGMENT.test(n)).sort();
  }

  readSegment(accountId: string, name: string): Promise<Buffer | undefined> {
    return readIfExists(join(this.#dir, accountId, 'records', name));
  }

  async digests(accountId: string): Promise<string[]> {
    return (await listDir(join(this.#dir, accountId, 'digests'))).filter((n) => DIGEST.test(n)).sort();
  }

  readDigest(accountId: string, name: string): Promise<Buffer | undefined> {
    return readIfExists(join(this.#dir, accountId, 'digests', name));
  }

  async writeDigest(accountId: string, name: string, bytes: Buffer): Promise<void> {
    if (!DIGEST.test(name)) throw new Error(`not a digest name: ${name}`);
    const dir = join(this.#dir, accountId, 'digests');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeDurably(dir, name, bytes, false);
  }

  readMarker(accountId: string): Promise<Buffer | undefined> {
    return readIfExists(join(this.#dir, accountId, 'retention.json'));
  }

  async writeMarker(accountId: string, bytes: Buffer): Promise<void> {
    await writeDurably(join(this.#dir, accountId), 'retention.json', bytes, true);
  }

  async remove(accountId: string, kind: 'segment' | 'digest', name: string): Promise<void> {
    if (!(kind === 'segment' ? SEGMENT : DIGEST).test(name)) throw new Error(`not a ${kind} name: ${name}`);
    await rm(join(this.#dir, accountId, kind === 'segment' ? 'records' : 'digests', name), { force: true });
  }

  async repairTornTails(): Promise<string[]> {
    const cut: string[] = [];
    for (const account of await this.accounts()) {
      for (const name of await this.segments(account)) {
        const path = join(this.#dir, account, 'records', name);
        const size = (await stat(path)).size;
        if (size === 0) continue;
        // Only the last byte decides: a segment can be tens of MB, and a start looks at every one.
        if ((await lastByte(path, size)) === 0x0a) continue;
        const bytes = await readFile(path);
        // A record cut by a crash was never acknowledged: its response waited for the sync that did not finish.
        await truncate(path, bytes.lastIndexOf(0x0a) + 1);
        cut.push(`${account}/${name}`);
      }
    }
    return cut;
  }

  async close(): Promise<void> {}
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function lastByte(path: string, size: number): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const one = Buffer.alloc(1);
    const { bytesRead } = await handle.read(one, 0, 1, size - 1);
    return bytesRead === 1 ? one[0] : undefined;
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Temporary file, fsync, rename (refusing to replace unless `replace`), directory fsync; pieces are written as they come. */
async function writeDurably(dir: string, name: string, bytes: Buffer | AsyncIterable<Buffer>, replace: boolean): Promise<void> {
  const target = join(dir, name);
  if (!replace && (await readIfExists(target)) !== undefined) throw new Error(`${target} exists: a segment or digest is never replaced`);
  const tmp = join(dir, `.${name}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    if (Buffer.isBuffer(bytes)) await handle.writeFile(bytes);
    // Each writeFile on a handle continues where the last one ended.
    else for await (const piece of bytes) await handle.writeFile(piece);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, target);
  await syncDir(dir);
}
