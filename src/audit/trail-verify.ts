/** `strongroom audit verify`: checks every digest's signature and chain link and every record file against its digest, and names what changed. */
import type { AuditStore } from '../stores/audit-store.js';
import { describeLogFile, digestName, digestSeqOf, sha256Hex, signedBytes, type DigestDocument, type DigestSigner } from './trail-digest.js';
import { markerBytes, type RetentionMarker } from './trail-retention.js';

export interface VerifyOptions {
  /** Only digests whose stretch overlaps [from, to] have their record files checked; every chain link is checked. */
  readonly from?: Date;
  readonly to?: Date;
}

export interface VerifyReport {
  /** Each a plain sentence naming the file (and record) that changed, was removed, reordered or inserted. */
  readonly problems: string[];
  /** Segments written after the last digest: not sealed yet (the server seals them at the hour, at stop or at its next start). */
  readonly unsealed: string[];
  digestsChecked: number;
  filesChecked: number;
  recordsChecked: number;
}

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

export async function verifyTrail(store: AuditStore, signer: DigestSigner, options: VerifyOptions = {}): Promise<VerifyReport> {
  const report: VerifyReport = { problems: [], unsealed: [], digestsChecked: 0, filesChecked: 0, recordsChecked: 0 };
  for (const account of await store.accounts()) await verifyAccount(store, signer, account, options, report);
  return report;
}

async function verifyAccount(store: AuditStore, signer: DigestSigner, account: string, options: VerifyOptions, report: VerifyReport): Promise<void> {
  const problem = (text: string) => report.problems.push(`account ${account}: ${text}`);
  let previous: { name: string; hash: string; signature: string } | null = null;
  let lastSealedSegment = 0;
  let removedThrough = 0;
  const markerRaw = await store.readMarker(account);
  if (markerRaw !== undefined) {
    const marker = parseJson<RetentionMarker>(markerRaw);
    const { markerSignature, ...unsigned } = marker ?? ({} as RetentionMarker);
    if (marker === undefined || marker.awsAccountId !== account || !signer.verify(markerBytes(unsigned), String(markerSignature))) {
      problem('retention.json does not verify (changed or replaced): the start of the chain cannot be trusted');
    } else {
      previous = { name: marker.lastRemovedDigest, hash: marker.lastRemovedDigestHashValue, signature: marker.lastRemovedDigestSignature };
      lastSealedSegment = marker.lastRemovedSegmentSeq;
      removedThrough = marker.lastRemovedSegmentSeq;
    }
  }
  const sealedFiles = new Set<string>();
  const names = await store.digests(account);
  let expectedSeq = previous === null ? 1 : digestSeqOf(previous.name) + 1;
  for (const name of names) {
    const seq = digestSeqOf(name);
    for (; expectedSeq < seq; expectedSeq++) {
      problem(`digest ${digestName(expectedSeq)} is missing (deleted): the chain is broken before ${name}`);
      previous = null;
    }
    expectedSeq = seq + 1;
    const bytes = (await store.readDigest(account, name))!;
    const doc = parseJson<DigestDocument>(bytes);
    report.digestsChecked++;
    if (doc === undefined || !Array.isArray(doc.logFiles)) {
      problem(`digest ${name} is not a digest document (changed or replaced)`);
      previous = { name, hash: sha256Hex(bytes), signature: '' };
      continue;
    }
    const { digestSignature, ...unsigned } = doc;
    if (doc.digestKeyId !== signer.keyId) problem(`digest ${name} names signing key ${String(doc.digestKeyId)}, not this root key's ${signer.keyId} (replaced)`);
    else if (!signer.verify(signedBytes(unsigned), String(digestSignature))) problem(`digest ${name}: the signature does not verify (the digest was changed or replaced)`);
    if (doc.digestSequence !== seq || doc.awsAccountId !== account) problem(`digest ${name} claims to be digest ${doc.digestSequence} of account ${doc.awsAccountId} (replaced by another digest)`);
    if (previous !== null && (doc.previousDigestFile !== previous.name || doc.previousDigestHashValue !== previous.hash)) {
      problem(`digest ${name} does not chain to ${previous.name}: ${previous.name} was changed or replaced`);
    } else if (previous === null && seq === 1 && doc.previousDigestFile !== null) {
      problem(`digest ${name} names a previous digest ${doc.previousDigestFile} that is not there`);
    }
    previous = { name, hash: sha256Hex(bytes), signature: String(digestSignature) };
    const inRange = (options.from === undefined || doc.digestEndTime >= iso(options.from)) && (options.to === undefined || doc.digestStartTime <= iso(options.to));
    for (const sealed of doc.logFiles) {
      sealedFiles.add(sealed.file);
      lastSealedSegment = Math.max(lastSealedSegment, Number(sealed.file.slice(0, 6)));
      if (!inRange) continue;
      await checkFile(store, account, name, sealed, problem, report);
    }
  }
  for (const name of await store.segments(account)) {
    if (sealedFiles.has(name)) continue;
    const seq = Number(name.slice(0, 6));
    // Left by a retention pass cut short after its marker: already vouched for, about to be removed.
    if (seq <= removedThrough) continue;
    if (seq <= lastSealedSegment) problem(`record file ${name} is in no digest (inserted, or its digest was replaced)`);
    else report.unsealed.push(`${account}/${name}`);
  }
}

