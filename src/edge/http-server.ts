/** node:http / node:https server lifecycle: connection limits and timeouts, client errors as S3 XML, listen, certificate reload, graceful shutdown. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { toXml } from '../common/xml-writer.js';
import { ConnectionGuard, type ConnectionLimits } from './connection-guard.js';

export type { ConnectionLimits } from './connection-guard.js';

/** Node refuses larger header sections itself; we answer them as S3 does (400 RequestHeaderSectionTooLarge). */
const MAX_HEADER_BYTES = 16 * 1024;

/** A PEM certificate chain and its private key, as the composition root read them. */
export interface TlsPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** HTTPS only: serve this pair to new connections from now on (connections already open keep theirs). */
  reloadTls(pair: TlsPair): void;
  /**
   * Stops accepting connections and closes idle ones; in-flight requests are answered with
   * `Connection: close` and their connections closed as they finish; after `graceMs` the rest are dropped.
   */
  close(graceMs?: number): Promise<void>;
}

type Log = (message: string, fields?: Record<string, unknown>) => void;

export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  host: string,
  port: number,
  log: Log,
  limits: ConnectionLimits,
  tls?: TlsPair,
): Promise<RunningServer> {
  const httpOptions = {
    maxHeaderSize: MAX_HEADER_BYTES,
    // A body may legitimately take long (5 GiB); what is bounded is how long it may stall (bodyIdleTimeoutMs).
    requestTimeout: 0,
    headersTimeout: limits.headersTimeoutMs,
    // Advertised as `Keep-Alive: timeout=⌊s⌋`; Node (20.20) closes the idle connection 1 s after that, the
    // margin that keeps a client honouring the hint from reusing a connection as it closes
    // (test/edge/keep-alive-reuse.test.ts pins both; docs/ARCHITECTURE.md "Reusing an idle connection").
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks header deadlines on this interval (default 30 s): keep it well below the deadline.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
  // The TLS handshake gets the header deadline too (Node's default is 120 s): a client that opens a
  // connection and never finishes its handshake holds a descriptor no longer than one that never sends headers.
  const tlsServer = tls === undefined ? undefined
    : createTlsServer({ ...httpOptions, cert: tls.cert, key: tls.key, handshakeTimeout: limits.headersTimeoutMs, minVersion: 'TLSv1.2' });
  // node:https's Server is node:http's Server behind a TLS layer: same events, same request handling.
  const server = tlsServer === undefined ? createServer(httpOptions) : (tlsServer as unknown as Server);
  const guard = new ConnectionGuard(server, limits, tlsServer !== undefined);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (guard.admit(req, res)) {
      handler(req, res).catch((err: unknown) => {
        log('unhandled pipeline failure', { error: String(err) });
        res.destroy();
      });
    }
  };
  server.on('request', onRequest);
  // Expect: 100-continue is answered by the pipeline only once the request is authenticated and routed,
  // so a refused request never solicits its body (Node would send 100 Continue at once).
  server.on('checkContinue', onRequest);
  // Any other expectation is ignored, as S3 does (Node would answer 417 Expectation Failed).
  server.on('checkExpectation', onRequest);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => clientError(err, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `${tlsServer === undefined ? 'http' : 'https'}://${shownHost}:${address.port}`,
    reloadTls: (pair) => {
      if (tlsServer === undefined) throw new Error('not an HTTPS listener');
      tlsServer.setSecureContext({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' });
    },
    close: (graceMs = 10_000) => guard.shutdown(graceMs),
  };
}

/**
 * Emitted on the in-flight response when the client half-closed before its body was complete; the
 * pipeline answers IncompleteBody on it (the connection is still writable).
 */
export const CLIENT_ENDED_EARLY = 'strongroom:client-ended-early';

/** Parse errors and header timeouts, answered as S3 XML on the raw socket when no response has started. */
function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
  if (inFlight && !inFlight.headersSent && socket.writable && err.code === 'HPE_INVALID_EOF_STATE') {
    inFlight.emit(CLIENT_ENDED_EARLY);
    return;
  }
  // A failed or timed-out TLS handshake (node:https reports it here too): nothing can be written to a
  // connection without a session, and ending it would wait for the handshake forever.
  if (/^ERR_(TLS|SSL)_/.test(err.code ?? '')) {
    socket.destroy();
    return;
  }
  // Otherwise, with a request in flight (e.g. bytes past its Content-Length that do not parse), its answer
  // would interleave with ours: drop the connection, which also fails that request at the excess.
  if (!socket.writable || err.code === 'ECONNRESET' || inFlight) {
    socket.destroy();
    return;
  }
  const [status, code, message] = err.code === 'HPE_HEADER_OVERFLOW'
    ? ['400 Bad Request', 'RequestHeaderSectionTooLarge', 'Your request header section exceeds the maximum allowed size.']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['400 Bad Request', 'RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.']
      : ['400 Bad Request', 'BadRequest', 'An error occurred when parsing the HTTP request.'];
  const body = toXml('Error', { Code: code, Message: message }, null);
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  socket.destroySoon();
}
