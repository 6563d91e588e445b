/** The request pipeline in one readable function: context → service router → authenticate → route → authorize → operation → respond. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, s3Error } from '../common/api-error.js';
import type { Authorizer } from '../common/authorizer.js';
import type { Clock } from '../common/clock.js';
import type { CredentialLookup } from '../common/principal.js';
import { noteTurnover } from '../common/young-generation.js';
import type { AuditLog } from '../audit/audit-log.js';
import { authenticate, type VerifiedRequest } from '../auth/authenticate.js';
import type { AuditRider, S3Response } from '../s3/s3-request.js';
import { credentialScope } from './credential-scope.js';
import { CLIENT_ENDED_EARLY } from './http-server.js';
import { callEvent, isReadOnly } from './audit-event.js';
import { claimedAccessKeyId } from './claimed-access-key.js';
import { createRequestContext, type RequestContext } from './request-context.js';
import { requestSecrets } from './request-secrets.js';
import { writeResponse } from './response-writer.js';
import type { Log, RoutedRequest, RouterSession, ServiceRouter } from './service-dispatch.js';

export interface PipelineDeps {
  readonly lookup: CredentialLookup;
  readonly clock: Clock;
  readonly region: string;
  /** One router per API, by credential-scope service name; 's3' also takes SigV2 and anonymous requests. */
  readonly routers: ReadonlyMap<string, ServiceRouter>;
  /** Decides every request's main action (policy/authorize.ts: identity policies, the bucket policy, the engine). */
  readonly authorize: Authorizer;
  readonly log: Log;
  /** Peers whose X-Forwarded-Proto is believed (`--trust-forwarded-proto`). */
  readonly trustForwardedProto?: ReadonlySet<string>;
  /** The trail every routed call is recorded in; absent (`--audit off`), nothing is recorded. */
  readonly audit?: AuditLog;
}

/** Node's own test for `100-continue` (the only expectation answered; case-insensitive, as a whole token). */
const EXPECT_CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** What one request is counted as toward the paced scavenges (common/young-generation.ts): one every ~256 requests. */
const REQUEST_TURNOVER_BYTES = 16 * 1024;

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const s3Router = deps.routers.get('s3');
  if (!s3Router) throw new Error('the pipeline needs an s3 router');
  return async function handle(req, res) {
    // Every request leaves short-lived buffers (its chunks, HMACs, inline ciphertext, the answer): counted
    // toward the paced scavenges, so thousands of small requests do not pile up dead ones either.
    noteTurnover(REQUEST_TURNOVER_BYTES);
    const ctx = createRequestContext(req, deps.trustForwardedProto);
    // Customer keys the operation parses belong to the request: wiped in the `finally` below, on every outcome.
    const secrets = requestSecrets(req);
    const isHead = req.method === 'HEAD';
    // Errors are written in the format of the API the request is for, once that is known.
    let router: ServiceRouter = s3Router;
    let session: RouterSession | undefined;
    let answering: Promise<void> | undefined;
    // Set once the call is known (authenticated and routed): from then on it is recorded, whatever its outcome.
    let call: Call | undefined;
    // An object write whose record rode in its own metadata commit (committed) gets no second one.
    let rider: AuditRider | undefined;
    // Set once authentication starts: a call refused from then on, before it is routed, is recorded too.
    let authenticating: { query: URLSearchParams; verified?: VerifiedRequest } | undefined;
    // A router that records its own events (KMS) gets no second record of the same call from here.
    const record = (outcome: { response: S3Response } | { error: unknown }) => (router.auditsItself || rider?.committed === true ? Promise.resolve() : audited(deps, router.service, req, ctx, call, outcome));
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
      void answer(router.errorResponse(error, ctx, deps.log), false).finally(() => {
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
    // Only a request we mean to serve asks for its body (the server defers 100 Continue to the pipeline).
    let continued = false;
    const sendContinue = () => {
      if (continued || res.headersSent || !EXPECT_CONTINUE.test(req.headers.expect ?? '')) return;
      continued = true;
      res.writeContinue();
    };
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? '' : url.slice(q + 1);
      const query = new URLSearchParams(rawQuery);

      // Dispatch by the credential scope's service: s3, iam, sts (later kms, cloudtrail).
      const scope = credentialScope(req.headers, query);
      const service = scope?.service ?? 's3';
      const found = deps.routers.get(service);
      if (!found) throw s3Error('NotImplemented', { message: `The ${service} service is not implemented.` });
      router = found;
      session = await router.begin({ req, rawPath, rawQuery, query, ctx, sendContinue, secrets });
      // A CORS preflight is anonymous by design: answered from the bucket's rules, before authentication.
      if (session.unauthenticated) {
        await answer(await session.unauthenticated());
        return;
      }
      const region = scope !== undefined && router.extraSigningRegions.includes(scope.region) ? scope.region : deps.region;
      authenticating = { query };
      const verified = await authenticate(session.authInput, { lookup: deps.lookup, clock: deps.clock, region });
      authenticating.verified = verified;
      // The verifying body stream (aws-chunked decoder, payload hash check) may fail while nobody reads it:
      // an operation that refused the request early, or the lingering close discarding the rest. Its
      // consumers see its errors through their own listeners; without this one such an error kills the process.
      if (verified.body !== req) verified.body.on('error', () => {});
      if (verified.service !== router.service) throw s3Error('AuthorizationHeaderMalformed');
      const routed = await session.route(verified);
      call = { routed, verified, query };

      // AUTHORIZE: the one place every request's main action is decided, for every service. Operations that
      // need more checks (a copy's source, a POST form's signer) call the same Authorizer through their context.
      await deps.authorize({
        principal: verified.principal, service: router.service, operation: routed.operation, bucket: routed.bucket, key: routed.key,
        resource: routed.resource, facts: routed.facts,
      });

      sendContinue();
      const prepare = deps.audit?.prepare;
      if (prepare !== undefined && !router.auditsItself) {
        const known = call;
        rider = { committed: false, unitFor: (response) => prepare.call(deps.audit, callEventOf(deps, router.service, req, ctx, known, { response })) };
      }
      const response = await routed.run(rider);
      await record({ response });
      await answer(await decorated(session, response));
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
      const response = router.errorResponse(err, ctx, deps.log);
      if (call === undefined && authenticating !== undefined) await refusedBeforeRouting(deps, router.service, session, req, ctx, authenticating, err).catch(() => {});
      else await record({ error: err }).catch(() => {});
      await answer(await decorated(session, response));
    } finally {
      // The answer is written (a GET's stream read to its end or failed) or the client is gone: no part of
      // the request needs its customer keys any more.
      secrets.wipeAll();
    }
  };
}

