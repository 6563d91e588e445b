/** The shared write path: verify and hash the plaintext, encrypt it, write one durable blob; the caller switches the metadata. */
import { createHash, type Hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import { takeMd5Lane, type Md5Lane } from '../common/md5-offload.js';
import { pipeStreams } from '../common/pipe-streams.js';
import type { EncryptionPlan, KeyCaller, ObjectBinding } from '../sse/envelope.js';
import { CHECKSUM_ALGORITHMS, checksumHeader, createHasher, parseChecksumAlgorithm, validateChecksumValue, type ChecksumAlgorithm, type Hasher } from './checksums.js';
import { header } from './metadata-headers.js';
import type { S3Context } from './s3-request.js';

/**
 * Parts whose plaintext is known to be at most this large keep their ciphertext in the metadata row:
 * one group-committed transaction instead of a file, two fsyncs and a rename (DESIGN.md, "Small objects
 * inline"). Still ciphertext: INVARIANT 1 holds for the database file too.
 */
export const INLINE_MAX_BYTES = 32 * 1024;

/** 5 GiB: the largest single PUT, UploadPart or copy S3 accepts. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

/** What the client asked us to verify about the payload. */
export interface PayloadChecks {
  readonly contentMd5: Buffer | undefined;
  readonly checksum: ChecksumAlgorithm | undefined;
  /** The value from a header; undefined when it comes in a trailer (or not at all). */
  readonly checksumValue: string | undefined;
  readonly checksumInTrailer: boolean;
}

/** Reads Content-MD5 and x-amz-checksum-* / x-amz-sdk-checksum-algorithm / x-amz-trailer from the request. */
export function payloadChecks(headers: IncomingHttpHeaders): PayloadChecks {
  let contentMd5: Buffer | undefined;
  const md5 = header(headers, 'content-md5');
  if (md5 !== undefined) {
    contentMd5 = Buffer.from(md5, 'base64');
    if (contentMd5.length !== 16 || contentMd5.toString('base64') !== md5.trim()) throw s3Error('InvalidDigest');
  }
  const present = CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeader(a)] !== undefined);
  if (present.length > 1) {
    throw s3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  }
  const trailer = header(headers, 'x-amz-trailer')?.trim().toLowerCase();
  const fromTrailer = trailer?.startsWith('x-amz-checksum-') ? parseChecksumAlgorithm(trailer.slice('x-amz-checksum-'.length), 'x-amz-trailer') : undefined;
  const declared = parseChecksumAlgorithm(header(headers, 'x-amz-sdk-checksum-algorithm'), 'x-amz-sdk-checksum-algorithm');
  const algorithm = present[0] ?? fromTrailer ?? declared;
  const value = present[0] ? header(headers, checksumHeader(present[0]))!.trim() : undefined;
  if (algorithm && value !== undefined) validateChecksumValue(algorithm, value);
  if (declared && algorithm !== declared) {
    throw s3Error('InvalidRequest', { message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' });
  }
  return { contentMd5, checksum: algorithm, checksumValue: value, checksumInTrailer: fromTrailer !== undefined && value === undefined };
}

export interface WrittenBlob {
  /** '' when the ciphertext is inline. */
  readonly blobId: string;
  readonly inline: Buffer | undefined;
  readonly size: number;
  /** The ETag (without quotes): the plaintext MD5 in hex for SSE-S3, an opaque value for the other kinds. */
  readonly etag: string;
  readonly checksums: Readonly<Record<string, string>>;
  readonly sealedKey: Buffer;
  /** The full ARN of the KMS key that sealed the data key (SSE-KMS, DSSE-KMS). */
  readonly kmsKeyArn: string | undefined;
}

export interface WriteRequest {
  readonly body: Readable;
  readonly expectedLength: number | undefined;
  readonly trailers: () => Readonly<Record<string, string>>;
  readonly checks: PayloadChecks;
  readonly plan: EncryptionPlan;
  readonly binding: ObjectBinding;
  /** Who the write's key use is for (SSE-KMS key policies, the audit trail). */
  readonly caller: KeyCaller;
  readonly maxBytes?: number;
}

/**
 * Streams the payload through hashing and the envelope into a new blob and verifies every digest the
 * client supplied. Resolves only when the blob is durable and correct; on any failure the blob is
 * deleted and nothing remains. INVARIANT 1: the only bytes that reach the blob store are ciphertext.
 */
export async function writeObjectData(ctx: S3Context, w: WriteRequest): Promise<WrittenBlob> {
  const maxBytes = w.maxBytes ?? MAX_PUT_BYTES;
  if (w.expectedLength !== undefined && w.expectedLength > maxBytes) {
    throw s3Error('EntityTooLarge', { details: { ProposedSize: w.expectedLength, MaxSizeAllowed: maxBytes } });
  }
  // The body may not run past what it claimed: the first excess byte fails the write (a 1-byte claim
  // must not stream gigabytes into the inline buffer or onto disk).
  const session = await ctx.envelope.beginWrite(w.plan, w.binding, w.caller);
  // The lane only once the key is there: a refused key (KMS) used to leave the lane taken for good.
  const hashing = new HashingTransform(w.checks.checksum, maxBytes, w.expectedLength, w.expectedLength !== undefined && w.expectedLength >= OFFLOAD_MD5_FROM ? takeMd5Lane() : undefined);
  const inlined = w.expectedLength !== undefined && w.expectedLength <= INLINE_MAX_BYTES;
  const [piped, written] = await Promise.allSettled([
    pipeStreams(w.body, hashing, session.encrypt),
    inlined ? collect(session.encrypt, INLINE_MAX_CIPHERTEXT) : ctx.blobs.write(session.encrypt),
  ]);
  if (piped.status === 'rejected' || written.status === 'rejected') hashing.abandon();
  if (written.status === 'fulfilled' && piped.status === 'rejected') await ctx.blobs.delete([written.value.id]);
  if (piped.status === 'rejected') throw piped.reason;
  if (written.status === 'rejected') throw written.reason;
  const blobId = written.value.id;
  try {
    if (w.expectedLength !== undefined && hashing.bytes !== w.expectedLength) {
      hashing.abandon();
      throw s3Error('IncompleteBody');
    }
    const md5 = await hashing.md5Digest();
    if (w.checks.contentMd5 && !md5.equals(w.checks.contentMd5)) throw s3Error('BadDigest');
    const checksums: Record<string, string> = {};
    if (w.checks.checksum && hashing.checksum) {
      const actual = hashing.checksum.digest();
      const expected = w.checks.checksumValue ?? (w.checks.checksumInTrailer ? w.trailers()[checksumHeader(w.checks.checksum)]?.trim() : undefined);
      if (w.checks.checksumInTrailer && expected === undefined) {
        throw s3Error('InvalidRequest', { message: 'x-amz-trailer header was specified, but the trailer was not present in the request.' });
      }
      if (expected !== undefined && expected !== actual) {
        throw s3Error('BadDigest', { message: `The ${w.checks.checksum} you specified did not match the calculated checksum.` });
      }
      checksums[w.checks.checksum] = actual;
    }
    const inline = 'bytes' in written.value ? written.value.bytes : undefined;
    return { blobId, inline, size: hashing.bytes, etag: session.etag(md5), checksums, sealedKey: session.sealedKey, kmsKeyArn: session.kmsKeyArn };
  } catch (err) {
    await ctx.blobs.delete([blobId]);
    throw err;
  }
}

/** INLINE_MAX_BYTES of plaintext plus generous room for the package format's header and tags. */
const INLINE_MAX_CIPHERTEXT = INLINE_MAX_BYTES + 64 * 1024;

/**
 * Gathers a small part's ciphertext in memory. The length check upstream already stops the body at its
 * claim; this bound holds even if that check were gone, so memory never depends on the client.
 */
async function collect(source: Readable, cap: number): Promise<{ id: string; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of source) {
    size += (c as Buffer).length;
    if (size > cap) {
      source.destroy();
      throw new Error(`inline ciphertext exceeded ${cap} bytes`);
    }
    chunks.push(c as Buffer);
  }
  return { id: '', bytes: Buffer.concat(chunks) };
}

