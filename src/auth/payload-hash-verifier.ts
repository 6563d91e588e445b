/** Passes a signed payload through and fails at its end when the SHA-256 is not the one signed (XAmzContentSHA256Mismatch). */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import { timingSafeEqualString } from '../common/timing-safe.js';

/** Passes the body through and fails at the end when its SHA-256 is not the signed one. */
export class PayloadHashVerifier extends Transform {
  readonly #hash = createHash('sha256');
  constructor(private readonly expected: string) { super(); }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void { this.#hash.update(chunk); cb(null, chunk); }
  override _flush(cb: TransformCallback): void {
    const actual = this.#hash.digest('hex');
    if (!timingSafeEqualString(actual, this.expected)) cb(s3Error('XAmzContentSHA256Mismatch', { details: { ClientComputedContentSHA256: this.expected, S3ComputedContentSHA256: actual } }));
    else cb();
  }
}
