/** The digest file that closes a stretch of the trail: SHA-256 of every record file (and of each record), the previous digest's hash, a signature. */
import { createHash } from 'node:crypto';

/** Signs and checks digests; implemented by kms/audit-digest-key.ts, injected by the composition root. */
export interface DigestSigner {
  readonly keyId: string;
  readonly algorithm: 'HMAC-SHA256';
  sign(bytes: Buffer): string;
  verify(bytes: Buffer, signatureHex: string): boolean;
}

/** One record file as sealed: its hash, and a short hash of each record so a verifier can name the record that changed. */
export interface DigestLogFile {
  readonly file: string;
  readonly hashValue: string;
  readonly hashAlgorithm: 'SHA-256';
  readonly records: number;
  /** The first 16 hex digits of each record line's SHA-256, in file order. */
  readonly recordHashes: readonly string[];
  readonly oldestEventTime: string | null;
  readonly newestEventTime: string | null;
}

/** A digest document (docs/FORMAT.md "Audit digest file"); CloudTrail's digest fields where they exist. */
export interface DigestDocument {
  readonly digestFormat: 'strongroom-audit-digest-v1';
  readonly awsAccountId: string;
  readonly digestSequence: number;
  readonly digestStartTime: string;
  readonly digestEndTime: string;
  readonly digestSignatureAlgorithm: 'HMAC-SHA256';
  readonly digestKeyId: string;
  readonly previousDigestFile: string | null;
  readonly previousDigestHashValue: string | null;
  readonly previousDigestHashAlgorithm: 'SHA-256';
  readonly previousDigestSignature: string | null;
  readonly logFiles: readonly DigestLogFile[];
  /** HMAC-SHA256 (hex) of the JSON text of every field above, in this order. */
  readonly digestSignature: string;
}

export type UnsignedDigest = Omit<DigestDocument, 'digestSignature'>;

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The record lines of a segment (a segment always ends with a newline; a torn tail was cut at start). */
export function recordLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a, start); nl >= 0; nl = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

export function lineHash(line: Buffer): string {
  return sha256Hex(line).slice(0, 16);
}

const EVENT_TIME = Buffer.from('"eventTime":"', 'utf8');

/** The first `"eventTime":"…"` value of a record line, found in its bytes (a segment is not decoded to text whole). */
function eventTimeOf(line: Buffer): string | undefined {
  const at = line.indexOf(EVENT_TIME);
  if (at < 0) return undefined;
  const from = at + EVENT_TIME.length;
  const end = line.indexOf(0x22, from);
  return end > from ? line.toString('utf8', from, end) : undefined;
}

/** Seals one record file: its hash, each record's short hash, the times of its first and last records. */
export function describeLogFile(file: string, bytes: Buffer): DigestLogFile {
  const lines = recordLines(bytes);
  const times = lines.map(eventTimeOf).filter((t): t is string => t !== undefined).sort();
  return {
    file, hashValue: sha256Hex(bytes), hashAlgorithm: 'SHA-256', records: lines.length, recordHashes: lines.map(lineHash),
    oldestEventTime: times[0] ?? null, newestEventTime: times[times.length - 1] ?? null,
  };
}

/** The bytes a digest's signature covers: the document without its signature, as JSON text. */
export function signedBytes(doc: UnsignedDigest): Buffer {
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

export function signDigest(doc: UnsignedDigest, signer: DigestSigner): DigestDocument {
  return { ...doc, digestSignature: signer.sign(signedBytes(doc)) };
}

/** The digest file name for a sequence number. */
export function digestName(seq: number): string {
  return `${String(seq).padStart(6, '0')}.json`;
}

export function digestSeqOf(name: string): number {
  return Number(name.slice(0, 6));
}
