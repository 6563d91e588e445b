/** `--audit-retention-days`: removes sealed stretches older than the retention period, and leaves a signed marker so a verifier tells retention from deletion. */
import type { AuditStore } from '../stores/audit-store.js';
import { cloudTrailTime } from './cloudtrail-record.js';
import { sha256Hex, type DigestDocument, type DigestSigner } from './trail-digest.js';

/** What retention removed last: the chain continues from this digest (docs/FORMAT.md "Retention marker"). */
export interface RetentionMarker {
  readonly awsAccountId: string;
  readonly lastRemovedDigest: string;
  readonly lastRemovedDigestHashValue: string;
  readonly lastRemovedDigestSignature: string;
  readonly lastRemovedSegmentSeq: number;
  readonly removedAt: string;
  readonly markerKeyId: string;
  /** HMAC-SHA256 of the JSON text of the fields above. */
  readonly markerSignature: string;
}

export type UnsignedMarker = Omit<RetentionMarker, 'markerSignature'>;

export function markerBytes(m: UnsignedMarker): Buffer {
  return Buffer.from(JSON.stringify(m), 'utf8');
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether any record in these segments must be kept still (an object under Object Lock). */
export type RetentionHold = (account: string, segments: readonly string[]) => Promise<boolean>;

/**
 * Removes, oldest first, each digest whose stretch ended before the retention period and the segments it sealed;
 * the newest digest is always kept, so the chain has a head to continue from, and so is the first stretch `hold`
 * keeps (with everything after it: only a prefix of the chain is ever removed). The marker is written before any
 * file is removed: a crash in between leaves files the marker already vouches for, never a gap it does not.
 */
export async function applyRetention(store: AuditStore, signer: DigestSigner, account: string, now: Date, days: number, log: (m: string, f?: Record<string, unknown>) => void, hold?: RetentionHold): Promise<void> {
  const cutoff = cloudTrailTime(new Date(now.getTime() - days * DAY_MS));
  const names = await store.digests(account);
  const expired: Array<{ name: string; bytes: Buffer; doc: DigestDocument }> = [];
  for (const name of names.slice(0, -1)) {
    const bytes = await store.readDigest(account, name);
    if (bytes === undefined) break;
    const doc = JSON.parse(bytes.toString('utf8')) as DigestDocument;
    if (doc.digestEndTime >= cutoff) break;
    if (hold !== undefined && await hold(account, doc.logFiles.map((f) => f.file))) {
      log('audit trail: retention keeps a stretch holding records of objects under Object Lock', { account, digest: name });
      break;
    }
    expired.push({ name, bytes, doc });
  }
  const last = expired[expired.length - 1];
  if (last === undefined) return;
  const lastSegment = last.doc.logFiles[last.doc.logFiles.length - 1]?.file;
  const unsigned: UnsignedMarker = {
    awsAccountId: account, lastRemovedDigest: last.name, lastRemovedDigestHashValue: sha256Hex(last.bytes), lastRemovedDigestSignature: last.doc.digestSignature,
    lastRemovedSegmentSeq: lastSegment === undefined ? 0 : Number(lastSegment.slice(0, 6)), removedAt: cloudTrailTime(now), markerKeyId: signer.keyId,
  };
  await store.writeMarker(account, Buffer.from(`${JSON.stringify({ ...unsigned, markerSignature: signer.sign(markerBytes(unsigned)) })}\n`, 'utf8'));
  for (const e of expired) {
    for (const f of e.doc.logFiles) await store.remove(account, 'segment', f.file);
    await store.remove(account, 'digest', e.name);
  }
  log('audit trail: retention removed sealed records', { account, digests: expired.length, through: last.name });
}
