/** Per-request identity for responses and logs: request id, x-amz-id-2, source IP, TLS flag. */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { TLSSocket } from 'node:tls';

export interface RequestContext {
  readonly requestId: string;
  readonly hostId: string;
  readonly sourceIp: string;
  readonly secure: boolean;
  readonly startedAt: number;
}

export function createRequestContext(req: IncomingMessage): RequestContext {
  return {
    requestId: randomBytes(8).toString('hex').toUpperCase(),
    hostId: randomBytes(32).toString('base64'),
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    secure: req.socket instanceof TLSSocket,
    startedAt: Date.now(),
  };
}
