/** Fuzz cases for a live server: valid signed seed requests (SigV4, SigV2, presigned, aws-chunked, XML, POST forms), fast-check mutations of them, and fully random requests. */
import { createHash } from 'node:crypto';
import { crc32 } from '@node-rs/crc32';
import fc from 'fast-check';
import {
  awsChunkedBody, formBody, postPolicyFields, presignV2, presignV4, serializeChunked, sigV4Time, signV2Headers, signV4Headers,
  type Chunk,
} from './aws-signing.js';
import type { WireRequest } from './raw-http.js';

/** What the seeds address on the server under test. */
export interface FuzzTarget {
  readonly host: string;
  readonly bucket: string;
  /** An object that exists (GET seeds read it). */
  readonly existingKey: string;
  /** A multipart upload with part 1 uploaded, and that part's ETag (for CompleteMultipartUpload). */
  upload(): { key: string; uploadId: string; etag: string };
}

/** A request plus the structure its body was built from, so mutations can work on chunks, XML or form fields. */
export interface Built {
  req: WireRequest;
  chunked?: { chunks: Chunk[]; trailers: Array<[string, string]>; hasTrailer: boolean };
  xml?: string;
  form?: { boundary: string; fields: Array<[string, string]>; file: Buffer; filename: string };
  /** Content-MD5 is recomputed after a body mutation (it is not signed), unless a mutation set it. */
  md5?: boolean;
}

const md5b64 = (b: Buffer) => createHash('md5').update(b).digest('base64');
const sha256hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const body10k = Buffer.alloc(10_000, 'fuzz-data ');

/** Signed with UNSIGNED-PAYLOAD, so mutated bodies pass authentication and reach the parsers. */
function xmlSeed(t: FuzzTarget, method: string, path: string, query: Array<[string, string]>, xml: string): Built {
  const now = sigV4Time();
  const target = `${path}?${query.map(([k, v]) => (v === '' ? k : `${k}=${encodeURIComponent(v)}`)).join('&')}`;
  const { headers } = signV4Headers(now, method, path, query, t.host, [], 'UNSIGNED-PAYLOAD');
  return { req: { method, target, headers, body: Buffer.from(xml) }, xml, md5: true };
}

