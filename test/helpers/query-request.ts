/** Signs and sends AWS Query-protocol requests (IAM, STS) by hand, as the SDKs do: a form body whose SHA-256 is signed but not sent as a header. */
import { SignatureV4 } from '@smithy/signature-v4';
import { sendHttp, Sha256, type RawResponse } from './raw-request.js';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from './start-server.js';

export interface QueryOptions {
  readonly service: 'iam' | 'sts';
  readonly params: Record<string, string>;
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly region?: string;
}

/** POSTs `params` form-encoded to `/`, SigV4-signed for the service's credential scope. */
export async function queryRequest(baseUrl: string, o: QueryOptions): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = new URLSearchParams(o.params).toString();
  const signer = new SignatureV4({
    service: o.service, region: o.region ?? 'us-east-1', sha256: Sha256,
    credentials: { accessKeyId: o.accessKey ?? TEST_ACCESS_KEY, secretAccessKey: o.secretKey ?? TEST_SECRET_KEY },
  });
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  return sendHttp({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers }, body);
}
