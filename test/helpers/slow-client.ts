/** Hand-built clients that send slowly, stop early or never finish: signed headers for a streamed body, raw sockets, fd counts. */
import { request, type ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './raw-request.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from './start-server.js';

export interface StreamedRequest {
  method: string;
  /** Path with query, encoded as it goes on the request line. */
  path: string;
  headers?: Record<string, string>;
  /** The x-amz-content-sha256 to sign (e.g. UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
  payloadHash?: string;
  secretKey?: string;
  unsigned?: boolean;
}

/** SigV4 headers for a request whose body is sent separately (its hash given, not computed). */
export async function signedHeaders(baseUrl: string, o: StreamedRequest): Promise<Record<string, string>> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { host: url.host, ...o.headers };
  if (o.unsigned) return headers;
  headers['x-amz-content-sha256'] = o.payloadHash ?? 'UNSIGNED-PAYLOAD';
  const q = o.path.indexOf('?');
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(o.path.slice(q + 1))) query[k] = v;
  const signer = new SignatureV4({
    service: 's3', region: TEST_REGION, sha256: Sha256, uriEscapePath: false,
    credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: o.secretKey ?? TEST_SECRET_KEY },
  });
  const signed = await signer.sign({ method: o.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: q < 0 ? o.path : o.path.slice(0, q), query, headers });
  return signed.headers as Record<string, string>;
}

export interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string; at: number }

/**
 * Opens a request whose body the caller writes (slowly, partly, or too much); `answer` resolves with the
 * response (and when it arrived), or rejects if the connection dies without one. Write errors after the
 * answer (the server closing a connection it stopped reading) are expected and ignored.
 */
export function openRequest(baseUrl: string, method: string, path: string, headers: Record<string, string>): { req: ClientRequest; answer: Promise<Answer> } {
  const url = new URL(baseUrl);
  const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.on('end', done);
      res.on('aborted', done);
      res.on('error', done);
    });
    req.on('error', reject);
  });
  answer.catch(() => undefined);
  return { req, answer };
}

/** Writes `chunk` repeatedly (respecting backpressure) until `stop()` says so or `total` bytes went out; returns bytes written. */
export async function pump(req: ClientRequest, chunk: Buffer, total: number, stop: () => boolean, pauseMs = 0): Promise<number> {
  let sent = 0;
  while (sent < total && !stop() && !req.destroyed) {
    const ok = req.write(chunk.length <= total - sent ? chunk : chunk.subarray(0, total - sent));
    sent += Math.min(chunk.length, total - sent);
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => { req.off('drain', done); req.off('close', done); resolve(); };
        req.on('drain', done);
        req.on('close', done);
      });
    }
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return sent;
}

export interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server closes (or resets) the connection. */
  readonly closed: Promise<void>;
}

/** A raw TCP connection to the server, optionally from another loopback source address (127.0.0.x). */
export function rawConnection(baseUrl: string, localAddress?: string): Promise<RawConnection> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let out = '';
    const socket = connect({ port: Number(url.port), host: url.hostname, localAddress });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({ socket, received: () => out, closed });
    });
    socket.once('error', reject);
  });
}

/** How many file descriptors a process holds (Linux /proc). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Polls `check` every 50 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