/** The seeds by name: each is a valid request the server accepts (test/security/fuzz.test.ts checks that first). */
export const SEEDS: Readonly<Record<string, { expect: number; build: (t: FuzzTarget) => Built }>> = {
  'sigv4-put': {
    expect: 200,
    build: (t) => {
      const path = `/${t.bucket}/fuzz-v4`;
      const { headers } = signV4Headers(sigV4Time(), 'PUT', path, [], t.host, [['content-type', 'text/plain']], sha256hex(body10k));
      return { req: { method: 'PUT', target: path, headers, body: body10k } };
    },
  },
  'sigv4-unsigned-payload-put': {
    expect: 200,
    build: (t) => {
      const path = `/${t.bucket}/fuzz-unsigned`;
      const { headers } = signV4Headers(sigV4Time(), 'PUT', path, [], t.host, [['x-amz-meta-color', 'blue']], 'UNSIGNED-PAYLOAD');
      return { req: { method: 'PUT', target: path, headers, body: body10k } };
    },
  },
  'aws-chunked-signed': {
    expect: 200,
    build: (t) => {
      const path = `/${t.bucket}/fuzz-chunked`;
      const now = sigV4Time();
      const signed = signV4Headers(now, 'PUT', path, [], t.host, [['content-encoding', 'aws-chunked'], ['x-amz-decoded-content-length', String(body10k.length)]], 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
      const c = awsChunkedBody(body10k, 8192, { t: now, seed: signed.seedSignature });
      return { req: { method: 'PUT', target: path, headers: signed.headers, body: c.body }, chunked: { chunks: c.chunks, trailers: c.trailers, hasTrailer: false } };
    },
  },
  'aws-chunked-signed-trailer': {
    expect: 200,
    build: (t) => {
      const path = `/${t.bucket}/fuzz-chunked-trailer`;
      const now = sigV4Time();
      const signed = signV4Headers(now, 'PUT', path, [], t.host, [
        ['content-encoding', 'aws-chunked'], ['x-amz-decoded-content-length', String(body10k.length)], ['x-amz-trailer', 'x-amz-checksum-crc32'],
      ], 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body10k));
      const c = awsChunkedBody(body10k, 8192, { t: now, seed: signed.seedSignature, trailers: [['x-amz-checksum-crc32', crc.toString('base64')]] });
      return { req: { method: 'PUT', target: path, headers: signed.headers, body: c.body }, chunked: { chunks: c.chunks, trailers: c.trailers, hasTrailer: true } };
    },
  },
  'aws-chunked-unsigned-trailer': {
    expect: 200,
    build: (t) => {
      const path = `/${t.bucket}/fuzz-unsigned-trailer`;
      const signed = signV4Headers(sigV4Time(), 'PUT', path, [], t.host, [
        ['content-encoding', 'aws-chunked'], ['x-amz-decoded-content-length', String(body10k.length)], ['x-amz-trailer', 'x-amz-checksum-crc32'],
      ], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body10k));
      const c = awsChunkedBody(body10k, 8192, { trailers: [['x-amz-checksum-crc32', crc.toString('base64')]] });
      return { req: { method: 'PUT', target: path, headers: signed.headers, body: c.body }, chunked: { chunks: c.chunks, trailers: c.trailers, hasTrailer: true } };
    },
  },
  'sigv4-presigned-get': {
    expect: 200,
    build: (t) => ({ req: { method: 'GET', target: presignV4(sigV4Time(), 'GET', `/${t.bucket}/${t.existingKey}`, t.host), headers: [['host', t.host]], body: Buffer.alloc(0) } }),
  },
  'sigv2-header-get': {
    expect: 200,
    build: (t) => {
      const path = `/${t.bucket}/${t.existingKey}`;
      return { req: { method: 'GET', target: path, headers: signV2Headers('GET', path, t.host, []), body: Buffer.alloc(0) } };
    },
  },
  'sigv2-presigned-get': {
    expect: 200,
    build: (t) => ({ req: { method: 'GET', target: presignV2('GET', `/${t.bucket}/${t.existingKey}`), headers: [['host', t.host]], body: Buffer.alloc(0) } }),
  },
  'delete-objects-xml': {
    expect: 200,
    build: (t) => xmlSeed(t, 'POST', `/${t.bucket}`, [['delete', '']],
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>false</Quiet><Object><Key>fuzz-gone-1</Key></Object><Object><Key>fuzz-gone-2</Key></Object></Delete>'),
  },
  'complete-multipart-xml': {
    expect: 200,
    build: (t) => {
      const u = t.upload();
      return xmlSeed(t, 'POST', `/${t.bucket}/${u.key}`, [['uploadId', u.uploadId]],
        `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>${u.etag}</ETag></Part></CompleteMultipartUpload>`);
    },
  },
  'put-bucket-encryption-xml': {
    expect: 200,
    build: (t) => xmlSeed(t, 'PUT', `/${t.bucket}`, [['encryption', '']],
      '<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>'),
  },
  'put-object-tagging-xml': {
    expect: 200,
    build: (t) => xmlSeed(t, 'PUT', `/${t.bucket}/${t.existingKey}`, [['tagging', '']],
      '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag><Tag><Key>env</Key><Value>fuzz</Value></Tag></TagSet></Tagging>'),
  },
  'post-form': {
    expect: 204,
    build: (t) => {
      const boundary = 'fuzzboundary0123456789';
      const fields = postPolicyFields(t.bucket, 'fuzz-form');
      const file = Buffer.from('posted by the fuzz seed');
      return {
        req: { method: 'POST', target: `/${t.bucket}`, headers: [['host', t.host], ['content-type', `multipart/form-data; boundary=${boundary}`]], body: formBody(boundary, fields, file) },
        form: { boundary, fields, file, filename: 'f.bin' },
      };
    },
  },
};

