/** The request pipeline in one readable function: context → authenticate → route → authorize → operation → respond. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, s3Error } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { CredentialLookup } from '../common/principal.js';
import { authenticate } from '../auth/authenticate.js';
import { checkKeyLength, type S3Context, type S3Request, type S3Response } from '../s3/s3-request.js';
import { S3_OPERATIONS } from '../s3/s3-operations.js';
import { resolveBucketAndKey } from './bucket-addressing.js';
import { errorResponse } from './error-response.js';
import { CLIENT_ENDED_EARLY } from './http-server.js';
import { createRequestContext, type RequestContext } from './request-context.js';
import { writeResponse } from './response-writer.js';
import { matchS3Route, type S3Target } from './s3-route-table.js';

export interface PipelineDeps {
  readonly lookup: CredentialLookup;
  readonly clock: Clock;
  readonly region: string;
  readonly domain: string | undefined;
  readonly s3: S3Context;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
}

/** Node's own test for `100-continue` (the only expectation answered; case-insensitive, as a whole token). */
const EXPECT_CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async function handle(req, res) {
    const ctx = createRequestContext(req);
    const isHead = req.method === 'HEAD';
    let answering: Promise<void> | undefined;
    const answer = (response: S3Response, linger = true): Promise<void> => {
      answering ??= respond(req, res, response, ctx, isHead, linger);
      return answering;
    };
    // Answers for the client's fault while the operation still waits for the body; closing the connection
    // afterwards also fails the operation (its write path then removes what it had stored).
    let failedEarly = false;
    const failEarly = (error: ApiError, why: string) => {
      if (res.headersSent || answering) {
        res.destroy();
        return;
      }
      failedEarly = true;
      deps.log(why, { requestId: ctx.requestId, method: req.method, code: error.code });
      res.setHeader('connection', 'close');
      // No lingering: the client is sending nothing more (stalled, or half-closed).
      void answer(errorResponse(error, ctx, deps.log), false).finally(() => {
        // Once answered, Node no longer counts the request as in flight, so closing the socket would not
        // reach it: fail it directly so the operation still reading it stops (and cleans up).
        req.destroy();
        req.socket.destroy();
      });
    };
    // The socket moved no byte for the body-idle deadline (ConnectionGuard sets it).
    req.on('timeout', () => failEarly(s3Error('RequestTimeout'), 'request body stalled'));
    res.on(CLIENT_ENDED_EARLY, () => failEarly(s3Error('IncompleteBody'), 'client ended its body early'));
    // A reader that stopped reading our response: nothing more can be told to it.
    res.on('timeout', () => { if (res.headersSent && !failedEarly) res.destroy(); });
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? '' : url.slice(q + 1);
      const query = new URLSearchParams(rawQuery);
      const { bucket, key, virtualHosted } = resolveBucketAndKey(rawPath, req.headers.host, deps.domain);

      const verified = await authenticate(
        { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headers, body: req, secure: ctx.secure, hostBucket: virtualHosted ? bucket : undefined },
        { lookup: deps.lookup, clock: deps.clock, region: deps.region },
      );
      // The verifying body stream (aws-chunked decoder, payload hash check) may fail while nobody reads it:
      // an operation that refused the request early, or the lingering close discarding the rest. Its
      // consumers see its errors through their own listeners; without this one such an error kills the process.
      if (verified.body !== req) verified.body.on('error', () => {});
      if (verified.service !== 's3') throw s3Error('NotImplemented', { message: `The ${verified.service} service is not implemented.` });

      if (key !== undefined) checkKeyLength(key);
      const target: S3Target = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
      const match = matchS3Route(req.method ?? 'GET', target, query, (h) => req.headers[h] !== undefined);
      if (match.kind === 'not-implemented') {
        throw s3Error('NotImplemented', { message: `The ${match.subresource} subresource is not implemented.` });
      }
      if (match.kind === 'method-not-allowed') throw s3Error('MethodNotAllowed', { details: { Method: req.method ?? '', ResourceType: target.toUpperCase() } });

      // Authorization: until IAM users and bucket policies exist, every signed request is the account root;
      // anonymous requests are refused (S3's default for a bucket without a public policy).
      // PostObject authenticates through its form's policy signature, checked by the operation.
      if (verified.principal === undefined && match.route.operation !== 'PostObject') {
        // S3 tells anyone that a bucket does not exist (bucket names are global and public) before refusing access.
        if (bucket !== undefined && match.route.operation !== 'CreateBucket' && !(await deps.s3.meta.getBucket(bucket))) {
          throw s3Error('NoSuchBucket', { resource: `/${bucket}`, details: { BucketName: bucket } });
        }
        throw s3Error('AccessDenied');
      }

      const s3req: S3Request = {
        method: req.method ?? 'GET', bucket, key, query, headers: req.headers,
        body: verified.body, contentLength: verified.contentLength, trailers: verified.trailers,
        principal: verified.principal, requestId: ctx.requestId, secure: ctx.secure, sourceIp: ctx.sourceIp,
        origin: `${ctx.secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`,
      };
      const handler = S3_OPERATIONS[match.route.operation];
      if (!handler) throw s3Error('NotImplemented');
      // Only a request we mean to serve asks for its body (the server defers 100 Continue to here).
      if (EXPECT_CONTINUE.test(req.headers.expect ?? '') && !res.headersSent) res.writeContinue();
      const response = await handler(s3req, deps.s3);
      await answer(response);
    } catch (err) {
      if (answering) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (isDisconnect(err, req)) {
        // The client went away mid-request: nothing to answer, nothing wrong with the server.
        deps.log('client disconnected', { requestId: ctx.requestId, method: req.method, error: err instanceof Error ? (err as NodeJS.ErrnoException).code ?? err.message : String(err) });
        res.destroy();
        return;
      }
      await answer(errorResponse(err, ctx, deps.log));
    }
  };
}

