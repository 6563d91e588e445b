/** Byte-exact AWS request signing for hand-built requests: SigV4 header and presigned, aws-chunked bodies with chunk and trailer signatures, SigV2 header and query, POST policy forms. */
import { createHash, createHmac } from 'node:crypto';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from './start-server.js';

export const EMPTY_SHA256 = createHash('sha256').digest('hex');
const sha256hex = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept; `/` kept in paths). */
export function uriEncode(s: string, keepSlash = false): string {
  return [...Buffer.from(s, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/')) return c;
    return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

export interface SigV4Time { readonly amzDate: string; readonly date: string; readonly scope: string; readonly key: Buffer }

/** The request date, credential scope and signing key for `now`. */
export function sigV4Time(now = new Date(), secret = TEST_SECRET_KEY): SigV4Time {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${TEST_REGION}/s3/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), TEST_REGION), 's3'), 'aws4_request');
  return { amzDate, date, scope, key };
}

function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query.map(([k, v]) => [uriEncode(k), uriEncode(v)] as const).sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
}

/** The SigV4 signature of a request whose path is already encoded (as sent) and whose query is given decoded. */
function sigV4Signature(t: SigV4Time, method: string, path: string, query: ReadonlyArray<readonly [string, string]>, headers: ReadonlyArray<readonly [string, string]>, payloadHash: string): { signature: string; signedHeaders: string } {
  const sorted = [...headers].map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const signedHeaders = sorted.map(([k]) => k).join(';');
  const canonical = [method, path, canonicalQuery(query), sorted.map(([k, v]) => `${k}:${v}\n`).join(''), signedHeaders, payloadHash].join('\n');
  const sts = ['AWS4-HMAC-SHA256', t.amzDate, t.scope, sha256hex(canonical)].join('\n');
  return { signature: hmac(t.key, sts).toString('hex'), signedHeaders };
}

export interface SignedParts { readonly headers: Array<[string, string]>; readonly seedSignature: string }

/** SigV4 header signing: every given header (and host, x-amz-date, x-amz-content-sha256) is signed. */
export function signV4Headers(t: SigV4Time, method: string, path: string, query: ReadonlyArray<readonly [string, string]>, host: string, headers: ReadonlyArray<readonly [string, string]>, payloadHash: string): SignedParts {
  const all: Array<[string, string]> = [['host', host], ['x-amz-date', t.amzDate], ['x-amz-content-sha256', payloadHash], ...headers.map(([k, v]) => [k, v] as [string, string])];
  const { signature, signedHeaders } = sigV4Signature(t, method, path, query, all, payloadHash);
  all.push(['authorization', `AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY}/${t.scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`]);
  return { headers: all, seedSignature: signature };
}