/** Mutations as data (fast-check generates them; `applyMutations` performs them). Indexes are taken modulo the list's length. */
export type Mutation =
  | { op: 'set-header' | 'dup-header'; i: number; value: string }
  | { op: 'del-header'; i: number }
  | { op: 'add-header'; name: string; value: string }
  | { op: 'auth-token'; i: number; value: string }
  | { op: 'query-set'; i: number; value: string }
  | { op: 'query-del'; i: number }
  | { op: 'query-add'; name: string; value: string }
  | { op: 'path-insert'; i: number; value: string }
  | { op: 'method'; value: string }
  | { op: 'length'; value: string }
  | { op: 'body-flip'; i: number; byte: number }
  | { op: 'body-cut'; i: number }
  | { op: 'body-insert'; i: number; bytes: Uint8Array }
  | { op: 'chunk-size' | 'chunk-sig'; i: number; value: string }
  | { op: 'chunk-data'; i: number; bytes: Uint8Array }
  | { op: 'trailer-set'; i: number; value: string }
  | { op: 'trailer-add'; name: string; value: string; count: number }
  | { op: 'trailer-del'; i: number }
  | { op: 'xml-insert'; i: number; value: string }
  | { op: 'xml-text'; i: number; value: string }
  | { op: 'xml-nest'; name: string; depth: number }
  | { op: 'form-set'; i: number; value: string }
  | { op: 'form-add'; name: string; value: string }
  | { op: 'form-del'; i: number }
  | { op: 'form-file'; filename: string; bytes: Uint8Array }
  | { op: 'form-boundary'; value: string };

const SPECIAL = [
  '', ' ', '\t', ',', ';', '=', '/', ':', '%', '%zz', '%0', '%C0%AF', '..', '../..', '\u0000', '\u00ff', '\u0100', '\u{1F600}', '\r\n', '\n',
  '-1', '0', '1', '18446744073709551616', '99999999999999999999', '1e3', '0x10', 'NaN', ' 5', '5 ', '+5',
  'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1', 'UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD', 'aws-chunked', 'aws-chunked,gzip', 'chunked', 'gzip',
  'x-amz-checksum-crc32', 'x-amz-checksum-sha256,x-amz-checksum-crc32', 'AES256', 'aws:kms', 'aws:kms:dsse', 'GLACIER', 'STANDARD',
  '20130524T000000Z', '19700101T000000Z', '20991231T235959Z', '20240101T250000Z', 'Thu, 01 Jan 1970 00:00:00 GMT',
  'AKIASTRONGROOMTEST01', 'x'.repeat(300), 'a'.repeat(5000), '${filename}', '__proto__', 'constructor', 'null', 'true', '[]', '{}',
];
const HEADER_NAMES = [
  'authorization', 'x-amz-date', 'date', 'x-amz-content-sha256', 'content-length', 'content-md5', 'content-type', 'content-encoding',
  'transfer-encoding', 'x-amz-decoded-content-length', 'x-amz-trailer', 'x-amz-sdk-checksum-algorithm', 'x-amz-checksum-crc32',
  'x-amz-checksum-sha256', 'x-amz-checksum-crc64nvme', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-storage-class', 'x-amz-copy-source', 'x-amz-copy-source-range', 'x-amz-metadata-directive', 'x-amz-tagging', 'x-amz-meta-a',
  'x-amz-security-token', 'range', 'if-match', 'if-none-match', 'if-modified-since', 'expect', 'host', 'x-amz-expected-bucket-owner',
  'x-amz-object-lock-mode', 'x-amz-acl', 'x-amz-checksum-mode', 'x-amz-mp-object-size', 'x-amz-write-offset-bytes',
];
const QUERY_NAMES = [
  'uploadId', 'partNumber', 'uploads', 'delete', 'tagging', 'encryption', 'versionId', 'list-type', 'max-keys', 'prefix', 'delimiter',
  'continuation-token', 'start-after', 'marker', 'max-parts', 'part-number-marker', 'response-content-type', 'response-content-disposition',
  'response-expires', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature',
  'X-Amz-Security-Token', 'AWSAccessKeyId', 'Expires', 'Signature', 'acl', 'location', 'versioning', 'x-id', 'encoding-type',
];
const XML_SNIPPETS = [
  '<!DOCTYPE a [<!ENTITY x "y">]>', '<!ENTITY a "&a;&a;">', '&x;', '&amp;', '&#0;', '&#xFFFF;', '<![CDATA[<x>]]>', '<?xml version="1.1"?>',
  '<__proto__>x</__proto__>', '<constructor>1</constructor>', '<prototype/>', '<Object><Key></Key></Object>', '<Part><PartNumber>0</PartNumber></Part>',
  '<Part><PartNumber>10001</PartNumber><ETag>x</ETag></Part>', '<Tag><Key>k</Key><Value>v</Value></Tag>', '<Rule/>', '<a b="c" b="d"/>',
  '</Delete>', '<', '>', '"', '\u0000', '\uFFFE', '<Key>\u{1F600}</Key>', '<SSEAlgorithm>aws:kms</SSEAlgorithm>', '<KMSMasterKeyID>k</KMSMasterKeyID>',
];
const XML_NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'Object', 'Part', 'Tag', 'Rule', 'a'];

