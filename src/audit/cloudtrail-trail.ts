/** The CloudTrail trail: each event becomes one record, durable in the journal (the metadata group commit) before record() resolves, then written into its account's segment file; closed segments are sealed by chained, signed digests. */
import type { Clock } from '../common/clock.js';
import type { Random } from '../common/random.js';
import type { AuditJournal, AuditStore } from '../stores/audit-store.js';
import type { AuditEvent, AuditLog } from './audit-log.js';
import { cloudTrailTime, recipientOf, toCloudTrailRecord, uuidFrom, type CloudTrailRecord, type TrailReader } from './cloudtrail-record.js';
import { describeLogFile, digestName, digestSeqOf, sha256Hex, signDigest, type DigestDocument, type DigestLogFile, type DigestSigner } from './trail-digest.js';
import { applyRetention, type RetentionMarker } from './trail-retention.js';

/** Copies a sealed stretch elsewhere (a bucket, CloudTrail-style); failures are logged, never lose the local trail. */
export type TrailDelivery = (digest: DigestDocument, digestBytes: Buffer, segments: ReadonlyArray<{ name: string; bytes: Buffer }>) => Promise<void>;

export interface TrailOptions {
  readonly store: AuditStore;
  /** Where records are durable first (rows committed with the metadata's group commit, one fsync for both). */
  readonly journal: AuditJournal;
  readonly signer: DigestSigner;
  readonly clock: Clock;
  readonly random: Random;
  readonly region: string;
  /** Receives anonymous calls' records (the data directory's own account). */
  readonly defaultAccountId: string;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** Records older than this are removed after sealing; undefined keeps them forever. */
  readonly retentionDays?: number;
  readonly deliver?: TrailDelivery;
  /** Whether an object (any of its versions) is under Object Lock now: retention keeps its records until it is not. */
  readonly objectLocked?: (bucket: string, key: string) => Promise<boolean>;
}