/** A SigV4 presigned query (host signed, UNSIGNED-PAYLOAD) for `path`, encoded as it goes on the request line. */
export function presignV4(t: SigV4Time, method: string, path: string, host: string, expires = 300): string {
  const query: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${TEST_ACCESS_KEY}/${t.scope}`], ['X-Amz-Date', t.amzDate],
    ['X-Amz-Expires', String(expires)], ['X-Amz-SignedHeaders', 'host'],
  ];
  const { signature } = sigV4Signature(t, method, path, query, [['host', host]], 'UNSIGNED-PAYLOAD');
  return `${path}?${canonicalQuery([...query, ['X-Amz-Signature', signature]])}`;
}

export interface Chunk { size: string; data: Buffer; signature?: string }

/** aws-chunked framing of `data` in chunks of `chunkSize`; signed when `t` and a seed signature are given; optional trailers (signed likewise). */
export function awsChunkedBody(data: Buffer, chunkSize: number, opts: { t?: SigV4Time; seed?: string; trailers?: Array<[string, string]> }): { chunks: Chunk[]; trailers: Array<[string, string]>; body: Buffer } {
  const chunks: Chunk[] = [];
  let prev = opts.seed ?? '';
  const pieces: Buffer[] = [];
  for (let off = 0; off < data.length; off += chunkSize) pieces.push(data.subarray(off, off + chunkSize));
  pieces.push(Buffer.alloc(0));
  for (const piece of pieces) {
    const chunk: Chunk = { size: piece.length.toString(16), data: piece };
    if (opts.t) {
      const sts = ['AWS4-HMAC-SHA256-PAYLOAD', opts.t.amzDate, opts.t.scope, prev, EMPTY_SHA256, sha256hex(piece)].join('\n');
      prev = hmac(opts.t.key, sts).toString('hex');
      chunk.signature = prev;
    }
    chunks.push(chunk);
  }
  const trailers = [...(opts.trailers ?? [])];
  if (opts.t && trailers.length > 0) {
    const canonical = trailers.map(([k, v]) => `${k}:${v}\n`).join('');
    const sts = ['AWS4-HMAC-SHA256-TRAILER', opts.t.amzDate, opts.t.scope, prev, sha256hex(canonical)].join('\n');
    trailers.push(['x-amz-trailer-signature', hmac(opts.t.key, sts).toString('hex')]);
  }
  return { chunks, trailers, body: serializeChunked(chunks, trailers, opts.trailers !== undefined) };
}

/** The wire form of chunks and trailers. */
export function serializeChunked(chunks: readonly Chunk[], trailers: ReadonlyArray<readonly [string, string]>, hasTrailer: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    parts.push(Buffer.from(`${c.size}${c.signature !== undefined ? `;chunk-signature=${c.signature}` : ''}\r\n`, 'latin1'), c.data);
    if (c.data.length > 0) parts.push(Buffer.from('\r\n'));
  }
  if (hasTrailer) for (const [k, v] of trailers) parts.push(Buffer.from(`${k}:${v}\r\n`, 'latin1'));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** SigV2 string to sign (method, Content-MD5, Content-Type, date or expiry, x-amz-* headers, resource). */
function sigV2(method: string, resource: string, date: string, headers: ReadonlyArray<readonly [string, string]>): string {
  const get = (n: string) => headers.find(([k]) => k.toLowerCase() === n)?.[1] ?? '';
  const amz = headers.filter(([k]) => k.toLowerCase().startsWith('x-amz-')).map(([k, v]) => [k.toLowerCase(), v.trim()]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)).map(([k, v]) => `${k}:${v}\n`).join('');
  const sts = `${method}\n${get('content-md5')}\n${get('content-type')}\n${date}\n${amz}${resource}`;
  return createHmac('sha1', TEST_SECRET_KEY).update(sts, 'utf8').digest('base64');
}

/** `Authorization: AWS id:sig` with a Date header. */
export function signV2Headers(method: string, resource: string, host: string, headers: ReadonlyArray<readonly [string, string]>, now = new Date()): Array<[string, string]> {
  const date = now.toUTCString();
  const all: Array<[string, string]> = [['host', host], ['date', date], ...headers.map(([k, v]) => [k, v] as [string, string])];
  all.push(['authorization', `AWS ${TEST_ACCESS_KEY}:${sigV2(method, resource, date, all)}`]);
  return all;
}

/** `?AWSAccessKeyId=…&Expires=…&Signature=…` for `path` (resource = path). */
export function presignV2(method: string, path: string, expiresInSeconds = 300, now = new Date()): string {
  const expires = String(Math.floor(now.getTime() / 1000) + expiresInSeconds);
  const signature = sigV2(method, path, expires, []);
  return `${path}?AWSAccessKeyId=${TEST_ACCESS_KEY}&Expires=${expires}&Signature=${encodeURIComponent(signature)}`;
}

/** The fields of a SigV4-signed POST form for `bucket` and `key`, policy allowing 0..1 MiB. */
export function postPolicyFields(bucket: string, key: string, now = new Date()): Array<[string, string]> {
  const t = sigV4Time(now);
  const credential = `${TEST_ACCESS_KEY}/${t.scope}`;
  const policy = Buffer.from(JSON.stringify({
    expiration: new Date(now.getTime() + 10 * 60_000).toISOString(),
    conditions: [{ bucket }, { key }, ['content-length-range', 0, 1 << 20], { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-credential': credential }, { 'x-amz-date': t.amzDate }],
  })).toString('base64');
  return [['key', key], ['x-amz-algorithm', 'AWS4-HMAC-SHA256'], ['x-amz-credential', credential], ['x-amz-date', t.amzDate], ['policy', policy], ['x-amz-signature', hmac(t.key, policy).toString('hex')]];
}

/** multipart/form-data with the fields, then the file part. */
export function formBody(boundary: string, fields: ReadonlyArray<readonly [string, string]>, file: Buffer, filename = 'f.bin'): Buffer {
  const parts: Buffer[] = fields.map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, 'utf8'));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}
