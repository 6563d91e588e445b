/** Per-request identity for responses and logs: request id, x-amz-id-2, source IP, TLS flag. */
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import { systemRandom } from '../common/random.js';

export interface RequestContext {
  readonly requestId: string;
  readonly hostId: string;
  readonly sourceIp: string;
  readonly secure: boolean;
  readonly startedAt: number;
}

/**
 * `trustForwardedProto`: peer addresses (TLS-terminating proxies) whose `X-Forwarded-Proto: https` makes a
 * plain connection count as secure; from any other peer the header is ignored, so a client cannot claim TLS.
 */
export function createRequestContext(req: IncomingMessage, trustForwardedProto: ReadonlySet<string> = NO_PROXIES): RequestContext {
  const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  // One draw for both ids (each CSPRNG call has a fixed cost well above that of the bytes).
  const ids = systemRandom.bytes(40);
  return {
    requestId: ids.toString('hex', 0, 8).toUpperCase(),
    hostId: ids.toString('base64', 8),
    sourceIp: peer,
    secure: req.socket instanceof TLSSocket || (trustForwardedProto.has(peer) && forwardedHttps(req.headers['x-forwarded-proto'])),
    startedAt: Date.now(),
  };
}

const NO_PROXIES: ReadonlySet<string> = new Set();

/** The client-facing scheme a proxy reports; with several proxies (a list), the first is the client's. */
function forwardedHttps(value: string | string[] | undefined): boolean {
  const first = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