/** The failures a vanished client causes on our side (its socket reset, or the body stream closed early). */
const DISCONNECT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function isDisconnect(err: unknown, req: IncomingMessage): boolean {
  if (err instanceof ApiError) return false;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return req.socket.destroyed || (code !== undefined && DISCONNECT_CODES.has(code)) || (err instanceof Error && err.message === 'aborted');
}

/**
 * Writes the response. When the request body is still arriving (we answer before reading it all), the
 * answer goes out at once with `Connection: close`; the rest of the body is then read and discarded for
 * a short while (lingering close) so the client reads our answer instead of a connection reset, and the
 * connection is closed.
 */
async function respond(req: IncomingMessage, res: ServerResponse, response: S3Response, ctx: RequestContext, isHead: boolean, linger: boolean): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  if (bodyPending(req)) {
    res.setHeader('connection', 'close');
    await writeResponse(res, response, ctx, isHead, linger ? () => lingerOnBody(req) : undefined);
    return;
  }
  await writeResponse(res, response, ctx, isHead);
}

function bodyPending(req: IncomingMessage): boolean {
  return !(req.complete || req.destroyed || req.readableEnded);
}

/**
 * Lingering close: read and discard at most LINGER_BYTES more of an unread body; past that stop reading
 * (the client's writes block) but keep the connection for the rest of LINGER_MS, so a fast sender has
 * time to read the answer before the close resets its connection.
 */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 1_000;

function lingerOnBody(req: IncomingMessage): Promise<void> {
  if (!bodyPending(req)) return Promise.resolve();
  // Discarded bytes go nowhere: not into a verifying stream the operation no longer reads.
  req.unpipe();
  let seen = 0;
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', done);
      req.off('error', done);
      req.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > LINGER_BYTES) {
        req.off('data', onData);
        req.pause();
      }
    };
    const timer = setTimeout(done, LINGER_MS);
    req.on('data', onData);
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
    req.resume();
  });
}
