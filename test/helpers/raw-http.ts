/** A raw HTTP/1.1 request as bytes over a TCP socket: what fuzzing needs to send malformed requests exactly as built. */
import { connect } from 'node:net';

export interface WireRequest {
  method: string;
  /** Path and query exactly as they go on the request line. */
  target: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Request line, headers (latin1, as HTTP carries them) and body. */
export function serialize(r: WireRequest): Buffer {
  const head = `${r.method} ${r.target} HTTP/1.1\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), r.body]);
}

/** What came back: a status (0 when the connection ended without one), or how it ended. */
export interface WireOutcome { status: number; ended: 'answered' | 'closed' | 'reset' | 'timeout' }

/**
 * Sends the bytes and resolves with the response status as soon as the status line arrives. A connection
 * closed or reset without a status, or no status within `timeoutMs`, is reported as such.
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs: number): Promise<WireOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let head = '';
    let done = false;
    const finish = (o: WireOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ status: 0, ended: 'timeout' }), timeoutMs);
    // write, not end: a half-closed request is a different case (and the server may drop it without an answer).
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (m) finish({ status: Number(m[1]), ended: 'answered' });
      else if (head.length > 64 || head.includes('\r\n')) finish({ status: -1, ended: 'answered' });
    });
    socket.on('error', () => finish({ status: 0, ended: 'reset' }));
    socket.on('close', () => finish({ status: 0, ended: 'closed' }));
  });
}
