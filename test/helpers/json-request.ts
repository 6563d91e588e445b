/** Signs and sends AWS JSON 1.1 requests (CloudTrail) by hand, as the SDKs do: an X-Amz-Target, a JSON body whose SHA-256 is signed but not sent as a header. */
import { SignatureV4 } from '@smithy/signature-v4';
import { sendHttp, Sha256, type RawResponse } from './raw-request.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from './start-server.js';

export interface JsonOptions {
  readonly service: 'cloudtrail';
  /** The full X-Amz-Target, e.g. com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents. */
  readonly target: string;
  readonly input: unknown;
  readonly accessKey?: string;
  readonly secretKey?: string;
}

export async function jsonRequest(baseUrl: string, o: JsonOptions): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = JSON.stringify(o.input);
  const signer = new SignatureV4({
    service: o.service, region: TEST_REGION, sha256: Sha256,
    credentials: { accessKeyId: o.accessKey ?? TEST_ACCESS_KEY, secretAccessKey: o.secretKey ?? TEST_SECRET_KEY },
  });
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': o.target, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  return sendHttp({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers }, body);
}
