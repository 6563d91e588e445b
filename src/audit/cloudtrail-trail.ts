/** The CloudTrail trail: each event becomes one record line in its account's hourly segment (durable before record() resolves); closed segments are sealed by chained, signed digests. */
import type { Clock } from '../common/clock.js';
import type { Random } from '../common/random.js';
import type { AuditStore } from '../stores/audit-store.js';
import type { AuditEvent, AuditLog } from './audit-log.js';
import { cloudTrailTime, recipientOf, toCloudTrailRecord, uuidFrom, type CloudTrailRecord, type TrailReader } from './cloudtrail-record.js';
import { describeLogFile, digestName, digestSeqOf, sha256Hex, signDigest, type DigestDocument, type DigestSigner } from './trail-digest.js';
import { applyRetention, type RetentionMarker } from './trail-retention.js';

/** Copies a sealed stretch elsewhere (a bucket, CloudTrail-style); failures are logged, never lose the local trail. */
export type TrailDelivery = (digest: DigestDocument, digestBytes: Buffer, segments: ReadonlyArray<{ name: string; bytes: Buffer }>) => Promise<void>;

export interface TrailOptions {
  readonly store: AuditStore;
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
}

/** `YYYYMMDDTHH00Z`: the hour a segment holds (CloudTrail's file-name time form). */
export function hourOf(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}00Z`;
}

const SEGMENT_SEQ = (name: string) => Number(name.slice(0, 6));
const ROLL_CHECK_MS = 20_000;
const HOUR_MS = 3_600_000;
const MARGIN_MS = 60_000;

interface ChainHead { readonly name: string; readonly seq: number; readonly hash: string; readonly signature: string; readonly lastSegmentSeq: number }

export class CloudTrailTrail implements AuditLog, TrailReader {
  readonly #o: TrailOptions;
  readonly #heads = new Map<string, ChainHead | null>();
  #sealing: Promise<void> = Promise.resolve();
  #hour: string;
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: TrailOptions) {
    this.#o = options;
    this.#hour = hourOf(options.clock.now());
  }

  /** Cuts torn tails a crash left, then seals every segment of earlier runs (none of them is written again). */
  static async open(options: TrailOptions): Promise<CloudTrailTrail> {
    const trail = new CloudTrailTrail(options);
    const cut = await options.store.repairTornTails();
    if (cut.length > 0) options.log('audit trail: cut a partial record a crash left (never acknowledged)', { segments: cut });
    await trail.seal();
    trail.#timer = setInterval(() => { void trail.#roll(); }, ROLL_CHECK_MS);
    trail.#timer.unref();
    return trail;
  }

  async record(event: AuditEvent): Promise<void> {
    const recipient = recipientOf(event, this.#o.defaultAccountId);
    const record = toCloudTrailRecord(event, uuidFrom(this.#o.random.bytes(16)), this.#o.region, recipient);
    const now = this.#o.clock.now();
    await this.#o.store.append(recipient, hourOf(now), `${JSON.stringify(record)}\n`);
  }

  /** At an hour boundary: the past hour's segments close and are sealed. */
  async #roll(): Promise<void> {
    const hour = hourOf(this.#o.clock.now());
    if (hour === this.#hour) return;
    this.#hour = hour;
    try {
      await this.#o.store.closeSegmentsBefore(hour);
      await this.seal();
    } catch (error) {
      this.#o.log('audit trail: sealing the past hour failed', { error: String(error) });
    }
  }

  /** Seals, account by account, every segment that is closed and not yet in a digest; one digest per account per call. */
  seal(): Promise<void> {
    const run = this.#sealing.then(() => this.#sealAll());
    this.#sealing = run.catch(() => {});
    return run;
  }

  async #sealAll(): Promise<void> {
    const open = this.#o.store.openSegments();
    for (const account of await this.#o.store.accounts()) {
      const head = await this.#head(account);
      // Segments are numbered in the order they were opened; the one open now is the newest, so the closed ones
      // after the last sealed segment form one run.
      const sealable = (await this.#o.store.segments(account))
        .filter((n) => SEGMENT_SEQ(n) > (head?.lastSegmentSeq ?? 0) && !open.has(`${account}/${n}`));
      if (sealable.length > 0) await this.#writeDigest(account, head, sealable);
      if (this.#o.retentionDays !== undefined) await applyRetention(this.#o.store, this.#o.signer, account, this.#o.clock.now(), this.#o.retentionDays, this.#o.log);
    }
  }

  async #writeDigest(account: string, head: ChainHead | null, names: readonly string[]): Promise<void> {
    const segments: Array<{ name: string; bytes: Buffer }> = [];
    for (const name of names) segments.push({ name, bytes: (await this.#o.store.readSegment(account, name)) ?? Buffer.alloc(0) });
    const logFiles = segments.map((s) => describeLogFile(s.name, s.bytes));
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

  /** Every record of the account in [start, end], newest first (the open segment included). */
  async records(accountId: string, start: Date, end: Date): Promise<CloudTrailRecord[]> {
    const from = cloudTrailTime(start);
    const to = cloudTrailTime(end);
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
          if (r.eventTime >= from && r.eventTime <= to) out.push(r);
        } catch {
          // A torn tail in an open segment is not a record.
        }
      }
    }
    // Newest first; records of the same second keep their reverse file order (sort is stable).
    return out.reverse().sort((a, b) => (a.eventTime === b.eventTime ? 0 : a.eventTime < b.eventTime ? 1 : -1));
  }

  /** Closes the open segments and seals them: a clean stop leaves nothing unsealed. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#o.store.closeSegments();
    await this.seal();
    await this.#o.store.close();
  }
}