const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{0,70}$/) },
);
const idx = fc.nat({ max: 1 << 16 });
const bytes = fc.uint8Array({ maxLength: 64 });

const genericMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('set-header' as const, 'dup-header' as const), i: idx, value: anyText }),
  fc.record({ op: fc.constant('del-header' as const), i: idx }),
  fc.record({ op: fc.constant('add-header' as const), name: fc.constantFrom(...HEADER_NAMES), value: anyText }),
  fc.record({ op: fc.constant('auth-token' as const), i: idx, value: anyText }),
  fc.record({ op: fc.constant('query-set' as const), i: idx, value: anyText }),
  fc.record({ op: fc.constant('query-del' as const), i: idx }),
  fc.record({ op: fc.constant('query-add' as const), name: fc.constantFrom(...QUERY_NAMES), value: anyText }),
  fc.record({ op: fc.constant('path-insert' as const), i: idx, value: anyText }),
  fc.record({ op: fc.constant('method' as const), value: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'put', 'PROPFIND') }),
  fc.record({ op: fc.constant('length' as const), value: fc.oneof(fc.nat({ max: 20_000 }).map(String), fc.constantFrom(...SPECIAL)) }),
  fc.record({ op: fc.constant('body-flip' as const), i: idx, byte: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('body-cut' as const), i: idx }),
  fc.record({ op: fc.constant('body-insert' as const), i: idx, bytes }),
);
const chunkMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('chunk-size' as const, 'chunk-sig' as const), i: idx, value: fc.oneof(anyText, fc.nat({ max: 100_000 }).map((n) => n.toString(16))) }),
  fc.record({ op: fc.constant('chunk-data' as const), i: idx, bytes }),
  fc.record({ op: fc.constant('trailer-set' as const), i: idx, value: anyText }),
  fc.record({ op: fc.constant('trailer-add' as const), name: fc.constantFrom('x-amz-checksum-crc32', 'x-amz-trailer-signature', 'x-amz-checksum-sha256', 'x', ''), value: anyText, count: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('trailer-del' as const), i: idx }),
);
const xmlMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('xml-insert' as const), i: idx, value: fc.oneof(fc.constantFrom(...XML_SNIPPETS), anyText) }),
  fc.record({ op: fc.constant('xml-text' as const), i: idx, value: anyText }),
  fc.record({ op: fc.constant('xml-nest' as const), name: fc.constantFrom(...XML_NAMES), depth: fc.integer({ min: 1, max: 400 }) }),
);
const formMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('form-set' as const), i: idx, value: anyText }),
  fc.record({ op: fc.constant('form-add' as const), name: fc.constantFrom('key', 'policy', 'success_action_redirect', 'success_action_status', 'content-type', 'x-amz-meta-a', 'x-amz-server-side-encryption', 'tagging', 'acl', 'Content-Disposition', 'file'), value: anyText }),
  fc.record({ op: fc.constant('form-del' as const), i: idx }),
  fc.record({ op: fc.constant('form-file' as const), filename: anyText, bytes }),
  fc.record({ op: fc.constant('form-boundary' as const), value: anyText }),
);

/** A case: a seed with 1–4 mutations (structured ones where the seed has the structure), or a fully random request. */
export type FuzzCase = { kind: 'mutated'; seed: string; mutations: Mutation[] } | { kind: 'random'; req: WireRequest };

const AUTH_RANDOM = fc.oneof(
  anyText,
  fc.tuple(anyText, anyText, anyText, anyText).map(([a, b, c, d]) => `AWS4-HMAC-SHA256 Credential=${a}/${b}/us-east-1/s3/aws4_request, SignedHeaders=${c}, Signature=${d}`),
  fc.tuple(anyText, anyText).map(([a, b]) => `AWS ${a}:${b}`),
);