/**
 * Bodies this large (by their declared length) have their MD5 computed on the worker thread when a lane
 * is free (common/md5-offload.ts); smaller ones are hashed inline, where a thread hop costs more than it saves.
 */
const OFFLOAD_MD5_FROM = 8 * 1024 * 1024;

/** Passes bytes through while hashing MD5 (ETag, Content-MD5) and the requested checksum, and bounding the size. */
class HashingTransform extends Transform {
  readonly #md5: Hash | undefined;
  readonly checksum: Hasher | undefined;
  bytes = 0;

  constructor(algorithm: ChecksumAlgorithm | undefined, private readonly maxBytes: number, private readonly claimed: number | undefined, private readonly lane: Md5Lane | undefined) {
    super();
    this.#md5 = lane ? undefined : createHash('md5');
    this.checksum = algorithm ? createHasher(algorithm) : undefined;
  }

  /** The plaintext's MD5 (from the worker thread when this body has a lane). */
  md5Digest(): Promise<Buffer> {
    return this.lane ? this.lane.digest() : Promise.resolve(this.#md5!.digest());
  }

  /** Frees the worker lane of a write that failed. */
  abandon(): void {
    this.lane?.drop();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.claimed !== undefined && this.bytes > this.claimed) {
      // More bytes than the Content-Length / x-amz-decoded-content-length said.
      cb(s3Error('IncompleteBody'));
      return;
    }
    if (this.bytes > this.maxBytes) {
      cb(s3Error('EntityTooLarge', { details: { MaxSizeAllowed: this.maxBytes } }));
      return;
    }
    this.checksum?.update(chunk);
    if (!this.lane) {
      this.#md5!.update(chunk);
      cb(null, chunk);
      return;
    }
    const waiting = this.lane.update(chunk);
    if (waiting) waiting.then(() => cb(null, chunk), cb);
    else cb(null, chunk);
  }
}
