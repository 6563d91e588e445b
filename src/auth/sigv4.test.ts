/** SigV4 against the worked examples of the AWS S3 API reference ("Signature calculation examples", 2013-05-24, examplebucket). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { authenticate } from './authenticate.js';
import { canonicalHeaders, canonicalQuery, canonicalUri, uriEncode } from './sigv4-canonical-request.js';
import type { Principal } from '../common/principal.js';

const ACCESS = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const principal: Principal = { accessKeyId: ACCESS, arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', displayName: 'example', canonicalId: 'c'.repeat(64), type: 'root', userId: '111122223333' };
const deps = (iso = '2013-05-24T00:00:00Z') => ({
  lookup: async (id: string) => (id === ACCESS ? { secretAccessKey: SECRET, principal } : undefined),
  clock: { now: () => new Date(iso) },
  region: 'us-east-1',
});
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const scope = `${ACCESS}/20130524/us-east-1/s3/aws4_request`;

async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function input(method: string, path: string, headers: Record<string, string>, body: Buffer | string = '') {
  const q = path.indexOf('?');
  return {
    method, rawPath: q < 0 ? path : path.slice(0, q), rawQuery: q < 0 ? '' : path.slice(q + 1),
    headers: { host: 'examplebucket.s3.amazonaws.com', ...headers }, body: Readable.from([Buffer.from(body)]), secure: true,
  };
}

test('GET Object with a Range header', async () => {
  const v = await authenticate(input('GET', '/test.txt', {
    range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z',
    authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
  }), deps());
  assert.equal(v.principal?.accessKeyId, ACCESS);
  assert.equal(v.service, 's3');
});

test('PUT Object with a signed payload; a changed body fails at its end', async () => {
  const headers = {
    date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-date': '20130524T000000Z', 'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd`,
  };
  const ok = await authenticate(input('PUT', '/test%24file.text', headers, 'Welcome to Amazon S3.'), deps());
  assert.equal((await drain(ok.body)).toString(), 'Welcome to Amazon S3.');
  const bad = await authenticate(input('PUT', '/test%24file.text', headers, 'Welcome to Amazon S4.'), deps());
  await assert.rejects(drain(bad.body), { code: 'XAmzContentSHA256Mismatch' });
});

test('GET Bucket lifecycle and list objects (query strings)', async () => {
  await authenticate(input('GET', '/?lifecycle', {
    'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': EMPTY,
    authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543`,
  }), deps());
  await authenticate(input('GET', '/?max-keys=2&prefix=J', {
    'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': EMPTY,
    authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7`,
  }), deps());
});

test('presigned GET: valid inside its window, expired after, refused when a byte of the signature changes', async () => {
  const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(scope)}&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host`;
  const sig = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const v = await authenticate(input('GET', `/test.txt?${query}&X-Amz-Signature=${sig}`, {}), deps('2013-05-24T12:00:00Z'));
  assert.equal(v.presigned, true);
  await assert.rejects(authenticate(input('GET', `/test.txt?${query}&X-Amz-Signature=${sig}`, {}), deps('2013-05-25T00:00:01Z')),
    (e: { code: string; message: string }) => e.code === 'AccessDenied' && e.message === 'Request has expired');
  await assert.rejects(authenticate(input('GET', `/test.txt?${query}&X-Amz-Signature=b${sig.slice(1)}`, {}), deps('2013-05-24T12:00:00Z')), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(authenticate(input('GET', `/test.txt?${query.replace('86400', '604801')}&X-Amz-Signature=${sig}`, {}), deps()), { code: 'AuthorizationQueryParametersError' });
  await assert.rejects(authenticate(input('GET', `/test.txt?${query}&X-Amz-Signature=${sig}`, { 'x-amz-meta-unsigned': 'x' }), deps('2013-05-24T12:00:00Z')),
    (e: { code: string; message: string }) => e.code === 'AccessDenied' && /not signed/.test(e.message));
});

/** The "Multiple Chunks" example: 65 KiB + 1 KiB of 'a', with the documented chunk signatures. */
function chunkedBody(sigs: string[]): Buffer {
  const a = (n: number) => Buffer.alloc(n, 'a');
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`), a(65536), Buffer.from('\r\n'),
    Buffer.from(`400;chunk-signature=${sigs[1]}\r\n`), a(1024), Buffer.from('\r\n'),
    Buffer.from(`0;chunk-signature=${sigs[2]}\r\n\r\n`),
  ]);
}
const CHUNK_SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const chunkedHeaders = {
  host: 's3.amazonaws.com',
  'x-amz-date': '20130524T000000Z', 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'content-encoding': 'aws-chunked',
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '66560', 'content-length': '66824',
  authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9`,
};