function randomRequest(bucket: string, host: string): fc.Arbitrary<WireRequest> {
  return fc.record({
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
    path: fc.oneof(fc.constant(`/${bucket}`), fc.string({ maxLength: 30 }).map((s) => `/${bucket}/${encodeURIComponent(s)}`), fc.string({ maxLength: 30 }).map((s) => `/${s}`)),
    query: fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), anyText), { maxLength: 4 }),
    headers: fc.array(fc.tuple(fc.constantFrom(...HEADER_NAMES), anyText), { maxLength: 6 }),
    auth: fc.option(AUTH_RANDOM),
    body: fc.uint8Array({ maxLength: 2048 }),
  }).map((r) => ({
    method: r.method,
    target: r.query.length === 0 ? r.path : `${r.path}?${r.query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`,
    headers: [['host', host] as [string, string], ...r.headers.filter(([k]) => k !== 'content-length' && k !== 'transfer-encoding'),
      ...(r.auth === null ? [] : [['authorization', r.auth] as [string, string]])].map(([k, v]) => [k, latin1(v)] as [string, string]),
    body: Buffer.from(r.body),
  }));
}

/** Header text as it can travel: characters beyond Latin-1 are sent as their UTF-8 bytes. */
function latin1(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

export function fuzzCase(bucket: string, host: string): fc.Arbitrary<FuzzCase> {
  const seedNames = Object.keys(SEEDS);
  const structured = (seed: string) => (SEEDS[seed] && /chunked/.test(seed) ? chunkMutation : /xml/.test(seed) ? xmlMutation : seed === 'post-form' ? formMutation : genericMutation);
  const mutated = fc.constantFrom(...seedNames).chain((seed) => fc.record({
    kind: fc.constant('mutated' as const),
    seed: fc.constant(seed),
    mutations: fc.array(fc.oneof({ weight: 2, arbitrary: structured(seed) }, { weight: 1, arbitrary: genericMutation }), { minLength: 1, maxLength: 4 }),
  }));
  return fc.oneof(
    { weight: 4, arbitrary: mutated },
    { weight: 1, arbitrary: randomRequest(bucket, host).map((req) => ({ kind: 'random' as const, req })) },
  );
}

const at = <T>(list: readonly T[], i: number): number => (list.length === 0 ? -1 : i % list.length);

function splitQuery(target: string): { path: string; params: string[] } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, params: [] } : { path: target.slice(0, q), params: target.slice(q + 1).split('&') };
}

