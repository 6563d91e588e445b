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

export function createRequestContext(req: IncomingMessage): RequestContext {
  // One draw for both ids (each CSPRNG call has a fixed cost well above that of the bytes).
  const ids = systemRandom.bytes(40);
  return {
    requestId: ids.toString('hex', 0, 8).toUpperCase(),
    hostId: ids.toString('base64', 8),
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    secure: req.socket instanceof TLSSocket,
    startedAt: Date.now(),
  };
}