test('aws-chunked with chunk signatures: decodes, in any network split', async () => {
  const wire = chunkedBody(CHUNK_SIGS);
  assert.equal(wire.length, 66824);
  for (const split of [1, 7, 4096, wire.length]) {
    const pieces: Buffer[] = [];
    for (let i = 0; i < wire.length; i += split) pieces.push(wire.subarray(i, i + split));
    const v = await authenticate({ ...input('PUT', '/examplebucket/chunkObject.txt', chunkedHeaders), body: Readable.from(pieces) }, deps());
    const out = await drain(v.body);
    assert.equal(out.length, 66560);
    assert.ok(out.equals(Buffer.alloc(66560, 'a')));
  }
});

test('aws-chunked: a wrong chunk signature, a truncated stream, a wrong decoded length are refused', async () => {
  const wrong = await authenticate({ ...input('PUT', '/examplebucket/chunkObject.txt', chunkedHeaders), body: Readable.from([chunkedBody([CHUNK_SIGS[0]!, CHUNK_SIGS[0]!, CHUNK_SIGS[2]!])]) }, deps());
  await assert.rejects(drain(wrong.body), { code: 'SignatureDoesNotMatch' });
  const truncated = await authenticate({ ...input('PUT', '/examplebucket/chunkObject.txt', chunkedHeaders), body: Readable.from([chunkedBody(CHUNK_SIGS).subarray(0, 60000)]) }, deps());
  await assert.rejects(drain(truncated.body), { code: 'IncompleteBody' });
});

test('unsigned payload with a trailing checksum', async () => {
  const body = Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n');
  const headers = {
    'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32',
    'x-amz-decoded-content-length': '5', 'content-encoding': 'aws-chunked',
  };
  // Sign the header part with the same algorithm the server checks; the payload itself is unsigned.
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('../../test/helpers/raw-request.js');
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', sha256: Sha256, uriEscapePath: false, credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET } });
  const signed = await signer.sign({ method: 'PUT', protocol: 'https:', hostname: 'examplebucket.s3.amazonaws.com', path: '/k', headers: { host: 'examplebucket.s3.amazonaws.com', ...headers } }, { signingDate: new Date('2013-05-24T00:00:00Z') });
  const v = await authenticate({ ...input('PUT', '/k', signed.headers as Record<string, string>), body: Readable.from([body]) }, deps());
  assert.equal((await drain(v.body)).toString(), 'hello');
  assert.deepEqual({ ...v.trailers() }, { 'x-amz-checksum-crc32': 'NhCmhg==' });
});

test('clock skew, unknown key, malformed header', async () => {
  const headers = {
    range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY, 'x-amz-date': '20130524T000000Z',
    authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
  };
  await assert.rejects(authenticate(input('GET', '/test.txt', headers), deps('2013-05-24T00:16:00Z')), { code: 'RequestTimeTooSkewed' });
  await assert.rejects(authenticate(input('GET', '/test.txt', { ...headers, authorization: headers.authorization.replace(ACCESS, 'AKIAOTHER') }), deps()), { code: 'InvalidAccessKeyId' });
  await assert.rejects(authenticate(input('GET', '/test.txt', { ...headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' }), deps()), { code: 'AuthorizationHeaderMalformed' });
});

test('URI encoding and canonical query follow the AWS rules', () => {
  assert.equal(uriEncode('a b+c/d~e_f.g-h*'), 'a%20b%2Bc%2Fd~e_f.g-h%2A');
  assert.equal(canonicalUri('/bucket/a%20b/%E2%82%AC'), '/bucket/a%20b/%E2%82%AC');
  assert.equal(canonicalQuery('b=2&a=1&a=0&uploads'), 'a=0&a=1&b=2&uploads=');
  assert.equal(canonicalQuery('prefix=a%2Fb&delimiter=%2F'), 'delimiter=%2F&prefix=a%2Fb');
});

test('canonicalHeaders reads own header properties only: a signed name like constructor or __proto__ is an absent header, not a crash (fuzz seed 775598459 answered 500)', () => {
  const headers = { host: 'h' } as Record<string, string>;
  assert.equal(canonicalHeaders(headers, ['constructor', 'host', 'tostring', '__proto__']), 'constructor:\nhost:h\ntostring:\n__proto__:\n');
});