/** Applies the mutations to a freshly built seed and returns the request to send (Content-Length set last unless a mutation fixed it). */
export function applyMutations(b: Built, mutations: readonly Mutation[]): WireRequest {
  const req = b.req;
  let length: string | undefined;
  const rebuild = () => {
    if (b.chunked) req.body = serializeChunked(b.chunked.chunks, b.chunked.trailers, b.chunked.hasTrailer);
    if (b.xml !== undefined) req.body = Buffer.from(b.xml, 'utf8');
    if (b.form) req.body = formBody(b.form.boundary, b.form.fields, b.form.file, b.form.filename);
  };
  for (const m of mutations) {
    switch (m.op) {
      case 'set-header': { const i = at(req.headers, m.i); if (i >= 0) req.headers[i]![1] = latin1(m.value); break; }
      case 'dup-header': { const i = at(req.headers, m.i); if (i >= 0) req.headers.splice(i + 1, 0, [req.headers[i]![0], latin1(m.value)]); break; }
      case 'del-header': { const i = at(req.headers, m.i); if (i >= 0) req.headers.splice(i, 1); break; }
      case 'add-header': if (m.name === 'content-length') length = m.value; else req.headers.push([m.name, latin1(m.value)]); break;
      case 'auth-token': {
        const h = req.headers.find(([k]) => k === 'authorization');
        if (!h) break;
        const tokens = h[1].split(/([ ,=/:;])/);
        const i = at(tokens, m.i);
        tokens[i] = latin1(m.value);
        h[1] = tokens.join('');
        break;
      }
      case 'query-set': case 'query-del': case 'query-add': {
        const { path, params } = splitQuery(req.target);
        if (m.op === 'query-add') params.push(`${m.name}=${encodeURIComponent(m.value)}`);
        const i = at(params, m.op === 'query-add' ? 0 : m.i);
        if (m.op === 'query-set' && i >= 0) params[i] = `${params[i]!.split('=')[0]}=${encodeURIComponent(m.value)}`;
        if (m.op === 'query-del' && i >= 0) params.splice(i, 1);
        req.target = params.length === 0 ? path : `${path}?${params.join('&')}`;
        break;
      }
      case 'path-insert': {
        const { path, params } = splitQuery(req.target);
        const i = 1 + (m.i % Math.max(1, path.length));
        const ins = encodeURIComponent(m.value).replace(/%2F/g, '/').replace(/%25/g, '%');
        const p = path.slice(0, i) + ins + path.slice(i);
        req.target = params.length === 0 ? p : `${p}?${params.join('&')}`;
        break;
      }
      case 'method': req.method = m.value; break;
      case 'length': length = m.value; break;
      case 'body-flip': if (req.body.length > 0) { req.body = Buffer.from(req.body); req.body[m.i % req.body.length]! ^= m.byte || 1; } break;
      case 'body-cut': req.body = req.body.subarray(0, m.i % (req.body.length + 1)); break;
      case 'body-insert': { const i = m.i % (req.body.length + 1); req.body = Buffer.concat([req.body.subarray(0, i), m.bytes, req.body.subarray(i)]); break; }
      case 'chunk-size': case 'chunk-sig': case 'chunk-data': {
        if (!b.chunked) break;
        const c = b.chunked.chunks[at(b.chunked.chunks, m.i)]!;
        if (m.op === 'chunk-size') c.size = latin1(m.value);
        else if (m.op === 'chunk-sig') c.signature = latin1(m.value);
        else if (m.op === 'chunk-data') c.data = Buffer.concat([c.data, m.bytes]);
        rebuild();
        break;
      }
      case 'trailer-set': case 'trailer-del': case 'trailer-add': {
        if (!b.chunked) break;
        const tr = b.chunked.trailers;
        if (m.op === 'trailer-add') for (let k = 0; k < m.count; k++) tr.push([m.name, latin1(m.value)]);
        const i = at(tr, m.op === 'trailer-add' ? 0 : m.i);
        if (m.op === 'trailer-set' && i >= 0) tr[i]![1] = latin1(m.value);
        if (m.op === 'trailer-del' && i >= 0) tr.splice(i, 1);
        b.chunked.hasTrailer = true;
        rebuild();
        break;
      }
      case 'xml-insert': if (b.xml !== undefined) { const i = m.i % (b.xml.length + 1); b.xml = b.xml.slice(0, i) + m.value + b.xml.slice(i); rebuild(); } break;
      case 'xml-text': {
        if (b.xml === undefined) break;
        const texts = [...b.xml.matchAll(/>([^<]*)</g)];
        const i = at(texts, m.i);
        if (i >= 0) { const t = texts[i]!; b.xml = b.xml.slice(0, t.index + 1) + m.value + b.xml.slice(t.index + 1 + t[1]!.length); rebuild(); }
        break;
      }
      case 'xml-nest': {
        if (b.xml === undefined) break;
        const gt = b.xml.indexOf('>', b.xml.indexOf('<', b.xml.startsWith('<?') ? 2 : 0) + 1);
        b.xml = b.xml.slice(0, gt + 1) + `<${m.name}>`.repeat(m.depth) + `</${m.name}>`.repeat(m.depth) + b.xml.slice(gt + 1);
        rebuild();
        break;
      }
      case 'form-set': case 'form-del': case 'form-add': case 'form-file': case 'form-boundary': {
        if (!b.form) break;
        const f = b.form.fields;
        if (m.op === 'form-add') f.push([m.name, m.value]);
        else if (m.op === 'form-set') { const i = at(f, m.i); if (i >= 0) f[i]![1] = m.value; }
        else if (m.op === 'form-del') { const i = at(f, m.i); if (i >= 0) f.splice(i, 1); }
        else if (m.op === 'form-file') { b.form.filename = m.filename; b.form.file = Buffer.from(m.bytes); }
        else {
          b.form.boundary = latin1(m.value);
          const ct = req.headers.find(([k]) => k === 'content-type');
          if (ct) ct[1] = `multipart/form-data; boundary=${b.form.boundary}`;
        }
        rebuild();
        break;
      }
    }
  }
  // Content-MD5 is not signed here: recomputing it lets a mutated XML body reach the parser.
  if (b.md5 && !req.headers.some(([k]) => k === 'content-md5')) req.headers.push(['content-md5', md5b64(req.body)]);
  if (!req.headers.some(([k]) => k === 'transfer-encoding')) req.headers.push(['content-length', length ?? String(req.body.length)]);
  return req;
}

/** A seed as sent unmutated (Content-MD5 and Content-Length added as for a mutated one). */
export function buildSeed(name: string, t: FuzzTarget): WireRequest {
  return applyMutations(SEEDS[name]!.build(t), []);
}