/** `YYYYMMDDTHH00Z`: the hour a segment holds (CloudTrail's file-name time form). */
export function hourOf(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}00Z`;
}

const SEGMENT_SEQ = (name: string) => Number(name.slice(0, 6));
const segmentName = (seq: number, hour: string) => `${String(seq).padStart(6, '0')}-${hour}.jsonl`;
/** How often open segments are checked for age and the hour for a change. */
const TICK_MS = 5_000;
/** A segment stays open (its records in the journal) at most this long, or this many records. */
const SEGMENT_MS = 60_000;
const SEGMENT_RECORDS = 20_000;
/**
 * A segment is written out from the journal in pieces: 200 rows read at a time, encoded into one 1 MiB buffer reused
 * for the whole segment. Reading a full segment's 20,000 lines, joining them and encoding the result held ~80 MB at
 * once, and a joined piece of text above 128 KiB lives in V8's large-object space until a full GC
 * (test/audit/trail-write-memory.test.ts).
 */
const WRITE_OUT_ROWS = 200;
const WRITE_OUT_BYTES = 1024 * 1024;
const HOUR_MS = 3_600_000;
const MARGIN_MS = 60_000;

interface ChainHead { readonly name: string; readonly seq: number; readonly hash: string; readonly signature: string; readonly lastSegmentSeq: number }
/** A segment still open: its records go to the journal under its name. */
interface OpenSegment { readonly name: string; readonly hour: string; readonly opened: number; records: number }

export class CloudTrailTrail implements AuditLog, TrailReader {
  readonly #o: TrailOptions;
  readonly #heads = new Map<string, ChainHead | null>();
  /** Per account: the open segment, and the next segment number. */
  readonly #open = new Map<string, OpenSegment>();
  readonly #nextSeq = new Map<string, number>();
  /** Closed segments whose records are still in the journal, in the order they closed. */
  readonly #closed: Array<{ readonly accountId: string; readonly name: string }> = [];
  /** Moves and seals run one after another on this chain. */
  #work: Promise<void> = Promise.resolve();
  #hour: string;
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: TrailOptions) {
    this.#o = options;
    this.#hour = hourOf(options.clock.now());
  }

  /** Writes the segments a crash left in the journal into their files, then seals every segment of earlier runs (none is written again). */
  static async open(options: TrailOptions): Promise<CloudTrailTrail> {
    const trail = new CloudTrailTrail(options);
    const cut = await options.store.repairTornTails();
    if (cut.length > 0) options.log('audit trail: cut a partial record a crash left (never acknowledged)', { segments: cut });
    await trail.#recover();
    await trail.seal();
    for (const account of await options.store.accounts()) {
      const seqs = (await options.store.segments(account)).map(SEGMENT_SEQ);
      trail.#nextSeq.set(account, Math.max(0, (await trail.#head(account))?.lastSegmentSeq ?? 0, ...seqs) + 1);
    }
    trail.#timer = setInterval(() => { void trail.#tick(); }, TICK_MS);
    trail.#timer.unref();
    return trail;
  }

  async record(event: AuditEvent): Promise<void> {
    const { accountId, segment, line } = this.#journalLine(event);
    // A successful read's record (a key use S3 made for a write included: it is read-only) needs no wait: it rides in
    // the next commit, which for a write's key use is that write's own or an earlier one (the use comes first).
    if (event.readOnly && event.errorCode === undefined) {
      this.#o.journal.append(accountId, segment, line, false).catch((error: unknown) => this.#o.log('audit record failed', { requestId: event.requestId, error: String(error) }));
      return;
    }
    await this.#o.journal.append(accountId, segment, line, true);
  }

  /** The record rides in the caller's own metadata commit (an object write's): no commit of its own to wait for. */
  prepare(event: AuditEvent): () => void {
    const { accountId, segment, line } = this.#journalLine(event);
    return () => this.#o.journal.insertNow(accountId, segment, line);
  }

  #journalLine(event: AuditEvent): { accountId: string; segment: string; line: string } {
    const accountId = recipientOf(event, this.#o.defaultAccountId);
    const record = toCloudTrailRecord(event, uuidFrom(this.#o.random.bytes(16)), this.#o.region, accountId);
    const now = this.#o.clock.now();
    const segment = this.#segmentFor(accountId, hourOf(now), now.getTime());
    segment.records++;
    return { accountId, segment: segment.name, line: JSON.stringify(record) };
  }

  /** The account's open segment for `hour`; a segment open too long, too full or of another hour closes first. */
  #segmentFor(accountId: string, hour: string, now: number): OpenSegment {
    const current = this.#open.get(accountId);
    if (current !== undefined && current.hour === hour && now - current.opened < SEGMENT_MS && current.records < SEGMENT_RECORDS) return current;
    if (current !== undefined) this.#closeSegment(accountId, current);
    const seq = this.#nextSeq.get(accountId) ?? 1;
    this.#nextSeq.set(accountId, seq + 1);
    const opened: OpenSegment = { name: segmentName(seq, hour), hour, opened: now, records: 0 };
    this.#open.set(accountId, opened);
    return opened;
  }

  #closeSegment(accountId: string, segment: OpenSegment): void {
    this.#open.delete(accountId);
    this.#closed.push({ accountId, name: segment.name });
    void this.#serially(() => this.#moveClosed()).catch((error: unknown) => this.#o.log('audit trail: writing a segment file failed (its records stay in the journal)', { error: String(error) }));
  }

  #serially(task: () => Promise<void>): Promise<void> {
    const run = this.#work.then(task);
    this.#work = run.catch(() => {});
    return run;
  }

  /** Writes every closed segment from the journal into its file, in order, and drops its rows. */
  async #moveClosed(): Promise<void> {
    if (this.#closed.length === 0) return;
    // Every append to a closed segment was made before this: once settled, its rows are all in the journal.
    await this.#o.journal.settle();
    while (this.#closed.length > 0) {
      const { accountId, name } = this.#closed[0]!;
      await this.#writeOut(accountId, name);
      this.#closed.shift();
    }
  }

  async #writeOut(accountId: string, name: string): Promise<void> {
    const journal = this.#o.journal;
    const first = journal.linesAfter(accountId, name, 0, WRITE_OUT_ROWS);
    if (first.length > 0) await this.#o.store.writeSegment(accountId, name, segmentPieces(first, (after) => journal.linesAfter(accountId, name, after, WRITE_OUT_ROWS)));
    // Dropped only once the file is durable: a crash in between leaves both, and the next start keeps the file.
    await this.#o.journal.drop(accountId, name);
  }

  /**
   * At start: the journal holds the segments the last run left open (a crash) or had not written out. A segment whose
   * file exists was written before the crash (files are written whole), so its rows go; one already sealed cannot have
   * rows left (rows are dropped before sealing), so such rows were put there by someone else and are not trusted.
   */
  async #recover(): Promise<void> {
    for (const { accountId, segment, records } of this.#o.journal.segments()) {
      const head = await this.#head(accountId);
      if ((await this.#o.store.segments(accountId)).includes(segment)) {
        await this.#o.journal.drop(accountId, segment);
      } else if (SEGMENT_SEQ(segment) <= (head?.lastSegmentSeq ?? 0)) {
        this.#o.log('audit trail: journal rows of an already sealed segment were not added to the trail (not written by this trail)', { accountId, segment, records });
        await this.#o.journal.drop(accountId, segment);
      } else {
        await this.#writeOut(accountId, segment);
      }
    }
  }

  /** Closes segments open too long (or of a past hour) and writes them out; at an hour boundary, seals. */
  async #tick(): Promise<void> {
    const now = this.#o.clock.now();
    const hour = hourOf(now);
    for (const [account, s] of [...this.#open]) if (s.hour !== hour || now.getTime() - s.opened >= SEGMENT_MS) this.#closeSegment(account, s);
    if (hour === this.#hour) return;
    this.#hour = hour;
    try {
      await this.seal();
    } catch (error) {
      this.#o.log('audit trail: sealing the past hour failed', { error: String(error) });
    }
  }

  /** Seals, account by account, every segment that is closed and not yet in a digest; one digest per account per call. */
  seal(): Promise<void> {
    return this.#serially(async () => {
      await this.#moveClosed();
      await this.#sealAll();
    });
  }

  async #sealAll(): Promise<void> {
    for (const account of await this.#o.store.accounts()) {
      const head = await this.#head(account);
      // Segments are numbered in the order they were opened and written out in that order; the open one (in the
      // journal) is the newest, so the files after the last sealed segment form one run.
      const sealable = (await this.#o.store.segments(account)).filter((n) => SEGMENT_SEQ(n) > (head?.lastSegmentSeq ?? 0));
      if (sealable.length > 0) await this.#writeDigest(account, head, sealable);
      if (this.#o.retentionDays !== undefined) await applyRetention(this.#o.store, this.#o.signer, account, this.#o.clock.now(), this.#o.retentionDays, this.#o.log, (a, names) => this.#holdsLocked(a, names));
    }
  }

  /** Whether a record in these segments names an object still under Object Lock. */
  async #holdsLocked(accountId: string, names: readonly string[]): Promise<boolean> {
    const locked = this.#o.objectLocked;
    if (locked === undefined) return false;
    const objects = new Set<string>();
    for (const name of names) {
      const bytes = await this.#o.store.readSegment(accountId, name);
      for (const line of bytes?.toString('utf8').split('\n') ?? []) {
        if (line === '') continue;
        const r = JSON.parse(line) as CloudTrailRecord;
        for (const res of r.resources ?? []) if (res.type === 'AWS::S3::Object') objects.add(res.ARN.slice('arn:aws:s3:::'.length));
      }
    }
    for (const object of objects) {
      const slash = object.indexOf('/');
      if (slash > 0 && await locked(object.slice(0, slash), object.slice(slash + 1))) return true;
    }
    return false;
  }

  async #writeDigest(account: string, head: ChainHead | null, names: readonly string[]): Promise<void> {
    // One segment at a time: an hour's segments can be hundreds of MB. Their bytes are kept only for a delivery
    // (--audit-bucket), which sends the very bytes sealed (test/audit/trail-write-memory.test.ts).
    const segments: Array<{ name: string; bytes: Buffer }> = [];
    const logFiles: DigestLogFile[] = [];
    for (const name of names) {
      const bytes = (await this.#o.store.readSegment(account, name)) ?? Buffer.alloc(0);
      logFiles.push(describeLogFile(name, bytes));
      if (this.#o.deliver) segments.push({ name, bytes });
    }
    const times = logFiles.flatMap((f) => [f.oldestEventTime, f.newestEventTime]).filter((t): t is string => t !== null).sort();
    const now = cloudTrailTime(this.#o.clock.now());
    const seq = (head?.seq ?? 0) + 1;
    const doc = signDigest({
      digestFormat: 'strongroom-audit-digest-v1', awsAccountId: account, digestSequence: seq,
      digestStartTime: times[0] ?? now, digestEndTime: now,
      digestSignatureAlgorithm: this.#o.signer.algorithm, digestKeyId: this.#o.signer.keyId,
      previousDigestFile: head?.name ?? null, previousDigestHashValue: head?.hash ?? null, previousDigestHashAlgorithm: 'SHA-256',
      previousDigestSignature: head?.signature ?? null, logFiles,
    }, this.#o.signer);
    const bytes = Buffer.from(`${JSON.stringify(doc)}\n`, 'utf8');
    const name = digestName(seq);
    await this.#o.store.writeDigest(account, name, bytes);
    this.#heads.set(account, { name, seq, hash: sha256Hex(bytes), signature: doc.digestSignature, lastSegmentSeq: SEGMENT_SEQ(names[names.length - 1]!) });
    if (this.#o.deliver) {
      await this.#o.deliver(doc, bytes, segments).catch((error: unknown) => this.#o.log('audit trail: delivery to the bucket failed', { account, digest: name, error: String(error) }));
    }
  }

  /** The newest digest of an account (read once, then kept); after retention removed them all, the marker's. */
  async #head(account: string): Promise<ChainHead | null> {
    if (this.#heads.has(account)) return this.#heads.get(account)!;
    const names = await this.#o.store.digests(account);
    let head: ChainHead | null = null;
    const last = names[names.length - 1];
    if (last !== undefined) {
      const bytes = (await this.#o.store.readDigest(account, last))!;
      const doc = JSON.parse(bytes.toString('utf8')) as DigestDocument;
      const lastFile = doc.logFiles[doc.logFiles.length - 1]?.file;
      head = { name: last, seq: digestSeqOf(last), hash: sha256Hex(bytes), signature: doc.digestSignature, lastSegmentSeq: lastFile === undefined ? 0 : SEGMENT_SEQ(lastFile) };
    } else {
      const marker = await this.#o.store.readMarker(account);
      if (marker !== undefined) {
        const m = JSON.parse(marker.toString('utf8')) as RetentionMarker;
        head = { name: m.lastRemovedDigest, seq: digestSeqOf(m.lastRemovedDigest), hash: m.lastRemovedDigestHashValue, signature: m.lastRemovedDigestSignature, lastSegmentSeq: m.lastRemovedSegmentSeq };
      }
    }
    this.#heads.set(account, head);
    return head;
  }

  /** Every record of the account in [start, end], newest first (the journal's included). */
  async records(accountId: string, start: Date, end: Date): Promise<CloudTrailRecord[]> {
    const from = cloudTrailTime(start);
    const to = cloudTrailTime(end);
    const inWindow = (r: CloudTrailRecord) => r.eventTime >= from && r.eventTime <= to;
    // Every record made before this call, reads' included, is in the journal once settled.
    await this.#o.journal.settle();
    // The journal first, then the files: a segment written out in between is in both (its file is durable before its
    // rows go), never in neither; its records are taken once.
    const journal = this.#o.journal.accountLines(accountId).map((l) => JSON.parse(l) as CloudTrailRecord);
    const seen = new Set(journal.map((r) => r.eventID));
    const out: CloudTrailRecord[] = [];
    for (const name of await this.#o.store.segments(accountId)) {
      // A segment holds one hour's appends; a record's eventTime may precede its append by a moment, hence the margin.
      const hourStart = Date.UTC(Number(name.slice(7, 11)), Number(name.slice(11, 13)) - 1, Number(name.slice(13, 15)), Number(name.slice(16, 18)));
      if (hourStart + HOUR_MS + MARGIN_MS < start.getTime() || hourStart - MARGIN_MS > end.getTime()) continue;
      const bytes = await this.#o.store.readSegment(accountId, name);
      if (bytes === undefined) continue;
      for (const line of bytes.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          const r = JSON.parse(line) as CloudTrailRecord;
          if (inWindow(r) && !seen.has(r.eventID)) out.push(r);
        } catch {
          // A torn tail (left by versions that appended to segments) is not a record.
        }
      }
    }
    for (const r of journal) if (inWindow(r)) out.push(r);
    // Newest first; records of the same second keep their reverse file order (sort is stable).
    return out.reverse().sort((a, b) => (a.eventTime === b.eventTime ? 0 : a.eventTime < b.eventTime ? 1 : -1));
  }

  /** Closes the open segments, writes them out and seals them: a clean stop leaves nothing unsealed, the journal empty. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    for (const [account, s] of [...this.#open]) this.#closeSegment(account, s);
    await this.seal();
    await this.#o.store.close();
  }
}

/**
 * The segment's text, page by page of journal rows (a closed segment's rows no longer change: every append to it
 * settled before the write-out, so paging by row id reads each once), in one reused buffer: the store writes each
 * piece before it asks for the next. A line longer than the buffer goes as its own piece.
 */
async function* segmentPieces(first: Array<{ id: number; line: string }>, next: (afterId: number) => Array<{ id: number; line: string }>): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafeSlow(WRITE_OUT_BYTES);
  let used = 0;
  for (let page = first; page.length > 0; page = page.length < WRITE_OUT_ROWS ? [] : next(page[page.length - 1]!.id)) {
    for (const { line } of page) {
      const size = Buffer.byteLength(line, 'utf8') + 1;
      if (used + size > buffer.length && used > 0) {
        yield buffer.subarray(0, used);
        used = 0;
      }
      if (size > buffer.length) {
        yield Buffer.from(`${line}\n`, 'utf8');
        continue;
      }
      used += buffer.write(line, used, 'utf8');
      buffer[used++] = 0x0a;
    }
  }
  if (used > 0) yield buffer.subarray(0, used);
}
