/** The shared read path: pin an object's blobs, check its layout, then ranged, authenticated plaintext; the first package is proven before any header is sent. */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { s3Error } from '../common/api-error.js';
import type { ObjectRecord, PartRecord } from '../stores/meta-store.js';
import type { S3Context } from './s3-request.js';

/** Inclusive plaintext byte range. */
export interface ByteRange { readonly start: number; readonly end: number }

/** An object record whose blobs are leased: they outlive any overwrite or delete until `release()`. */
export interface PinnedObject { readonly object: ObjectRecord; readonly release: () => void }

/** Retries when the object changes between reading its row and leasing its blobs; each retry means a write committed. */
const PIN_ATTEMPTS = 8;

/**
 * Loads an object and leases its blobs so that a read which starts finishes on this version even when
 * the object is overwritten or deleted meanwhile (DESIGN.md, "A read finishes on the version it started").
 * The row is read again after the lease is taken: if it is unchanged, any later release of these blobs
 * happens after the lease and waits for it; if it changed, the blobs may already be gone, so it retries.
 */
export async function pinObject(ctx: S3Context, bucket: string, key: string): Promise<PinnedObject | undefined> {
  let object = await ctx.meta.getObject(bucket, key);
  for (let attempt = 0; object !== undefined; attempt++) {
    const ids = blobIdsOf(object);
    if (ids.length === 0) return { object, release: () => undefined };
    const release = ctx.blobs.lease(ids);
    const again = await ctx.meta.getObject(bucket, key);
    if (again !== undefined && again.writeId === object.writeId && blobIdsOf(again).join() === ids.join()) return { object: again, release };
    release();
    if (attempt + 1 >= PIN_ATTEMPTS) throw new Error(`object ${bucket}/${key} changed ${PIN_ATTEMPTS} times while being opened`);
    object = again;
  }
  return undefined;
}

function blobIdsOf(object: ObjectRecord): string[] {
  return object.parts.map((p) => p.blobId).filter((id) => id !== '');
}

/**
 * Opens plaintext bytes [range.start..range.end] of an object, walking its parts (each its own blob and
 * data key) and decrypting only the packages the range touches. The object's layout (part list, sizes,
 * count) is checked against its manifest first (INVARIANT 9), and the first chunk is decrypted before this
 * resolves, so a changed layout, a missing blob or a failed package surfaces as InternalError before
 * headers (INVARIANT 4); a failure later destroys the stream, and the edge drops the connection.
 * A whole read also opens every zero-length part and checks its key and its empty final package.
 * `release` (a lease from pinObject) is called when the stream closes or the open fails.
 */
export async function openObjectStream(ctx: S3Context, object: ObjectRecord, range: ByteRange | undefined, release: () => void = () => undefined): Promise<Readable> {
  const whole = range === undefined;
  const r = range ?? { start: 0, end: object.size - 1 };
  const iterator = plaintextChunks(ctx, object, r, whole)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    ctx.envelope.checkLayout(object);
    first = await iterator.next();
  } catch (err) {
    release();
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
  const stream = Readable.from(rest(), { objectMode: false });
  stream.once('close', release);
  return stream;
}

async function* plaintextChunks(ctx: S3Context, object: ObjectRecord, range: ByteRange, whole: boolean): AsyncGenerator<Buffer> {
  let offset = 0;
  for (const part of object.parts) {
    const partStart = offset;
    const partEnd = offset + part.size - 1;
    offset += part.size;
    if (part.size === 0) {
      if (whole) await verifyEmptyPart(ctx, object, part);
      continue;
    }
    if (partEnd < range.start || partStart > range.end) continue;
    const local = { start: Math.max(range.start, partStart) - partStart, end: Math.min(range.end, partEnd) - partStart };
    yield* partChunks(ctx, object, part, local);
  }
}

async function* partChunks(ctx: S3Context, object: ObjectRecord, part: PartRecord, local: ByteRange): AsyncGenerator<Buffer> {
  const binding = { bucket: object.bucket, key: object.key, writeId: part.writeId, partNumber: part.partNumber };
  const session = await ctx.envelope.openRead(part.sealedKey, binding, part.size, local);
  let blob: Readable;
  try {
    blob = part.inline
      ? Readable.from([part.inline.subarray(session.cipherStart, session.cipherEnd + 1)])
      : await ctx.blobs.read(part.blobId, { start: session.cipherStart, end: session.cipherEnd });
  } catch (err) {
    // The decrypt stream holds the unsealed data key: destroying it wipes the key.
    session.decrypt.destroy();
    throw err;
  }
  blob.on('error', (err) => session.decrypt.destroy(err));
  blob.pipe(session.decrypt);
  try {
    for await (const chunk of session.decrypt) yield chunk as Buffer;
  } finally {
    blob.destroy();
  }
}

/** A zero-length part still has a data key and one empty final package: open both, as scrub does. */
async function verifyEmptyPart(ctx: S3Context, object: ObjectRecord, part: PartRecord): Promise<void> {
  const binding = { bucket: object.bucket, key: object.key, writeId: part.writeId, partNumber: part.partNumber };
  const decrypt = await ctx.envelope.openWholeBlob(part.sealedKey, binding, 0);
  const blob = part.inline ? Readable.from([part.inline]) : await ctx.blobs.read(part.blobId);
  await pipeline(blob, decrypt, new Writable({ write(_chunk, _e, cb) { cb(new Error('a zero-length part produced plaintext')); } }));
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
