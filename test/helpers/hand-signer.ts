/** A deliberately bendable SigV4/SigV2 signer for auth tests: any scope date, any signed-header list, headers added after signing, aws-chunked bodies. */
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { Readable } from 'node:stream';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from './start-server.js';
import type { RawResponse } from './raw-request.js';

export const sha256hex = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** `20261130T155959Z` for a Date. */
export const amzDateOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export function signingKey(scopeDate: string, secret = TEST_SECRET_KEY): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, scopeDate), TEST_REGION), 's3'), 'aws4_request');
}

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(params: Array<[string, string]>): string {
  return params.map(([k, v]) => [enc(k), enc(v)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
}

export interface HeaderSignOptions {
  method: string;
  /** Encoded path, no query. */
  path: string;
  query?: Array<[string, string]>;
  host: string;
  /** Headers to sign (lower-case names); host is added. */
  headers: Record<string, string>;
  payloadHash: string;
  /** The x-amz-date value sent and signed (may be deliberately impossible). */
  amzDate: string;
  /** The credential scope date; defaults to the first 8 characters of amzDate. */
  scopeDate?: string;
}

/** The headers of a header-signed request (Authorization included), signed over exactly `headers` + host. */
export function signHeaders(o: HeaderSignOptions): Record<string, string> {
  const scopeDate = o.scopeDate ?? o.amzDate.slice(0, 8);
  const all: Record<string, string> = { ...o.headers, host: o.host, 'x-amz-date': o.amzDate, 'x-amz-content-sha256': o.payloadHash };
  const names = Object.keys(all).map((n) => n.toLowerCase()).sort();
  const canonical = [o.method, o.path, canonicalQuery(o.query ?? []), names.map((n) => `${n}:${all[n]!.trim()}\n`).join(''), names.join(';'), o.payloadHash].join('\n');
  const scope = `${scopeDate}/${TEST_REGION}/s3/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', o.amzDate, scope, sha256hex(canonical)].join('\n');
  const signature = hmac(signingKey(scopeDate), sts).toString('hex');
  return { ...all, authorization: `AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}` };
}

export interface PresignOptions {
  method: string;
  path: string;
  host: string;
  amzDate: string;
  scopeDate?: string;
  expires?: number;
  /** Signed header names with their values (host is added unless `omitHost`). */
  headers?: Record<string, string>;
  omitHost?: boolean;
}

/** A presigned SigV4 path+query (UNSIGNED-PAYLOAD). */
export function presignV4(o: PresignOptions): string {
  const scopeDate = o.scopeDate ?? o.amzDate.slice(0, 8);
  const scope = `${scopeDate}/${TEST_REGION}/s3/aws4_request`;
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (!o.omitHost) headers['host'] = o.host;
  const names = Object.keys(headers).sort();
  const params: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${TEST_ACCESS_KEY}/${scope}`], ['X-Amz-Date', o.amzDate],
    ['X-Amz-Expires', String(o.expires ?? 300)], ['X-Amz-SignedHeaders', names.join(';')],
  ];
  const canonical = [o.method, o.path, canonicalQuery(params), names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const sts = ['AWS4-HMAC-SHA256', o.amzDate, scope, sha256hex(canonical)].join('\n');
  const signature = hmac(signingKey(scopeDate), sts).toString('hex');
  return `${o.path}?${canonicalQuery(params)}&X-Amz-Signature=${signature}`;
}

/** A SigV2 presigned path+query: HMAC-SHA1 over `METHOD\n\n\n<expires>\n<resource>`; `extraQuery` is appended unsigned unless it is a subresource. */
export function presignV2(method: string, path: string, expiresEpochSeconds: number, subresource = ''): string {
  const sts = `${method}\n\n\n${expiresEpochSeconds}\n${path}${subresource}`;
  const signature = createHmac('sha1', TEST_SECRET_KEY).update(sts, 'utf8').digest('base64');
  return `${path}?AWSAccessKeyId=${TEST_ACCESS_KEY}&Expires=${expiresEpochSeconds}&Signature=${encodeURIComponent(signature)}`;
}

/** Sends exactly these headers and body (a Buffer or a stream) to the server; resolves with the response. */
export function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body: Buffer | string | Readable = ''): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** An unsigned-trailer aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER) carrying `data` and the given trailer lines. */
export function unsignedTrailerBody(data: Buffer | string, trailerLines: string[]): Buffer {
  const bytes = Buffer.from(data);
  const parts = [bytes.length > 0 ? `${bytes.length.toString(16)}\r\n` : '', bytes, bytes.length > 0 ? '\r\n' : '', '0\r\n', ...trailerLines.map((l) => `${l}\r\n`), '\r\n'];
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}
