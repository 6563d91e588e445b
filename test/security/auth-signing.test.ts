/** Signature edge cases an attacker would try: unsigned x-amz-* headers added to a captured request, unsigned host, stale or impossible dates, long SigV2 URLs, bad escapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { amzDateOf, presignV2, presignV4, send, sha256hex, signHeaders, signingKey } from '../helpers/hand-signer.js';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from '../helpers/start-server.js';

const suite = serverSuite('auth-sign', async (s) => {
  const put = await rawRequest(s.server.url, { method: 'PUT', path: `/${s.bucket}/secret`, body: 'TOP SECRET' });
  assert.equal(put.status, 200);
});

const host = () => new URL(suite.server.url).host;
const DAY = 86_400_000;
const ymd = (d: Date) => amzDateOf(d).slice(0, 8);
const getBody = async (key: string) => (await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/${key}` }));

/** A header-signed PUT of `body` to `key`, as a client would send it (and an attacker could capture it). */
function capturedPut(key: string, body: string, over: { amzDate?: string; scopeDate?: string } = {}) {
  const headers = signHeaders({
    method: 'PUT', path: `/${suite.bucket}/${key}`, host: host(), headers: {}, payloadHash: sha256hex(body),
    amzDate: over.amzDate ?? amzDateOf(new Date()), scopeDate: over.scopeDate,
  });
  return { headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body };
}

test('a captured header-signed PUT replayed with an added x-amz-copy-source is refused, not turned into a CopyObject', async () => {
  const captured = capturedPut('innocent', 'harmless');
  const res = await send(suite.server.url, 'PUT', `/${suite.bucket}/innocent`, { ...captured.headers, 'x-amz-copy-source': `/${suite.bucket}/secret` }, captured.body);
  assert.equal(res.status, 403, res.body);
  assert.equal(errorCode(res.body), 'AccessDenied');
  assert.match(res.body, /<Message>There were headers present in the request which were not signed<\/Message>/);
  assert.match(res.body, /<HeadersNotSigned>x-amz-copy-source<\/HeadersNotSigned>/);
  assert.equal((await getBody('innocent')).status, 404, 'nothing was stored');
  // The same request without the added header is a valid PUT: the refusal is about the unsigned header only.
  const ok = await send(suite.server.url, 'PUT', `/${suite.bucket}/innocent`, captured.headers, captured.body);
  assert.equal(ok.status, 200, ok.body);
  assert.equal((await getBody('innocent')).body, 'harmless');
});

test('every unsigned x-amz-* header is listed (metadata, storage class)', async () => {
  const captured = capturedPut('meta', 'm');
  const res = await send(suite.server.url, 'PUT', `/${suite.bucket}/meta`, { ...captured.headers, 'x-amz-meta-owner': 'mallory', 'x-amz-storage-class': 'STANDARD' }, captured.body);
  assert.equal(res.status, 403, res.body);
  assert.equal(errorCode(res.body), 'AccessDenied');
  assert.match(res.body, /<HeadersNotSigned>x-amz-meta-owner, x-amz-storage-class<\/HeadersNotSigned>/);
  assert.equal((await getBody('meta')).status, 404);
});

test('a presigned PUT with an added unsigned x-amz-copy-source is refused', async () => {
  const path = presignV4({ method: 'PUT', path: `/${suite.bucket}/presigned-put`, host: host(), amzDate: amzDateOf(new Date()) });
  const res = await send(suite.server.url, 'PUT', path, { 'x-amz-copy-source': `/${suite.bucket}/secret`, 'content-length': '1' }, 'x');
  assert.equal(res.status, 403, res.body);
  assert.match(res.body, /<HeadersNotSigned>x-amz-copy-source<\/HeadersNotSigned>/);
  assert.equal((await getBody('presigned-put')).status, 404);
  const ok = await send(suite.server.url, 'PUT', path, { 'content-length': '1' }, 'x');
  assert.equal(ok.status, 200, ok.body);
});

test('a presigned URL must sign host', async () => {
  const path = presignV4({ method: 'GET', path: `/${suite.bucket}/secret`, host: host(), amzDate: amzDateOf(new Date()), omitHost: true, headers: { range: 'bytes=0-2' } });
  const res = await send(suite.server.url, 'GET', path, { range: 'bytes=0-2' });
  assert.equal(res.status, 400, res.body);
  assert.equal(errorCode(res.body), 'AuthorizationQueryParametersError');
  const signed = presignV4({ method: 'GET', path: `/${suite.bucket}/secret`, host: host(), amzDate: amzDateOf(new Date()), headers: { range: 'bytes=0-2' } });
  const ok = await send(suite.server.url, 'GET', signed, { range: 'bytes=0-2' });
  assert.equal(ok.status, 206, ok.body);
  assert.equal(ok.body, 'TOP');
});