async function checkFile(store: AuditStore, account: string, digest: string, sealed: DigestDocument['logFiles'][number], problem: (t: string) => void, report: VerifyReport): Promise<void> {
  const bytes = await store.readSegment(account, sealed.file);
  if (bytes === undefined) {
    problem(`record file ${sealed.file} (sealed by digest ${digest}) is missing: deleted`);
    return;
  }
  report.filesChecked++;
  const actual = describeLogFile(sealed.file, bytes);
  report.recordsChecked += actual.records;
  if (actual.hashValue === sealed.hashValue) return;
  const lines = describeLines(sealed.recordHashes, actual.recordHashes);
  problem(`record file ${sealed.file} does not match digest ${digest}: ${lines.length > 0 ? lines.join('; ') : 'its bytes changed outside any record (e.g. a line break)'}`);
}

/** Names the record-level difference between the sealed record hashes and the file's: changed, deleted, inserted or swapped lines. */
export function describeLines(sealed: readonly string[], actual: readonly string[]): string[] {
  let head = 0;
  while (head < sealed.length && head < actual.length && sealed[head] === actual[head]) head++;
  let tail = 0;
  while (tail < sealed.length - head && tail < actual.length - head && sealed[sealed.length - 1 - tail] === actual[actual.length - 1 - tail]) tail++;
  const gone = sealed.slice(head, sealed.length - tail);
  const added = actual.slice(head, actual.length - tail);
  if (gone.length === 0 && added.length === 0) return [];
  const line = (i: number) => `line ${i + 1}`;
  const span = (start: number, n: number) => (n === 1 ? line(start) : `lines ${start + 1}-${start + n}`);
  if (added.length === 0) return [`${span(head, gone.length)} deleted (record${gone.length > 1 ? 's' : ''} removed)`];
  if (gone.length === 0) return [`${span(head, added.length)} inserted (record${added.length > 1 ? 's' : ''} not sealed)`];
  if (gone.length === added.length && gone.length > 1 && [...gone].sort().join() === [...added].sort().join()) {
    return [`${span(head, gone.length)} reordered (${gone.length === 2 ? `lines ${head + 1} and ${head + 2} swapped` : 'records swapped'})`];
  }
  if (gone.length === added.length) {
    return gone.map((g, i) => (g === added[i] ? undefined : `${line(head + i)} changed`)).filter((s): s is string => s !== undefined);
  }
  return [`${span(head, added.length)} differ from the ${gone.length} sealed record(s) there (changed, deleted or inserted)`];
}

function parseJson<T>(bytes: Buffer): T | undefined {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
