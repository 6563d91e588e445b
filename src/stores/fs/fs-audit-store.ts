/** The audit trail on the local file system: append-only JSON-lines segments with group-committed fdatasync, and digest files written whole. */
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditStore } from '../audit-store.js';

interface Pending { readonly accountId: string; readonly hour: string; readonly line: string; readonly resolve: () => void; readonly reject: (e: unknown) => void }
interface OpenSegment { readonly name: string; readonly hour: string; readonly handle: FileHandle }

const ACCOUNT = /^[0-9]{12}$/;
const SEGMENT = /^(\d{6})-\d{8}T\d{4}Z\.jsonl$/;
const DIGEST = /^(\d{6})\.json$/;

/**
 * Layout: `<dir>/<account>/records/<seq>-<hour>.jsonl`, `<dir>/<account>/digests/<seq>.json`, `<dir>/<account>/retention.json`.
 * Group commit: lines appended while a write+fdatasync runs wait and go out together in the next one, so many
 * records share one sync (like the metadata group commit, stores/sqlite/group-commit.ts).
 */
export class FsAuditStore implements AuditStore {
  readonly #dir: string;
  readonly #open = new Map<string, OpenSegment>();
  readonly #nextSeq = new Map<string, number>();
  #pending: Pending[] = [];
  #scheduled = false;
  /** Flushes and closes run one after another on this chain: a segment is never closed under a write. */
  #chain: Promise<void> = Promise.resolve();

  private constructor(dir: string) { this.#dir = dir; }

  static async open(dir: string): Promise<FsAuditStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new FsAuditStore(dir);
  }

  append(accountId: string, hour: string, line: string): Promise<void> {
    if (!ACCOUNT.test(accountId)) return Promise.reject(new Error(`not an account id: ${accountId}`));
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ accountId, hour, line, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // One turn of the event loop first, so the records of requests finishing together share the sync.
      this.#chain = this.#chain.then(() => new Promise<void>((r) => setImmediate(r))).then(() => this.#flush());
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const k = `${p.accountId}\n${p.hour}`;
      const g = groups.get(k);
      if (g) g.push(p);
      else groups.set(k, [p]);
    }
    await Promise.all([...groups.values()].map(async (group) => {
      const { accountId, hour } = group[0]!;
      try {
        const segment = await this.#segmentFor(accountId, hour);
        await segment.handle.write(group.map((p) => p.line).join(''));
        await segment.handle.datasync();
        for (const p of group) p.resolve();
      } catch (error) {
        for (const p of group) p.reject(error);
      }
    }));
  }

  async #segmentFor(accountId: string, hour: string): Promise<OpenSegment> {
    const current = this.#open.get(accountId);
    if (current?.hour === hour) return current;
    if (current) {
      this.#open.delete(accountId);
      await current.handle.close();
    }
    const dir = join(this.#dir, accountId, 'records');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const seq = await this.#takeSeq(accountId, dir);
    const name = `${String(seq).padStart(6, '0')}-${hour}.jsonl`;
    // 'wx': a segment is created once and never reopened (a new run opens a new one).
    const handle = await open(join(dir, name), 'wx', 0o600);
    await syncDir(dir);
    const segment = { name, hour, handle };
    this.#open.set(accountId, segment);
    return segment;
  }

  async #takeSeq(accountId: string, dir: string): Promise<number> {
    let next = this.#nextSeq.get(accountId);
    if (next === undefined) {
      const seqs = (await readdir(dir)).map((n) => SEGMENT.exec(n)?.[1]).filter((s): s is string => s !== undefined).map(Number);
      next = Math.max(0, ...seqs) + 1;
    }
    this.#nextSeq.set(accountId, next + 1);
    return next;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => {});
    return run;
  }

  closeSegments(): Promise<void> {
    return this.#enqueue(async () => {
      const all = [...this.#open.values()];
      this.#open.clear();
      await Promise.all(all.map((s) => s.handle.close()));
    });
  }

  closeSegmentsBefore(currentHour: string): Promise<void> {
    return this.#enqueue(async () => {
      for (const [account, s] of [...this.#open]) {
        if (s.hour === currentHour) continue;
        this.#open.delete(account);
        await s.handle.close();
      }
    });
  }

  openSegments(): ReadonlySet<string> {
    return new Set([...this.#open].map(([account, s]) => `${account}/${s.name}`));
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
    const open = this.openSegments();
    const cut: string[] = [];
    for (const account of await this.accounts()) {
      for (const name of await this.segments(account)) {
        if (open.has(`${account}/${name}`)) continue;
        const path = join(this.#dir, account, 'records', name);
        const size = (await stat(path)).size;
        if (size === 0) continue;
        const bytes = await readFile(path);
        if (bytes[size - 1] === 0x0a) continue;
        // A record cut by a crash was never acknowledged: its response waited for the sync that did not finish.
        await truncate(path, bytes.lastIndexOf(0x0a) + 1);
        cut.push(`${account}/${name}`);
      }
    }
    return cut;
  }

  async close(): Promise<void> {
    await this.closeSegments();
  }
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

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Temporary file, fsync, rename (refusing to replace unless `replace`), directory fsync. */
async function writeDurably(dir: string, name: string, bytes: Buffer, replace: boolean): Promise<void> {
  const target = join(dir, name);
  if (!replace && (await readIfExists(target)) !== undefined) throw new Error(`${target} exists: a digest is never replaced`);
  const tmp = join(dir, `.${name}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, target);
  await syncDir(dir);
}
