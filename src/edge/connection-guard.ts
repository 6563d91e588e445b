/** Connection admission: total and per-address caps, the socket idle deadline, and a shutdown that lets in-flight requests finish. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { toXml } from '../common/xml-writer.js';

/** How long and how many connections a client may hold (flags in config.ts; chosen values in docs/ARCHITECTURE.md). */
export interface ConnectionLimits {
  /** The whole header section must arrive within this (Node's headersTimeout); else 400 RequestTimeout. */
  readonly headersTimeoutMs: number;
  /** A connection that moves no byte for this long while a request body is due is answered 400 RequestTimeout and closed. */
  readonly bodyIdleTimeoutMs: number;
  /** Advertised as the idle kept-alive connection's lifetime (`Keep-Alive: timeout=`); Node closes it 1 s later. */
  readonly keepAliveTimeoutMs: number;
  /** Connections beyond this are closed as they are accepted. */
  readonly maxConnections: number;
  /** Connections from one source address beyond this are answered 503 SlowDown and closed. */
  readonly maxConnectionsPerIp: number;
}

const SLOW_DOWN = (() => {
  const body = toXml('Error', { Code: 'SlowDown', Message: 'Please reduce your request rate.' }, null);
  return `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
})();

export class ConnectionGuard {
  readonly #server: Server;
  readonly #limits: ConnectionLimits;
  readonly #perAddress = new Map<string, number>();
  readonly #active = new Set<ServerResponse>();
  readonly #tls: boolean;
  #closing = false;

  /** `tls`: the server is HTTPS, whose accepted sockets speak TLS first (a plain-text refusal would be garbage to them). */
  constructor(server: Server, limits: ConnectionLimits, tls = false) {
    this.#server = server;
    this.#limits = limits;
    this.#tls = tls;
    // Node closes connections past this as they are accepted (net.Server maxConnections).
    server.maxConnections = limits.maxConnections;
    // Node ends its side as soon as a client half-closes, before the answer is written; keep it open so a
    // client that ends its upload early still reads why it failed.
    (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
    server.on('connection', (socket: Socket) => this.#onConnection(socket));
  }

  #onConnection(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const count = (this.#perAddress.get(address) ?? 0) + 1;
    if (count > this.#limits.maxConnectionsPerIp) {
      // Over TLS nothing can be said before a handshake the refused client must not get: just close.
      if (this.#tls) socket.destroy();
      else {
        socket.end(SLOW_DOWN);
        socket.destroySoon();
      }
      return;
    }
    this.#perAddress.set(address, count);
    socket.once('close', () => {
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.#perAddress.delete(address);
      else this.#perAddress.set(address, left);
    });
  }

  /** Whether a request may run; during shutdown a new request (on a kept-alive connection) is refused by closing it. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.#closing) {
      req.socket.destroy();
      return false;
    }
    // Socket inactivity deadline while this request runs (set here, not server-wide, so that a slow header
    // section meets headersTimeout and its RequestTimeout answer first). Node emits 'timeout' on an
    // incomplete request (the pipeline answers RequestTimeout) and on the response (the pipeline drops a
    // stalled reader); after the response Node replaces it with the keep-alive timeout.
    req.socket.setTimeout(this.#limits.bodyIdleTimeoutMs);
    this.#active.add(res);
    res.once('close', () => {
      this.#active.delete(res);
      // The connection just became idle: during shutdown nothing more may arrive on it.
      if (this.#closing) this.#server.closeIdleConnections();
    });
    return true;
  }

  /**
   * Stops listening, closes idle connections, marks every unanswered in-flight response
   * `Connection: close`, and resolves when the last connection is gone (dropped after `graceMs`).
   */
  async shutdown(graceMs: number): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const res of this.#active) if (!res.headersSent) res.setHeader('connection', 'close');
    this.#server.closeIdleConnections();
    const timer = setTimeout(() => this.#server.closeAllConnections(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }
}
