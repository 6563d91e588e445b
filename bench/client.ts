/** The one HTTP client every target is measured with: node:http (node:https for https targets) keep-alive, SigV4 (UNSIGNED-PAYLOAD or a signed payload hash), bodies from memory. */
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Agent as TlsAgent, request as tlsRequest } from 'node:https';

/**
 * `ca`: the certificate an https target's own self-signed certificate is trusted by. `sseC`: a customer key
 * (base64, and the base64 MD5 of its bytes): PUTs and GETs then carry the three SSE-C headers instead of
 * `x-amz-server-side-encryption`.
 */
export interface Target {
  readonly name: string; readonly url: string; readonly accessKey: string; readonly secretKey: string; readonly sse: boolean; readonly ca?: Buffer;
  readonly sseC?: { readonly key: string; readonly keyMd5: string };
}

/**
 * Keep-alive pools. Node's agent honours a server's `Keep-Alive: timeout=N` (it drops a pooled connection
 * after N − 1 s) only when it has a `timeout` of its own; without one a pooled connection waits for the
 * server to close it, and a client busy at that moment sends its next request into the closing
 * connection (docs/PERFORMANCE.md, "Connection resets between phases"). POOL_IDLE_MS caps the idle time
 * when a server gives no hint. It must differ from REQUEST_TIMEOUT_MS: Node re-arms a reused
 * connection's timer with the request's timeout only when the two differ, otherwise the request
 * would run under the pooled connection's idle timer (N − 1 s).
 */
const POOL_IDLE_MS = 30_000;
/** Inactivity timeout of one request (a 64 MiB body on a loaded machine may be slow, never silent this long). */
const REQUEST_TIMEOUT_MS = 120_000;
const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: POOL_IDLE_MS });
/** One keep-alive TLS pool per trusted certificate (sessions are reused, as an SDK's pool does). */
const tlsAgents = new Map<Buffer | undefined, TlsAgent>();
function tlsAgent(ca: Buffer | undefined): TlsAgent {
  let a = tlsAgents.get(ca);
  if (!a) tlsAgents.set(ca, (a = new TlsAgent({ keepAlive: true, maxSockets: 64, timeout: POOL_IDLE_MS, ca })));
  return a;
}

/**
 * A request that went out on a pooled connection and failed before any byte of an answer: the server had
 * closed that connection (idle past its deadline) just before or as the request arrived. The server
 * answers every request that reaches it before the deadline (test/edge/keep-alive-reuse.test.ts), so the
 * request was not served and is sent once more, as SDKs do with a reset connection.
 */
class StaleConnection extends Error {
  constructor(err: NodeJS.ErrnoException) { super(`${err.code ?? err.message} on a reused keep-alive connection`); }
}
let retried = 0;
/** How many requests were sent a second time after a StaleConnection (each is logged on stderr). */
export function retriedRequests(): number { return retried; }
/** Every idle connection of that pool is as old as the one that failed: drop them all before the retry. */
function dropIdle(pool: Agent): void {
  for (const sockets of Object.values(pool.freeSockets)) for (const s of sockets ?? []) s.destroy();
}
const keyCache = new Map<string, Buffer>();

function signingKey(secret: string, date: string): Buffer {
  const id = `${secret}/${date}`;
  let k = keyCache.get(id);
  if (!k) {
    const h = (key: string | Buffer, d: string) => createHmac('sha256', key).update(d).digest();
    k = h(h(h(h(`AWS4${secret}`, date), 'us-east-1'), 's3'), 'aws4_request');
    keyCache.set(id, k);
  }
  return k;
}