test('the credential scope date must be the request date (header auth, presigned)', async () => {
  const now = new Date();
  const old = ymd(new Date(now.getTime() - 400 * DAY));
  const captured = capturedPut('old-scope', 'x', { scopeDate: old });
  const res = await send(suite.server.url, 'PUT', `/${suite.bucket}/old-scope`, captured.headers, captured.body);
  assert.equal(res.status, 400, res.body);
  assert.equal(errorCode(res.body), 'AuthorizationHeaderMalformed');
  assert.match(res.body, /Invalid credential date\. Date is not the same as X-Amz-Date\./);
  assert.equal((await getBody('old-scope')).status, 404);

  const path = presignV4({ method: 'GET', path: `/${suite.bucket}/secret`, host: host(), amzDate: amzDateOf(now), scopeDate: old });
  const pres = await send(suite.server.url, 'GET', path, {});
  assert.equal(pres.status, 400, pres.body);
  assert.equal(errorCode(pres.body), 'AuthorizationQueryParametersError');
  assert.match(pres.body, /Invalid credential date\. Date is not the same as X-Amz-Date\./);
});

test('a POST form whose credential date is not its x-amz-date is refused', async () => {
  const now = new Date();
  const old = ymd(new Date(now.getTime() - 400 * DAY));
  const amzDate = amzDateOf(now);
  const credential = `${TEST_ACCESS_KEY}/${old}/us-east-1/s3/aws4_request`;
  const policy = Buffer.from(JSON.stringify({
    expiration: new Date(now.getTime() + 60_000).toISOString(),
    conditions: [{ bucket: suite.bucket }, { key: 'post-old' }, { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }, { 'x-amz-credential': credential }, { 'x-amz-date': amzDate }],
  })).toString('base64');
  const signature = createHmac('sha256', signingKey(old)).update(policy).digest('hex');
  const form = new FormData();
  for (const [k, v] of Object.entries({ key: 'post-old', 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': amzDate, policy, 'x-amz-signature': signature })) form.append(k, v);
  form.append('file', new Blob(['x']), 'f.txt');
  const res = await fetch(`${suite.server.url}/${suite.bucket}`, { method: 'POST', body: form });
  const text = await res.text();
  assert.equal(res.status, 400, text);
  assert.equal(errorCode(text), 'AuthorizationQueryParametersError');
  assert.equal((await getBody('post-old')).status, 404);
});

/** `now` written with an hour past 23 on the previous day, and with a day past the end of the previous month. */
function impossibleSpellingsOf(now: Date): string[] {
  const hhmmss = amzDateOf(now).slice(9, 15);
  const yesterday = new Date(now.getTime() - DAY);
  const hourOverflow = `${ymd(yesterday)}T${String(now.getUTCHours() + 24)}${hhmmss.slice(2)}Z`;
  const lastOfPrevMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  const dayOverflow = `${ymd(lastOfPrevMonth).slice(0, 6)}${lastOfPrevMonth.getUTCDate() + now.getUTCDate()}T${hhmmss}Z`;
  return [hourOverflow, dayOverflow];
}

test('an x-amz-date with an impossible hour or day is refused, not normalised', async () => {
  for (const amzDate of impossibleSpellingsOf(new Date())) {
    const captured = capturedPut('impossible', 'x', { amzDate });
    const res = await send(suite.server.url, 'PUT', `/${suite.bucket}/impossible`, captured.headers, captured.body);
    assert.equal(res.status, 403, `${amzDate}: ${res.body}`);
    assert.equal(errorCode(res.body), 'AccessDenied');
    const path = presignV4({ method: 'GET', path: `/${suite.bucket}/secret`, host: host(), amzDate });
    const pres = await send(suite.server.url, 'GET', path, {});
    assert.equal(pres.status, 400, `${amzDate}: ${pres.body}`);
    assert.equal(errorCode(pres.body), 'AuthorizationQueryParametersError');
  }
  assert.equal((await getBody('impossible')).status, 404);
});

test('SigV2 presigned URLs expire at most 7 days ahead', async () => {
  const now = Math.floor(Date.now() / 1000);
  const ok = await send(suite.server.url, 'GET', presignV2('GET', `/${suite.bucket}/secret`, now + 3600), {});
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.body, 'TOP SECRET');
  const far = await send(suite.server.url, 'GET', presignV2('GET', `/${suite.bucket}/secret`, now + 30 * 86_400), {});
  assert.equal(far.status, 403, far.body);
  assert.equal(errorCode(far.body), 'AccessDenied');
});

test('a malformed % escape in a SigV2 request answers 400 InvalidURI, not 500', async () => {
  const now = Math.floor(Date.now() / 1000);
  const presigned = `${presignV2('GET', `/${suite.bucket}/secret`, now + 3600)}&response-content-type=%ZZ`;
  const q = await send(suite.server.url, 'GET', presigned, {});
  assert.equal(q.status, 400, q.body);
  assert.equal(errorCode(q.body), 'InvalidURI');
  const date = new Date().toUTCString();
  const header = { date, authorization: `AWS ${TEST_ACCESS_KEY}:${createHmac('sha1', TEST_SECRET_KEY).update(`GET\n\n\n${date}\n/${suite.bucket}/secret`).digest('base64')}` };
  const h = await send(suite.server.url, 'GET', `/${suite.bucket}/secret?response-content-type=%E0%A4%A`, header);
  assert.equal(h.status, 400, h.body);
  assert.equal(errorCode(h.body), 'InvalidURI');
  const p = await send(suite.server.url, 'GET', `/${suite.bucket}/%ZZ`, header);
  assert.equal(p.status, 400, p.body);
  assert.equal(errorCode(p.body), 'InvalidURI');
});
