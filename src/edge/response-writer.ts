/** Writes status, headers and body; a stream that fails mid-body destroys the socket so the client sees a short body. */
import type { ServerResponse } from 'node:http';
import { finished, Readable } from 'node:stream';
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
      await sendBody(body, res);
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

/**
 * Streams `body` into `res`; resolves when the body has ended and the response finished, and on the
 * first error or premature close of either destroys the other and rejects (what `pipeline` does).
 * Why not `pipe`: it pauses the body after every write the socket does not take whole, and a 64 KiB
 * piece never fits the socket's 16 KiB high-water mark, so each piece waited for its own 'drain'
 * (16 write calls and drain round trips per MiB). Here every piece the body has ready in one turn is
 * written in that turn — Node corks the socket for the turn, so they leave as one writev — and the
 * body is paused only at the turn's end, if the socket still has to drain. The socket then holds at
 * most what the body had buffered (its high-water mark plus one batch).
 */
function sendBody(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    let pending = 2;
    let bodyDone = false;
    let resDone = false;
    let checkQueued = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      if (!bodyDone) body.destroy(error);
      if (!resDone) res.destroy(error);
      reject(error);
    };
    const settle = () => { if (--pending === 0 && !failed) resolve(); };
    const resume = () => { body.resume(); };
    const check = () => {
      checkQueued = false;
      if (!res.writableNeedDrain || failed) return;
      body.pause();
      res.once('drain', resume);
    };
    // A body that pools its pieces (s3/object-reader.ts) gets each back once the socket has written it.
    const recycler = (body as Readable & { recycle?: (piece: Buffer) => void }).recycle;
    const written = recycler ? (piece: Buffer) => (err?: Error | null) => { if (!err) recycler.call(body, piece); } : undefined;
    body.on('data', (chunk: Buffer) => {
      if (!res.write(chunk, written?.(chunk)) && !checkQueued) {
        checkQueued = true;
        process.nextTick(check);
      }
    });
    body.once('end', () => { res.end(); });
    finished(body, { writable: false }, (err) => {
      if (err) return fail(err);
      bodyDone = true;
      settle();
    });
    finished(res, { readable: false }, (err) => {
      if (err) return fail(err);
      resDone = true;
      settle();
    });
  });
}
