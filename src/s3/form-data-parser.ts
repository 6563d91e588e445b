/** Streaming multipart/form-data for POST Object: the text fields before `file` are read (bounded), the file streams through. */
import { Readable } from 'node:stream';
import { s3Error } from '../common/api-error.js';

/** S3 bounds the form fields that precede the file. */
const MAX_FIELDS_BYTES = 20 * 1024;

export interface ParsedForm {
  /** Lower-cased field name → value, fields before `file` only (S3 ignores those after it). */
  readonly fields: Map<string, string>;
  readonly file: Readable;
  readonly filename: string;
  readonly fileContentType: string | undefined;
}

export function formBoundary(contentType: string | undefined): string {
  const m = contentType && /^multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw s3Error('MalformedPOSTRequest');
  return (m[1] ?? m[2])!;
}

class Reader {
  #buf: Buffer;
  readonly #it: AsyncIterator<Buffer>;
  constructor(body: Readable) {
    // A leading CRLF lets the first boundary match the same delimiter as the others.
    this.#buf = Buffer.from('\r\n');
    this.#it = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }
  get buffer(): Buffer { return this.#buf; }
  consume(n: number): Buffer {
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
  async more(): Promise<boolean> {
    const r = await this.#it.next();
    if (r.done) return false;
    this.#buf = this.#buf.length === 0 ? r.value : Buffer.concat([this.#buf, r.value]);
    return true;
  }
  /** Reads until `needle`, returning what precedes it (bounded by `limit`). */
  async until(needle: Buffer, limit: number): Promise<Buffer> {
    for (;;) {
      const i = this.#buf.indexOf(needle);
      if (i >= 0) {
        const out = this.consume(i);
        this.consume(needle.length);
        return out;
      }
      if (this.#buf.length > limit) throw s3Error('MaxPostPreDataLengthExceeded');
      if (!(await this.more())) throw s3Error('MalformedPOSTRequest');
    }
  }
}

/** Parses up to the file part; the returned `file` stream ends at the closing boundary (and fails if it never comes). */
export async function parseForm(body: Readable, boundary: string): Promise<ParsedForm> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const reader = new Reader(body);
  const fields = new Map<string, string>();
  let budget = MAX_FIELDS_BYTES;
  await reader.until(delimiter, MAX_FIELDS_BYTES);
  for (;;) {
    const after = await reader.until(Buffer.from('\r\n'), budget);
    if (after.toString() === '--') throw s3Error('InvalidArgument', { message: 'POST requires exactly one file upload per request.', details: { ArgumentName: 'file', ArgumentValue: '0' } });
    const head = (await reader.until(Buffer.from('\r\n\r\n'), budget)).toString('utf8');
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw s3Error('MalformedPOSTRequest');
    if (name.toLowerCase() === 'file') {
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? '';
      const fileContentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim();
      return { fields, file: Readable.from(fileChunks(reader, delimiter)), filename, fileContentType };
    }
    const value = await reader.until(delimiter, budget);
    budget -= name.length + value.length + head.length;
    if (budget < 0) throw s3Error('MaxPostPreDataLengthExceeded');
    fields.set(name.toLowerCase(), value.toString('utf8'));
  }
}

/** The file's bytes: everything up to the next delimiter, streamed, holding back only a delimiter's length. */
async function* fileChunks(reader: Reader, delimiter: Buffer): AsyncGenerator<Buffer> {
  for (;;) {
    const buf = reader.buffer;
    const i = buf.indexOf(delimiter);
    if (i >= 0) {
      if (i > 0) yield reader.consume(i);
      return;
    }
    const safe = buf.length - delimiter.length + 1;
    if (safe > 0) yield reader.consume(safe);
    if (!(await reader.more())) throw s3Error('MalformedPOSTRequest', { message: 'The body of your POST request ended before the file was complete.' });
  }
}
