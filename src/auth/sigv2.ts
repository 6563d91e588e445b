/** Signature Version 2 (HMAC-SHA1): the `AWS id:sig` header and the AWSAccessKeyId/Signature/Expires query that boto3 still presigns with by default. */
import { redactCustomerKeys } from './echo-redaction.js';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { CredentialLookup, Principal } from '../common/principal.js';
import { timingSafeEqualString } from '../common/timing-safe.js';

/** Query parameters that are part of the string to sign (botocore's HmacV1 list). */
const SIGNED_SUBRESOURCES = new Set([
  'accelerate', 'acl', 'cors', 'defaultObjectAcl', 'location', 'logging', 'partNumber', 'policy', 'requestPayment',
  'torrent', 'versioning', 'versionId', 'versions', 'website', 'uploads', 'uploadId', 'response-content-type',
  'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'delete', 'lifecycle', 'tagging', 'restore', 'storageClass', 'notification',
  'replication', 'analytics', 'metrics', 'inventory', 'select', 'select-type', 'object-lock', 'encryption',
]);

export interface SigV2Input {
  method: string; rawPath: string; rawQuery: string; headers: IncomingHttpHeaders;
  /** The bucket named by the Host header (virtual-hosted style), which the resource then starts with. */
  hostBucket?: string | undefined;
}

const h = (headers: IncomingHttpHeaders, n: string) => { const v = headers[n]; return Array.isArray(v) ? v.join(',') : v ?? ''; };

/** A malformed escape is the client's fault (400 InvalidURI), never an uncaught URIError (500). */
function decodeValue(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, '%20')); } catch { throw s3Error('InvalidURI'); }
}

/** S3 refuses query-string authentication good for more than 7 days, as it does for SigV4's X-Amz-Expires. */
const MAX_EXPIRES_AHEAD_MS = 7 * 24 * 3600 * 1000;

function subresources(rawQuery: string): string {
  const params: Array<[string, string | undefined]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    if (!SIGNED_SUBRESOURCES.has(k)) continue;
    params.push([k, eq < 0 ? undefined : decodeValue(part.slice(eq + 1))]);
  }
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const q = params.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&');
  return q === '' ? '' : `?${q}`;
}

/**
 * The resource paths a signer may have used. Virtual-hosted: `/bucket` + the path. Path-style: the path;
 * for a bucket-level request without the trailing slash (`PUT /bucket`) also `/bucket/`, which botocore
 * (and the Java SDK v1) sign: the resource S3 names a bucket by, as in the virtual-hosted `GET /` case.
 */
function resourcePaths(input: SigV2Input): string[] {
  if (input.hostBucket !== undefined) return [`/${input.hostBucket}${input.rawPath}`];
  return /^\/[^/]+$/.test(input.rawPath) ? [`${input.rawPath}/`, input.rawPath] : [input.rawPath];
}

/**
 * The strings to sign a signer may have used, as bytes. Node reads header bytes as Latin-1 characters:
 * first the bytes as they arrived (botocore signs the UTF-8 it sends); then, for a non-ASCII header value,
 * those characters UTF-8-encoded (what a Node client signs when it sends Latin-1). The path is ASCII or
 * arrived bytes too; decoded sub-resource values are UTF-8, as signers encode them.
 */
function stringsToSign(input: SigV2Input, date: string): Array<{ text: string; bytes: Buffer }> {
  const amz = Object.keys(input.headers).filter((n) => n.startsWith('x-amz-')).sort()
    .map((n) => `${n}:${h(input.headers, n).trim()}\n`).join('');
  const head = [input.method, h(input.headers, 'content-md5'), h(input.headers, 'content-type'), date].join('\n') + '\n' + amz;
  const sub = Buffer.from(subresources(input.rawQuery), 'utf8');
  const out: Array<{ text: string; bytes: Buffer }> = [];
  for (const path of resourcePaths(input)) {
    const raw = Buffer.from(head + path, 'latin1');
    const text = raw.toString('utf8') + sub.toString('utf8');
    out.push({ text, bytes: Buffer.concat([raw, sub]) });
    if (/[^\x00-\x7f]/.test(head + path)) out.push({ text, bytes: Buffer.concat([Buffer.from(head + path, 'utf8'), sub]) });
  }
  return out;
}

async function check(accessKeyId: string, signature: string, candidates: ReadonlyArray<{ text: string; bytes: Buffer }>, lookup: CredentialLookup): Promise<Principal> {
  const found = await lookup(accessKeyId);
  if (!found) throw s3Error('InvalidAccessKeyId', { details: { AWSAccessKeyId: accessKeyId } });
  // Every candidate is computed and compared (no early exit), so the time taken does not tell which matched.
  let matched = false;
  for (const c of candidates) {
    const expected = createHmac('sha1', found.secretAccessKey).update(c.bytes).digest('base64');
    if (timingSafeEqualString(expected, signature)) matched = true;
  }
  if (!matched) throw s3Error('SignatureDoesNotMatch', { details: { AWSAccessKeyId: accessKeyId, StringToSign: redactCustomerKeys(candidates[0]!.text) } });
  return found.principal;
}

/** `Authorization: AWS <id>:<signature>`; the Date (or x-amz-date) must be within 15 minutes. */
export async function sigV2Header(input: SigV2Input, authz: string, deps: { lookup: CredentialLookup; clock: Clock }): Promise<Principal> {
  const m = /^AWS ([^:\s]+):(\S+)$/.exec(authz);
  if (!m) throw s3Error('AuthorizationHeaderMalformed', { message: 'The authorization header is malformed.' });
  const dateText = h(input.headers, 'x-amz-date') || h(input.headers, 'date');
  const date = new Date(dateText);
  if (Number.isNaN(date.getTime())) throw s3Error('AccessDenied', { message: 'AWS authentication requires a valid Date or x-amz-date header' });
  if (Math.abs(deps.clock.now().getTime() - date.getTime()) > 15 * 60 * 1000) throw s3Error('RequestTimeTooSkewed');
  // With x-amz-date present the Date line is empty: x-amz-date is signed among the amz headers.
  return check(m[1]!, m[2]!, stringsToSign(input, input.headers['x-amz-date'] ? '' : dateText), deps.lookup);
}

/** `?AWSAccessKeyId=…&Expires=<epoch seconds>&Signature=…`. */
export async function sigV2Query(input: SigV2Input, query: URLSearchParams, deps: { lookup: CredentialLookup; clock: Clock }): Promise<Principal> {
  const expires = query.get('Expires') ?? '';
  if (!/^\d+$/.test(expires)) throw s3Error('AccessDenied', { message: 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters' });
  if (deps.clock.now().getTime() > Number(expires) * 1000) {
    throw s3Error('AccessDenied', { message: 'Request has expired', details: { Expires: new Date(Number(expires) * 1000).toISOString(), ServerTime: deps.clock.now().toISOString() } });
  }
  if (Number(expires) * 1000 - deps.clock.now().getTime() > MAX_EXPIRES_AHEAD_MS) {
    throw s3Error('AccessDenied', { message: 'Query-string authentication requires Expires to be at most 7 days (604800 seconds) in the future' });
  }
  return check(query.get('AWSAccessKeyId')!, query.get('Signature') ?? '', stringsToSign(input, expires), deps.lookup);
}
