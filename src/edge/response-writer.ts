/** Writes status, headers and body; a stream that fails mid-body destroys the socket so the client sees a short body. */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeStreams } from '../common/pipe-streams.js';
import type { S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';

/**
 * Writes the response. With `hold`, a response without a body stream is sent whole (it carries its
 * Content-Length, so the client can read it) but the message is ended only when `hold` resolves.
 */
export async function writeResponse(res: ServerResponse, response: S3Response, ctx: RequestContext, isHead: boolean, hold?: () => Promise<void>): Promise<void> {
  res.statusCode = response.status;
  res.setHeader('x-amz-request-id', ctx.requestId);
  res.setHeader('x-amz-id-2', ctx.hostId);
  res.setHeader('server', 'Strongroom');
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value as string | number | string[]);
  const body = response.body;
  if (body instanceof Readable) {
    if (isHead) {
      body.destroy();
      res.end();
      return;
    }
    try {
      await pipeStreams(body, res);
    } catch {
      // INVARIANT 4: never let a failed body look complete — drop the connection.
      res.destroy();
    }
    return;
  }
  // HEAD, 204 and 304 carry no body (a HEAD keeps the Content-Length the operation set).
  if (body === undefined || isHead || response.status === 304 || response.status === 204) {
    if (hold) {
      if (body === undefined && !isHead && response.status !== 304 && response.status !== 204) res.setHeader('content-length', 0);
      res.flushHeaders();
      await hold();
    }
    res.end();
    return;
  }
  res.setHeader('content-length', Buffer.byteLength(body));
  if (hold) {
    res.write(body);
    await hold();
    res.end();
    return;
  }
  res.end(body);
}
