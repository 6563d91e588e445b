/** Transform: aws-chunked framing removed, every chunk signature and the trailer signature verified, trailers collected. */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import { timingSafeEqualString } from '../common/timing-safe.js';
import { hmac, sha256hex } from './sigv4-canonical-request.js';

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** What the chunk signatures chain from: the signing key, the request date and scope, and the seed signature. */
export interface ChunkSigning { key: Buffer; amzDate: string; scope: string; seed: string }

/**
 * Bounds on what a client controls (docs/ARCHITECTURE.md, "aws-chunked bounds"). Real clients send one
 * chunk header of ~90 bytes per chunk and one or two trailer lines (a checksum and its signature);
 * without caps, millions of trailer lines pinned the CPU for minutes and filled the heap.
 */
export const MAX_CHUNK_HEADER_LINE = 1024;
export const MAX_TRAILER_LINES = 16;
export const MAX_TRAILER_BYTES = 16 * 1024;
/** S3's largest single PUT: no one chunk can be bigger. */
export const MAX_CHUNK_SIZE = 5 * 1024 ** 3;

const malformedTrailer = (message: string) => s3Error('MalformedTrailerError', { message: `The request contained trailing data that was not well-formed or did not conform to our published schema. (${message})` });

/**
 * aws-chunked framing: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` … `0[;chunk-signature=…]\r\n`
 * then optional trailer lines and a final `\r\n`. Emits data subarrays as they arrive; verifies the
 * signature chain when signing is given.
 */
export class AwsChunkedDecoder extends Transform {
  /** Null prototype: a trailer name is data, never a path to Object.prototype. */
  trailers: Record<string, string> = Object.create(null) as Record<string, string>;
  #trailerLines = 0;
  #trailerBytes = 0;
  #buf: Buffer = Buffer.alloc(0);
  #state: 'header' | 'data' | 'data-crlf' | 'final-crlf' | 'trailer' | 'done' = 'header';
  #remaining = 0;
  #chunkSig = '';
  #chunkHash = createHash('sha256');
  #prevSig: string;
  #decoded = 0;

  constructor(private readonly signing: ChunkSigning | undefined, private readonly hasTrailer: boolean, private readonly expectedLength: number | undefined) {
    super();
    this.#prevSig = signing?.seed ?? '';
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    try {
      this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
      this.#process();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (this.#state !== 'done') {
      cb(s3Error('IncompleteBody'));
      return;
    }
    if (this.expectedLength !== undefined && this.#decoded !== this.expectedLength) {
      cb(s3Error('IncompleteBody'));
      return;
    }
    cb();
  }

