/** Signs and sends hand-built HTTP requests (SigV4 via @smithy/signature-v4) so tests can send exactly the bytes they mean. */
import { createHash, createHmac } from 'node:crypto';
import { request, type RequestOptions } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from './start-server.js';

function toBytes(d: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof d === 'string') return d;
  return ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);
}

/** node:crypto SHA-256 / HMAC in the shape the signer expects. */
export class Sha256 {
  readonly #h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) { this.#h = secret ? createHmac('sha256', toBytes(secret)) : createHash('sha256'); }
  update(d: string | ArrayBuffer | ArrayBufferView): void { this.#h.update(toBytes(d)); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.#h.digest()); }
}

export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string }

export interface RawOptions {
  method: string;
  /** Path with query, already encoded as it should go on the request line. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sign with this payload hash instead of the body's SHA-256 (e.g. to send a mismatching body). */
  payloadHash?: string;
  secretKey?: string;
  accessKey?: string;
  signingDate?: Date;
  unsigned?: boolean;
}

/** Sends a request signed as the test root (or unsigned) and returns status, headers and body text. */
export async function rawRequest(baseUrl: string, o: RawOptions): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(o.body);
  const q = o.path.indexOf('?');
  const pathname = q < 0 ? o.path : o.path.slice(0, q);
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(o.path.slice(q + 1))) query[k] = v;
  let headers: Record<string, string> = { host: url.host, 'content-length': String(body.length), ...o.headers };
  if (!o.unsigned) {
    headers['x-amz-content-sha256'] = o.payloadHash ?? createHash('sha256').update(body).digest('hex');
    const signer = new SignatureV4({
      service: 's3', region: TEST_REGION, sha256: Sha256, uriEscapePath: false,
      credentials: { accessKeyId: o.accessKey ?? TEST_ACCESS_KEY, secretAccessKey: o.secretKey ?? TEST_SECRET_KEY },
    });
    const signed = await signer.sign(
      { method: o.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: pathname, query, headers, body },
      { signingDate: o.signingDate },
    );
    headers = signed.headers as Record<string, string>;
  }
  return sendHttp({ host: url.hostname, port: url.port, method: o.method, path: o.path, headers }, body);
}

/** Sends one request as given and collects the whole answer as text (every raw helper's last step). */
export function sendHttp(options: RequestOptions, body: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The <Code> of an S3 XML error body. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
}
