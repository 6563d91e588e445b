/** The request pipeline in one readable function: context → authenticate → route → authorize → operation → respond. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { s3Error } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { CredentialLookup } from '../common/principal.js';
import { authenticate } from '../auth/authenticate.js';
import type { S3Context, S3Request } from '../s3/s3-request.js';
import { S3_OPERATIONS } from '../s3/s3-operations.js';
import { resolveBucketAndKey } from './bucket-addressing.js';
import { errorResponse } from './error-response.js';
import { createRequestContext } from './request-context.js';
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

const MAX_KEY_BYTES = 1024;

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async function handle(req, res) {
    const ctx = createRequestContext(req);
    const isHead = req.method === 'HEAD';
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? '' : url.slice(q + 1);
      const query = new URLSearchParams(rawQuery);
      const { bucket, key } = resolveBucketAndKey(rawPath, req.headers.host, deps.domain);

      const verified = await authenticate(
        { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headers, body: req, secure: ctx.secure },
        { lookup: deps.lookup, clock: deps.clock, region: deps.region },
      );
      if (verified.service !== 's3') throw s3Error('NotImplemented', { message: `The ${verified.service} service is not implemented.` });

      if (key !== undefined && Buffer.byteLength(key) > MAX_KEY_BYTES) {
        throw s3Error('KeyTooLongError', { details: { Size: Buffer.byteLength(key), MaxSizeAllowed: MAX_KEY_BYTES } });
      }
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
      const response = await handler(s3req, deps.s3);
      await finishRequestBody(req, res);
      await writeResponse(res, response, ctx, isHead);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      await finishRequestBody(req, res);
      const response = errorResponse(err, ctx, deps.log);
      await writeResponse(res, response, ctx, isHead);
    }
  };
}

/** Bodies up to this size are read to their end before an early answer, so the client is not cut off mid-send. */
const DRAIN_LIMIT = 8 * 1024 * 1024;
const DRAIN_MS = 5_000;

/**
 * When we answer before the whole body was read (an error, or an operation that ignores the body), a
 * client still sending would see its connection reset instead of our answer. Small remainders are read
 * and discarded first; past the limit the connection is marked to close.
 */
async function finishRequestBody(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.complete || req.destroyed || req.readableEnded) return;
  let seen = 0;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) {
        res.setHeader('connection', 'close');
        done();
      }
    };
    const timer = setTimeout(() => {
      res.setHeader('connection', 'close');
      done();
    }, DRAIN_MS);
    req.on('data', onData);
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
    req.resume();
  });
}