/** 'signed' sends the body's SHA-256 as x-amz-content-sha256, so the server must hash and verify the payload. */
export type PayloadMode = 'unsigned' | 'signed';
let payloadMode: PayloadMode = 'unsigned';
export function setPayloadMode(mode: PayloadMode): void { payloadMode = mode; }
/** Bodies are reused across requests: hash each once, so the client's own cost stays out of the measurement. */
const bodyHashes = new WeakMap<object, string>();
function payloadHash(body: Buffer | Buffer[] | undefined): string {
  if (payloadMode === 'unsigned') return 'UNSIGNED-PAYLOAD';
  if (body === undefined) return createHash('sha256').digest('hex');
  let h = bodyHashes.get(body);
  if (h === undefined) {
    const hash = createHash('sha256');
    for (const b of Array.isArray(body) ? body : [body]) hash.update(b);
    h = hash.digest('hex');
    bodyHashes.set(body, h);
  }
  return h;
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface Answer { status: number; bytes: number; sha256: string; text: string }

/**
 * Signs (header auth, the current payload mode) and sends one request; resolves with status and the body's
 * byte count and sha256. A request lost to a pooled connection the server had just closed is sent once more.
 */
export async function send(t: Target, method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body?: Buffer | Buffer[]): Promise<Answer> {
  try {
    return await sendOnce(t, method, path, query, headers, body);
  } catch (err) {
    if (!(err instanceof StaleConnection)) throw err;
    retried++;
    process.stderr.write(`bench client: ${t.name} ${method} ${path}: ${err.message} before any answer; sent once more on a new connection\n`);
    dropIdle(new URL(t.url).protocol === 'https:' ? tlsAgent(t.ca) : agent);
    return sendOnce(t, method, path, query, headers, body);
  }
}

function sendOnce(t: Target, method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body?: Buffer | Buffer[]): Promise<Answer> {
  const u = new URL(t.url);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const length = body === undefined ? 0 : Array.isArray(body) ? body.reduce((n, b) => n + b.length, 0) : body.length;
  const contentHash = payloadHash(body);
  const h: Record<string, string> = { host: u.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': contentHash, 'content-length': String(length), ...headers };
  const names = Object.keys(h).map((n) => n.toLowerCase()).sort();
  const canonicalQuery = Object.keys(query).sort().map((k) => `${enc(k)}=${enc(query[k]!)}`).join('&');
  const canonical = [method, path.split('/').map(enc).join('/'), canonicalQuery, names.map((n) => `${n}:${h[n]!.trim()}\n`).join(''), names.join(';'), contentHash].join('\n');
  const scope = `${date}/us-east-1/s3/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const sig = createHmac('sha256', signingKey(t.secretKey, date)).update(sts).digest('hex');
  h['authorization'] = `AWS4-HMAC-SHA256 Credential=${t.accessKey}/${scope},SignedHeaders=${names.join(';')},Signature=${sig}`;
  const qs = canonicalQuery === '' ? '' : `?${canonicalQuery}`;
  return new Promise((resolve, reject) => {
    const options = { host: u.hostname, port: u.port, method, path: path.split('/').map(enc).join('/') + qs, headers: h, timeout: REQUEST_TIMEOUT_MS };
    const req = (u.protocol === 'https:' ? tlsRequest({ ...options, agent: tlsAgent(t.ca) }, onResponse) : request({ ...options, agent }, onResponse));
    let answered = false;
    function onResponse(res: import('node:http').IncomingMessage): void {
      answered = true;
      const hash = createHash('sha256');
      let bytes = 0;
      const small: Buffer[] = [];
      res.on('data', (c: Buffer) => { bytes += c.length; hash.update(c); if (bytes <= 4 << 20) small.push(c); });
      // The text is decoded only when asked (errors, XML): UTF-8-decoding a MiB of random object bytes
      // costs the client ~30 ms and once made every encrypted GET here client-bound.
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex'), get text() { return Buffer.concat(small).toString(); } }));
      res.on('error', reject);
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      // "socket hang up" is ECONNRESET too; EPIPE when the body was still being written.
      const stale = req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      reject(stale ? new StaleConnection(err) : err);
    });
    req.on('timeout', () => req.destroy(new Error(`${t.name}: request timed out`)));
    if (Array.isArray(body)) {
      void (async () => {
        for (const b of body) if (!req.write(b)) await new Promise((r) => req.once('drain', r));
        req.end();
      })();
    } else req.end(body);
  });
}

/** Runs `total` operations with `concurrency` workers; returns per-op latencies (ms) and the wall time (s). */
export async function runConcurrent(total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  }));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}
