/** The shared read path: an object's parts → ranged, authenticated plaintext; the first package is proven before any header is sent. */
import { Readable } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import type { ObjectRecord, PartRecord } from '../stores/meta-store.js';
import type { S3Context } from './s3-request.js';

/** Inclusive plaintext byte range. */
export interface ByteRange { readonly start: number; readonly end: number }

/**
 * Opens plaintext bytes [range.start..range.end] of an object, walking its parts (each its own blob and
 * data key) and decrypting only the packages the range touches. The first chunk is decrypted before this
 * resolves, so a missing blob or a failed package surfaces as InternalError before headers (INVARIANT 4);
 * a failure later destroys the stream, and the edge drops the connection.
 */
export async function openObjectStream(ctx: S3Context, object: ObjectRecord, range: ByteRange | undefined): Promise<Readable> {
  if (object.size === 0) return Readable.from([]);
  const r = range ?? { start: 0, end: object.size - 1 };
  const iterator = plaintextChunks(ctx, object, r)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (err) {
    ctx.log('object read failed before headers', { bucket: object.bucket, key: object.key, error: err instanceof Error ? err.message : String(err) });
    throw s3Error('InternalError');
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.done) return;
    yield first.value;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } catch (err) {
      ctx.log('object read failed mid-stream; connection dropped', { bucket: object.bucket, key: object.key, error: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      // A client that went away ends this generator early: close the inner one too, so the part's blob
      // stream (and its file handle) is destroyed now rather than by the garbage collector (DEP0137).
      await iterator.return?.(undefined);
    }
  }
  return Readable.from(rest(), { objectMode: false });
}

async function* plaintextChunks(ctx: S3Context, object: ObjectRecord, range: ByteRange): AsyncGenerator<Buffer> {
  let offset = 0;
  for (const part of object.parts) {
    const partStart = offset;
    const partEnd = offset + part.size - 1;
    offset += part.size;
    if (part.size === 0 || partEnd < range.start || partStart > range.end) continue;
    const local = { start: Math.max(range.start, partStart) - partStart, end: Math.min(range.end, partEnd) - partStart };
    yield* partChunks(ctx, object, part, local);
  }
}

async function* partChunks(ctx: S3Context, object: ObjectRecord, part: PartRecord, local: ByteRange): AsyncGenerator<Buffer> {
  const binding = { bucket: object.bucket, key: object.key, writeId: part.writeId, partNumber: part.partNumber };
  const session = await ctx.envelope.openRead(part.sealedKey, binding, part.size, local);
  const blob = part.inline
    ? Readable.from([part.inline.subarray(session.cipherStart, session.cipherEnd + 1)])
    : await ctx.blobs.read(part.blobId, { start: session.cipherStart, end: session.cipherEnd });
  blob.on('error', (err) => session.decrypt.destroy(err));
  blob.pipe(session.decrypt);
  try {
    for await (const chunk of session.decrypt) yield chunk as Buffer;
  } finally {
    blob.destroy();
  }
}

/**
 * The plaintext range of the n-th part (1-based, as clients count up to x-amz-mp-parts-count) of an
 * object, for GET ?partNumber=; a single-part object has exactly part 1.
 */
export function partRange(object: ObjectRecord, n: number): ByteRange | undefined {
  let offset = 0;
  for (const [i, part] of object.parts.entries()) {
    if (i + 1 === n) return { start: offset, end: offset + part.size - 1 };
    offset += part.size;
  }
  return undefined;
}
