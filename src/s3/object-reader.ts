/** The shared read path: pin an object's blobs, check its layout, then ranged, authenticated plaintext; the first package is proven before any header is sent. */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { kmsError, s3Error, type ApiError } from '../common/api-error.js';
import { BufferPool } from '../common/buffer-pool.js';
import type { BlobReader } from '../stores/blob-store.js';
import type { ObjectRecord, PartRecord } from '../stores/meta-store.js';
import type { PackageOpener, ReadKeys } from '../sse/envelope.js';
import { isKmsError } from './sse-kms-requests.js';
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
export async function pinObject(ctx: S3Context, bucket: string, key: string, versionId?: string): Promise<PinnedObject | undefined> {
  const load = () => (versionId === undefined ? ctx.meta.getObject(bucket, key) : ctx.meta.getVersion(bucket, key, versionId));
  let object = await load();
  for (let attempt = 0; object !== undefined; attempt++) {
    const ids = blobIdsOf(object);
    if (ids.length === 0) return { object, release: () => undefined };
    const release = ctx.blobs.lease(ids);
    const again = await load();
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
 * Packages per batch read: the first batch stays at 4 (256 KiB, what a read used to be) so a GET proves
 * its first package with one small read; later batches are 8 (~512 KiB), read into a buffer reused for
 * the whole response: no per-read allocation, no concatenation, two thread-pool round trips per MiB.
 */
const FIRST_BATCH_PACKAGES = 4;
const BATCH_PACKAGES = 8;
/**
 * Plaintext the body stream holds before it waits for the socket. Per-connection bound on the GET path:
 * two ciphertext batch buffers (2 × 516 KiB; the second only while <= 4 GETs run), the plaintext the
 * body holds while paused (it stops once this is reached, and a batch is pushed whole: one batch,
 * 512 KiB) and what the socket holds (edge/response-writer.ts writes what the body had ready in one
 * turn: one batch, 512 KiB, plus the headers): < 2.1 MiB, 1.6 MiB while more than 4 GETs run.
 */
const BODY_HIGH_WATER = 256 * 1024;

/**
 * Opens plaintext bytes [range.start..range.end] of an object, walking its parts (each its own blob and
 * data key) and decrypting only the packages the range touches. The object's layout (part list, sizes,
 * count) is checked against its manifest first (INVARIANT 9), and the first batch is decrypted before this
 * resolves, so a changed layout, a missing blob or a failed package surfaces as InternalError before
 * headers (INVARIANT 4); a failure later destroys the stream, and the edge drops the connection.
 * A whole read also opens every zero-length part and checks its key and its empty final package.
 * `release` (a lease from pinObject) is called when the stream closes or the open fails. `keys` opens the
 * data keys of SSE-C (the customer key, already checked against the object) and SSE-KMS (the caller) objects.
 */
export async function openObjectStream(ctx: S3Context, object: ObjectRecord, range: ByteRange | undefined, release: () => void = () => undefined, keys: ReadKeys = {}): Promise<Readable> {
  const whole = range === undefined;
  const r = range ?? { start: 0, end: object.size - 1 };
  const body = new ObjectBody(ctx, object, r, whole, keys);
  try {
    // Synchronous unless the manifest names a master-key version another process added since this one loaded.
    const checking = ctx.envelope.checkLayout(object);
    if (checking) await checking;
    await body.start();
  } catch (err) {
    release();
    body.destroy();
    // A KMS key use that failed (disabled, pending deletion, deleted, denied) is the caller's answer, not a fault.
    if (isKmsError(err)) throw readKmsError(err);
    ctx.log('object read failed before headers', { bucket: object.bucket, key: object.key, error: err instanceof Error ? err.message : String(err) });
    throw s3Error('InternalError');
  }
  body.once('close', release);
  return body;
}

/**
 * Ciphertext batch buffers are reused across responses: a GET then allocates no buffer of its own beyond
 * the decipher's output. A batch of 8 packages (and the header) fits one; at most 16 spares (8 MiB).
 */
const batchBuffers = new BufferPool(512 * 1024 + 4096, 16);

/**
 * Plaintext slabs: one batch (8 packages, 512 KiB) each, reused once the socket has sent them. In steady
 * state the GETs in flight cycle through the same slabs (~3 per response: one queued in the body, one or
 * two in the socket); at most 16 spares (8 MiB) stay between bursts.
 */
const plainSlabs = new BufferPool(BATCH_PACKAGES * 64 * 1024, 16);
/**
 * Only large bodies while more than READ_AHEAD_MAX_BODIES GETs stream are copied into slabs: there the
 * pieces wait in sockets long enough to be promoted. A lone GET (no full GCs since the paced scavenges)
 * or a 1 MiB one would pay the copy (~7 % more CPU per GET, measured) for nothing.
 */
const POOLED_FROM_BYTES = 8 * 1024 * 1024;
/** Pieces pushed from a pooled slab, to the slab they came from: only these go back to the pool. */
const lentSlabs = new WeakMap<Buffer, Buffer>();

/**
 * Read-ahead pays when few GETs run (the thread pool reads while this thread decrypts); with many, the
 * responses already overlap one another and a second buffer each only costs memory and cache.
 */
const READ_AHEAD_MAX_BODIES = 4;
let activeBodies = 0;

/** A part being read: its opener (which owns the data key) and where its ciphertext comes from. */
interface OpenPart {
  readonly opener: PackageOpener;
  readonly reader: BlobReader | undefined;
  readonly inline: Buffer | undefined;
  position: number;
  /** One past the last ciphertext byte the range needs: reads never go beyond it. */
  readonly end: number;
  /** Bytes of the part's largest batch (sizes its buffers). */
  readonly full: number;
}

/**
 * The response body: reads whole-package batches of each part into one reused buffer, opens them and
 * pushes the plaintext pieces; one stream between the file and the socket, backpressure through push().
 */
class ObjectBody extends Readable {
  readonly #parts: readonly PartRecord[];
  #next = 0;
  #offset = 0;
  #current: OpenPart | undefined;
  /** Two ciphertext buffers: the batch being opened and the one being read ahead. */
  readonly #buffers: Array<Buffer | undefined> = [undefined, undefined];
  #ahead: { position: number; length: number; slot: number; done: Promise<number> } | undefined;
  #batchPackages = FIRST_BATCH_PACKAGES;
  #pumping = false;

  constructor(private readonly ctx: S3Context, private readonly object: ObjectRecord, private readonly range: ByteRange, private readonly whole: boolean, private readonly keys: ReadKeys) {
    super({ highWaterMark: BODY_HIGH_WATER });
    this.#parts = object.parts;
    activeBodies++;
    this.once('close', () => { activeBodies--; });
  }

  /** Reads and opens the first batch (proving its packages) before the caller sends headers. */
  async start(): Promise<void> {
    this.#pumping = true;
    try {
      await this.#step();
    } finally {
      this.#pumping = false;
    }
  }

  override _read(): void {
    if (!this.#pumping) void this.#pump();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    const part = this.#current;
    this.#current = undefined;
    part?.opener.wipe();
    const buffers = this.#buffers.splice(0, 2, undefined, undefined);
    this.#ahead = undefined;
    // An aborted GET closes its file at once; close() waits for a read in flight (a read-ahead too), so
    // only then are the batch buffers free to be reused by another response.
    const done = () => { for (const b of buffers) if (b) batchBuffers.give(b); cb(err); };
    if (part?.reader) part.reader.close().then(done, done);
    else done();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (!this.destroyed) {
        if (!(await this.#step())) break;
      }
    } catch (err) {
      this.ctx.log('object read failed mid-stream; connection dropped', { bucket: this.object.bucket, key: this.object.key, error: err instanceof Error ? err.message : String(err) });
      this.destroy(err as Error);
    } finally {
      this.#pumping = false;
    }
  }

  /** Opens one batch and pushes its plaintext; false when the consumer is full or the body ended. */
  async #step(): Promise<boolean> {
    const part = this.#current ?? (await this.#openNextPart());
    if (part === undefined) {
      this.push(null);
      return false;
    }
    if (this.destroyed) return false;
    const length = part.opener.nextBatchLength(this.#batchPackages);
    this.#batchPackages = BATCH_PACKAGES;
    let sealed: Buffer;
    if (part.inline) {
      sealed = part.inline.subarray(part.position, part.position + length);
    } else {
      sealed = await this.#readBatch(part, length);
      if (this.destroyed) return false;
    }
    part.position += sealed.length;
    const plain = part.opener.open(sealed);
    if (part.opener.done) await this.#closePart();
    else if (sealed.length < length) part.opener.finish();
    if (activeBodies > READ_AHEAD_MAX_BODIES && this.range.end - this.range.start >= POOLED_FROM_BYTES) return this.#pushJoined(plain);
    let more = true;
    for (const piece of plain) more = this.push(piece);
    return more;
  }

  /**
   * Pushes a batch's plaintext as one piece copied into a pooled slab (large bodies, many GETs): the decipher's fresh buffer per
   * package dies at once (young, freed by the next paced scavenge) instead of living until the socket
   * has sent it, which at 16 concurrent GETs let scavenges promote them to the old generation and cost
   * full GCs (docs/PERFORMANCE.md, "Issue 9, sixth pass"). The slab returns to the pool through
   * `recycle()` when the response writer's socket write of it completed; a slab never recycled (an
   * aborted response) is simply left to the GC.
   */
  #pushJoined(plain: readonly Buffer[]): boolean {
    let bytes = 0;
    for (const piece of plain) bytes += piece.length;
    if (bytes === 0) return true;
    const slab = plainSlabs.take(bytes);
    let at = 0;
    for (const piece of plain) at += piece.copy(slab, at);
    const joined = slab.length === bytes ? slab : slab.subarray(0, bytes);
    if (slab.length === plainSlabs.size) lentSlabs.set(joined, slab);
    return this.push(joined);
  }

  /** The response writer hands back each pushed piece once the socket has written it (edge/response-writer.ts). */
  recycle(piece: Buffer): void {
    const slab = lentSlabs.get(piece);
    if (slab === undefined) return;
    lentSlabs.delete(piece);
    plainSlabs.give(slab);
  }

  /**
   * The batch at the part's position: taken from the read-ahead when it is the one in flight, else read
   * now. Then the next batch of the part (never past the range's last package) is started into the other
   * buffer, so the thread pool reads it while this one is opened and sent.
   */
  async #readBatch(part: OpenPart, length: number): Promise<Buffer> {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    let slot: number;
    let got: number;
    if (ahead && ahead.position === part.position && ahead.length === length) {
      slot = ahead.slot;
      got = await ahead.done;
    } else {
      if (ahead) await ahead.done.catch(() => 0);
      slot = 0;
      got = await part.reader!.read(this.#buffer(slot, Math.max(length, part.full)), length, part.position);
    }
    const batch = this.#buffers[slot]!.subarray(0, got);
    const next = part.position + got;
    const nextLength = Math.min(part.opener.fullBatchLength(BATCH_PACKAGES), part.end - next);
    if (got === length && nextLength > 0 && !this.destroyed && activeBodies <= READ_AHEAD_MAX_BODIES) {
      const other = 1 - slot;
      const done = part.reader!.read(this.#buffer(other, Math.max(nextLength, part.full)), nextLength, next);
      // Its failure is seen by the step that takes it; until then it must not count as unhandled.
      done.catch(() => undefined);
      this.#ahead = { position: next, length: nextLength, slot: other, done };
    }
    return batch;
  }

  #buffer(slot: number, size: number): Buffer {
    const have = this.#buffers[slot];
    if (have !== undefined && have.length >= size) return have;
    if (have) batchBuffers.give(have);
    const fresh = batchBuffers.take(size);
    this.#buffers[slot] = fresh;
    return fresh;
  }

  async #openNextPart(): Promise<OpenPart | undefined> {
    while (this.#next < this.#parts.length) {
      const part = this.#parts[this.#next++]!;
      const partStart = this.#offset;
      const partEnd = this.#offset + part.size - 1;
      this.#offset += part.size;
      if (part.size === 0) {
        if (this.whole) await verifyEmptyPart(this.ctx, this.object, part, this.keys);
        continue;
      }
      if (partEnd < this.range.start || partStart > this.range.end) continue;
      const local = { start: Math.max(this.range.start, partStart) - partStart, end: Math.min(this.range.end, partEnd) - partStart };
      const binding = { bucket: this.object.bucket, key: this.object.key, writeId: part.writeId, partNumber: part.partNumber };
      const session = await this.ctx.envelope.openPackages(part.sealedKey, binding, part.size, local, this.keys);
      let reader: BlobReader | undefined;
      try {
        if (!part.inline) reader = await this.ctx.blobs.openReader(part.blobId);
      } catch (err) {
        session.opener.wipe();
        throw err;
      }
      if (this.destroyed) {
        session.opener.wipe();
        await reader?.close();
        return undefined;
      }
      this.#current = {
        opener: session.opener, reader, inline: part.inline, position: session.cipherStart,
        end: session.cipherEnd + 1, full: session.opener.nextBatchLength(BATCH_PACKAGES),
      };
      return this.#current;
    }
    return undefined;
  }

  async #closePart(): Promise<void> {
    const part = this.#current;
    this.#current = undefined;
    await part?.reader?.close();
  }
}

/** A zero-length part still has a data key and one empty final package: open both, as scrub does. */
async function verifyEmptyPart(ctx: S3Context, object: ObjectRecord, part: PartRecord, keys: ReadKeys): Promise<void> {
  const binding = { bucket: object.bucket, key: object.key, writeId: part.writeId, partNumber: part.partNumber };
  const decrypt = await ctx.envelope.openWholeBlob(part.sealedKey, binding, 0, keys);
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

/** A read whose KMS key no longer exists says so plainly: the object is crypto-shredded, not missing or damaged. */
function readKmsError(err: ApiError): ApiError {
  if (err.code !== 'NotFoundException') return err;
  return kmsError('NotFoundException', { message: `${err.message}. The KMS key that protects this object's data key was deleted, so the object can no longer be decrypted.` });
}
