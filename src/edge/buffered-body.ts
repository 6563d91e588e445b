/** The small request bodies of the non-S3 APIs (IAM/STS Query forms, KMS and CloudTrail JSON): read whole under a bound before authentication, hashed for SigV4, handed to auth/ as a stream again. */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { AuthInput } from '../auth/authenticate.js';

/** Reads `body` whole; more than `max` bytes throws `tooLarge(max)` (each API words it in its own error). */
export async function readBounded(body: Readable, max: number, tooLarge: (max: number) => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) throw tooLarge(max);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The AuthInput of a buffered body. The SDKs sign such a body's SHA-256 without sending it as
 * x-amz-content-sha256 (only S3 requires that header); auth/ takes the payload hash from the header, so
 * header-signed requests get it here, and auth/ still checks the hash against the bytes it is given.
 */
export function bufferedAuthInput(req: IncomingMessage, rawPath: string, rawQuery: string, raw: Buffer, secure: boolean): AuthInput {
  const headers = { ...req.headers };
  if (headers.authorization !== undefined && headers['x-amz-content-sha256'] === undefined) {
    headers['x-amz-content-sha256'] = createHash('sha256').update(raw).digest('hex');
  }
  return { method: req.method ?? '', rawPath, rawQuery, headers, body: Readable.from([raw]), secure };
}
