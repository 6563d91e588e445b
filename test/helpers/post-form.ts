/** Browser POST forms for tests: a SigV4-signed policy's fields, and multipart/form-data bodies built byte for byte. */
import { createHmac } from 'node:crypto';
import { sendHttp, type RawResponse } from './raw-request.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from './start-server.js';

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The fields of a SigV4-signed form for `conditions` on `bucket`, as a web page would be given them. */
export function signedFields(
  bucket: string, conditions: unknown[], fields: Record<string, string>, expiresInMs = 60_000,
  keys: { accessKey: string; secretKey: string } = { accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY },
): Record<string, string> {
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const amzDate = `${date}T000000Z`;
  const credential = `${keys.accessKey}/${date}/${TEST_REGION}/s3/aws4_request`;
  const all = { ...fields, 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': amzDate };
  const policy = Buffer.from(JSON.stringify({
    expiration: new Date(now.getTime() + expiresInMs).toISOString(),
    conditions: [...conditions, { bucket }, { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-credential': credential }, { 'x-amz-date': amzDate }],
  })).toString('base64');
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretKey}`, date), TEST_REGION), 's3'), 'aws4_request');
  return { ...all, policy, 'x-amz-signature': hmac(key, policy).toString('hex') };
}

export const BOUNDARY = '----strongroomFormBoundary7MA4YWxkTrZu0gW';

/** A field part exactly as given (no escaping or line-break normalisation), so tests can send what browsers would not. */
export function fieldPart(name: string, value: string | Buffer, extraHead = ''): Buffer {
  return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n${extraHead}\r\n`), Buffer.from(value), Buffer.from('\r\n')]);
}

/** The head of the file part (its content follows, then `FORM_END`). */
export function fileHead(filename = 'upload.bin', contentType = 'application/octet-stream'): Buffer {
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`);
}

export const FORM_END = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** A whole form: the fields in order, then the file. */
export function formBody(fields: Record<string, string>, file: Buffer | string, filename?: string, contentType?: string): Buffer {
  return Buffer.concat([...Object.entries(fields).map(([k, v]) => fieldPart(k, v)), fileHead(filename, contentType), Buffer.from(file), FORM_END]);
}

export type FormResponse = RawResponse;

/** POSTs a prepared multipart body to `url` (the bucket's URL). */
export function postForm(url: string, body: Buffer): Promise<FormResponse> {
  const u = new URL(url);
  return sendHttp({
    host: u.hostname, port: u.port, method: 'POST', path: `${u.pathname}${u.search}`,
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': body.length },
  }, body);
}