  #process(): void {
    for (;;) {
      switch (this.#state) {
        case 'header': {
          const line = this.#line(MAX_CHUNK_HEADER_LINE, () => s3Error('IncompleteBody', { message: 'aws-chunked chunk header line too long' }));
          if (line === undefined) return;
          const [sizeHex, ...ext] = line.split(';');
          if (!/^[0-9a-fA-F]{1,16}$/.test(sizeHex ?? '')) throw s3Error('IncompleteBody', { message: 'malformed aws-chunked chunk header' });
          this.#remaining = parseInt(sizeHex!, 16);
          if (this.#remaining > MAX_CHUNK_SIZE) throw s3Error('IncompleteBody', { message: 'aws-chunked chunk size too large' });
          // Refused at the header, before any byte beyond the declared length is read or passed on.
          if (this.expectedLength !== undefined && this.#decoded + this.#remaining > this.expectedLength) {
            throw s3Error('IncompleteBody', { message: 'The aws-chunked body carries more bytes than x-amz-decoded-content-length.', details: { NumberBytesExpected: this.expectedLength } });
          }
          this.#chunkSig = ext.find((e) => e.startsWith('chunk-signature='))?.slice('chunk-signature='.length) ?? '';
          if (this.signing && !this.#chunkSig) throw s3Error('SignatureDoesNotMatch', { message: 'missing chunk-signature' });
          this.#chunkHash = createHash('sha256');
          if (this.#remaining > 0) { this.#state = 'data'; break; }
          this.#verifyChunk();
          this.#state = this.hasTrailer ? 'trailer' : 'final-crlf';
          break;
        }
        case 'data': {
          if (this.#buf.length === 0) return;
          const take = Math.min(this.#remaining, this.#buf.length);
          const piece = this.#buf.subarray(0, take);
          this.#buf = this.#buf.subarray(take);
          if (this.signing) this.#chunkHash.update(piece);
          this.#remaining -= take;
          this.#decoded += take;
          this.push(piece);
          if (this.#remaining === 0) { this.#verifyChunk(); this.#state = 'data-crlf'; }
          break;
        }
        case 'data-crlf':
        case 'final-crlf': {
          if (this.#buf.length < 2) return;
          if (this.#buf[0] !== 13 || this.#buf[1] !== 10) throw s3Error('IncompleteBody', { message: 'malformed aws-chunked framing' });
          this.#buf = this.#buf.subarray(2);
          this.#state = this.#state === 'data-crlf' ? 'header' : 'done';
          break;
        }
        case 'trailer': {
          const budget = MAX_TRAILER_BYTES - this.#trailerBytes - 2;
          const line = this.#line(Math.max(budget, 0), () => malformedTrailer(`trailers over ${MAX_TRAILER_BYTES} bytes`));
          if (line === undefined) return;
          this.#trailerBytes += line.length + 2;
          if (line === '') { this.#finishTrailer(); this.#state = 'done'; break; }
          if (++this.#trailerLines > MAX_TRAILER_LINES) throw malformedTrailer(`more than ${MAX_TRAILER_LINES} trailers`);
          const colon = line.indexOf(':');
          if (colon < 0) throw malformedTrailer('a trailer line without a colon');
          const name = line.slice(0, colon).trim().toLowerCase();
          if (!/^[a-z0-9-]+$/.test(name)) throw malformedTrailer('an invalid trailer name');
          if (name in this.trailers) throw malformedTrailer(`trailer ${name} repeated`);
          this.trailers[name] = line.slice(colon + 1).trim();
          break;
        }
        case 'done':
          if (this.#buf.length > 0) throw s3Error('IncompleteBody', { message: 'data after the final chunk' });
          return;
      }
    }
  }

  /**
   * The next CRLF-terminated line of at most `max` bytes, or undefined until it has fully arrived. Only
   * the first max + 2 bytes are searched, so a long line costs no more than a short one.
   */
  #line(max: number, tooLong: () => Error): string | undefined {
    const nl = this.#buf.subarray(0, max + 2).indexOf('\r\n');
    if (nl < 0) {
      if (this.#buf.length >= max + 2) throw tooLong();
      return undefined;
    }
    const line = this.#buf.subarray(0, nl).toString('latin1');
    this.#buf = this.#buf.subarray(nl + 2);
    return line;
  }

  #verifyChunk(): void {
    if (!this.signing) return;
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', this.signing.amzDate, this.signing.scope, this.#prevSig, EMPTY_SHA256, this.#chunkHash.digest('hex')].join('\n');
    const expected = hmac(this.signing.key, sts).toString('hex');
    if (!timingSafeEqualString(expected, this.#chunkSig)) throw s3Error('SignatureDoesNotMatch', { message: 'The chunk signature does not match.' });
    this.#prevSig = this.#chunkSig;
  }

  #finishTrailer(): void {
    const sig = this.trailers['x-amz-trailer-signature'];
    delete this.trailers['x-amz-trailer-signature'];
    if (!this.signing) return;
    if (!sig) throw s3Error('SignatureDoesNotMatch', { message: 'missing trailer signature' });
    const canonical = Object.entries(this.trailers).map(([k, v]) => `${k}:${v}\n`).join('');
    const sts = ['AWS4-HMAC-SHA256-TRAILER', this.signing.amzDate, this.signing.scope, this.#prevSig, sha256hex(canonical)].join('\n');
    if (!timingSafeEqualString(hmac(this.signing.key, sts).toString('hex'), sig)) throw s3Error('SignatureDoesNotMatch', { message: 'The trailer signature does not match.' });
  }
}
