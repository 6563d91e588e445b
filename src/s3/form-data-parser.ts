/** Streaming multipart/form-data for POST Object: the text fields before `file` are read (bounded), the file streams through (size-bounded). */
import { Readable } from 'node:stream';
import { s3Error } from '../common/api-error.js';

/** "The form data and boundaries (excluding the contents of the file) cannot exceed 20 KB" (AWS, HTML forms). */
const MAX_PRE_FILE_BYTES = 20 * 1024;
/**
 * DEVIATION: S3 documents no field count; a cap keeps a form of thousands of empty `x-ignore-*` fields
 * (which no policy condition has to cover) from costing more than a real form. Real forms use a few dozen.
 */
export const MAX_FORM_FIELDS = 100;
/** One part's header section (Content-Disposition, Content-Type): ample for a 1,024-byte file name. */
export const MAX_PART_HEADER_BYTES = 4 * 1024;

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export interface ParsedForm {
  /** Lower-cased field name → value, fields before `file` only (S3 ignores those after it). */
  readonly fields: Map<string, string>;
  /** The file name the client gave, as sent (may hold a path). */
  readonly filename: string;
  readonly fileContentType: string | undefined;
  /**
   * The file's bytes, ending at the closing boundary (failing if it never comes). With `range`, the stream
   * fails with EntityTooLarge at the first chunk past the maximum and with EntityTooSmall at its end when
   * short of the minimum, so an oversized upload is refused while it streams, not after it was stored.
   */
  file(range?: readonly [number, number]): Readable;
  /** Lets go of the request body without destroying it, so the edge can still drain it and answer. */
  release(): void;
}

export function formBoundary(contentType: string | undefined): string {
  const m = contentType && /^multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw s3Error('MalformedPOSTRequest');
  return (m[1] ?? m[2])!;
}

const tooMuchBeforeFile = () => s3Error('MaxPostPreDataLengthExceeded');

class Reader {
  #buf: Buffer;
  #consumed = -CRLF.length;
  readonly #it: AsyncIterator<Buffer>;
  constructor(body: Readable) {
    // A leading CRLF lets the first boundary match the same delimiter as the others (not counted as consumed).
    this.#buf = Buffer.from(CRLF);
    // Not destroyed on return: after an early refusal the edge still reads the rest to deliver its answer.
    this.#it = body.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
  }
  get buffer(): Buffer { return this.#buf; }
  /** Body bytes consumed so far. */
  get consumed(): number { return this.#consumed; }
  consume(n: number): Buffer {
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    this.#consumed += out.length;
    return out;
  }
  async more(): Promise<boolean> {
    const r = await this.#it.next();
    if (r.done) return false;
    this.#buf = this.#buf.length === 0 ? r.value : Buffer.concat([this.#buf, r.value]);
    return true;
  }
  /** Reads until `needle`, returning what precedes it; `tooLong` when it is not found within `limit` bytes. */
  async until(needle: Buffer, limit: number, tooLong: () => Error): Promise<Buffer> {
    for (;;) {
      const i = this.#buf.indexOf(needle);
      if (i >= 0) {
        if (i > limit) throw tooLong();
        const out = this.consume(i);
        this.consume(needle.length);
        return out;
      }
      if (this.#buf.length > limit + needle.length) throw tooLong();
      if (!(await this.more())) throw s3Error('MalformedPOSTRequest');
    }
  }
  release(): void {
    void this.#it.return?.();
  }
}

/**
 * Parses up to the file part. Everything before the file's content is bounded: 20 KiB in all,
 * `MAX_FORM_FIELDS` fields, `MAX_PART_HEADER_BYTES` per part header section (MaxPostPreDataLengthExceeded).
 * `contentLength` (the request's, when known) gives the file's proposed size for EntityTooLarge.
 */
export async function parseForm(body: Readable, boundary: string, contentLength: number | undefined): Promise<ParsedForm> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const reader = new Reader(body);
  try {
    const fields = new Map<string, string>();
    const left = () => MAX_PRE_FILE_BYTES - reader.consumed;
    await reader.until(delimiter, left(), tooMuchBeforeFile);
    for (;;) {
      const after = await reader.until(CRLF, left(), tooMuchBeforeFile);
      if (after.toString() === '--') throw s3Error('InvalidArgument', { message: 'POST requires exactly one file upload per request.', details: { ArgumentName: 'file', ArgumentValue: '0' } });
      const head = (await reader.until(HEADER_END, Math.min(left(), MAX_PART_HEADER_BYTES), tooMuchBeforeFile)).toString('utf8');
      const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      if (name === undefined) throw s3Error('MalformedPOSTRequest');
      if (name.toLowerCase() === 'file') {
        const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? '';
        const fileContentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
        // What the Content-Length leaves for the file when it is the last part, as browsers send it.
        const proposed = contentLength === undefined ? undefined : contentLength - reader.consumed - delimiter.length - '--\r\n'.length;
        return {
          fields, filename, fileContentType,
          file: (range) => Readable.from(fileChunks(reader, delimiter, range, proposed)),
          release: () => reader.release(),
        };
      }
      if (fields.size >= MAX_FORM_FIELDS) throw tooMuchBeforeFile();
      const value = await reader.until(delimiter, left(), tooMuchBeforeFile);
      fields.set(name.toLowerCase(), value.toString('utf8'));
    }
  } catch (err) {
    reader.release();
    throw err;
  }
}

/** The file's bytes: everything up to the next delimiter, streamed, holding back only a delimiter's length. */
async function* fileChunks(reader: Reader, delimiter: Buffer, range: readonly [number, number] | undefined, proposed: number | undefined): AsyncGenerator<Buffer> {
  const max = range?.[1] ?? Infinity;
  let size = 0;
  // Counted per chunk, so the refusal comes at the first chunk that crosses the maximum.
  const emit = (chunk: Buffer): Buffer => {
    size += chunk.length;
    if (size > max) {
      throw s3Error('EntityTooLarge', { details: { ProposedSize: Math.max(size, proposed ?? 0), MaxSizeAllowed: max } });
    }
    return chunk;
  };
  for (;;) {
    const buf = reader.buffer;
    const i = buf.indexOf(delimiter);
    if (i >= 0) {
      if (i > 0) yield emit(reader.consume(i));
      break;
    }
    const safe = buf.length - delimiter.length + 1;
    if (safe > 0) yield emit(reader.consume(safe));
    if (!(await reader.more())) throw s3Error('MalformedPOSTRequest', { message: 'The body of your POST request ended before the file was complete.' });
  }
  if (range && size < range[0]) throw s3Error('EntityTooSmall', { details: { ProposedSize: size, MinSizeAllowed: range[0] } });
}