/**
 * Records a routed call in the trail. A write's or a refused call's record is durable before the response goes out
 * (the trail batches the syncs); a successful read's is not waited for. A write whose record cannot be made durable
 * fails with InternalError: no write is acknowledged without its record.
 */
async function audited(deps: PipelineDeps, service: string, req: IncomingMessage, ctx: RequestContext,
  call: Call | undefined, outcome: { response: S3Response } | { error: unknown }): Promise<void> {
  if (deps.audit === undefined || call === undefined) return;
  const written = deps.audit.record(callEventOf(deps, service, req, ctx, call, outcome));
  if ('response' in outcome && isReadOnly(call.routed.operation)) {
    written.catch((error: unknown) => deps.log('audit record failed', { requestId: ctx.requestId, error: String(error) }));
    return;
  }
  try {
    await written;
  } catch (error) {
    deps.log('audit record failed', { requestId: ctx.requestId, error: String(error) });
    throw error;
  }
}

/**
 * Records a call refused before it was routed: a failed authentication (bad signature, unknown access key, malformed
 * Authorization) or a request its router could not route. The operation and resource come from what the request
 * asks for (not trusted, only described); a caller that did not authenticate is known only by the access key id it
 * gave, and the record goes to that key's account when the key exists. Durable before the answer, like any refusal.
 */
async function refusedBeforeRouting(deps: PipelineDeps, service: string, session: RouterSession | undefined, req: IncomingMessage, ctx: RequestContext,
  seen: { query: URLSearchParams; verified?: VerifiedRequest }, error: unknown): Promise<void> {
  if (deps.audit === undefined) return;
  const described = session?.describe?.() ?? {};
  const target = headerValue(req.headers['x-amz-target']);
  const operation = described.operation ?? (target === undefined ? undefined : target.slice(target.lastIndexOf('.') + 1)) ?? seen.query.get('Action') ?? 'Unknown';
  const principal = seen.verified?.principal;
  const accessKeyId = principal === undefined ? claimedAccessKeyId(req.headers, seen.query) : undefined;
  const owner = accessKeyId === undefined ? undefined : (await deps.lookup(accessKeyId).catch(() => undefined))?.principal.accountId;
  const event = callEvent({
    service, req, ctx, query: seen.query, routed: { operation, bucket: described.bucket, key: described.key }, principal,
    presigned: seen.query.has('X-Amz-Signature') || seen.query.has('Signature'), signatureVersion: undefined,
    bytesIn: req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']), eventTime: deps.clock.now(),
  }, { error });
  await deps.audit.record({ ...event, ...(accessKeyId === undefined ? {} : { accessKeyId }), ...(owner === undefined ? {} : { recipientAccountId: owner }) });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** A call known to the pipeline: authenticated and routed. */
interface Call { readonly routed: RoutedRequest; readonly verified: VerifiedRequest; readonly query: URLSearchParams }

function callEventOf(deps: PipelineDeps, service: string, req: IncomingMessage, ctx: RequestContext, call: Call, outcome: { response: S3Response } | { error: unknown }) {
  const { routed, verified, query } = call;
  const facts = routed.facts;
  return callEvent({
    service, req, ctx, query, routed, principal: verified.principal,
    presigned: facts.authType === 'REST-QUERY-STRING',
    signatureVersion: facts.signatureVersion === undefined ? undefined : facts.signatureVersion === 'AWS' ? 'SigV2' : 'SigV4',
    bytesIn: verified.contentLength ?? (req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length'])),
    eventTime: deps.clock.now(),
  }, outcome);
}

/** The answer with the router's added headers; a failure to add them leaves the answer as it was. */
async function decorated(session: RouterSession | undefined, response: S3Response): Promise<S3Response> {
  if (!session?.decorate) return response;
  try {
    return await session.decorate(response);
  } catch {
    return response;
  }
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
