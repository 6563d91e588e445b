/** Authentication entry: SigV4 header auth and presigned URLs (SigV2 delegated), signed payload hashes, aws-chunked bodies. */
import { redactCustomerKeys } from './echo-redaction.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { s3Error } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { CredentialLookup, Principal } from '../common/principal.js';
import { timingSafeEqualString } from '../common/timing-safe.js';
import { amzDateOf, INVALID_CREDENTIAL_DATE, parseAmzDate, ymdOf } from './amz-date.js';
import { AwsChunkedDecoder, type ChunkSigning } from './aws-chunked-decoder.js';
import { PayloadHashVerifier } from './payload-hash-verifier.js';
import { canonicalHeaders, canonicalQuery, canonicalUri, hmac, sha256hex, signingKey } from './sigv4-canonical-request.js';
import { sigV2Header, sigV2Query } from './sigv2.js';

export interface AuthInput {
  method: string; rawPath: string; rawQuery: string; headers: IncomingHttpHeaders; body: Readable; secure: boolean;
  /** The bucket named by the Host header (virtual-hosted style): SigV2's resource starts with it. */
  hostBucket?: string | undefined;
}
export interface AuthDeps { lookup: CredentialLookup; clock: Clock; region: string }
export interface VerifiedRequest {
  principal: Principal | undefined; service: string; region: string; presigned: boolean;
  signedHeaders: ReadonlySet<string>; body: Readable; contentLength: number | undefined;
  trailers(): Readonly<Record<string, string>>;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const UNSIGNED = 'UNSIGNED-PAYLOAD';
const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

const h = (headers: IncomingHttpHeaders, n: string) => { const v = headers[n]; return Array.isArray(v) ? v.join(',') : v; };

interface Credential { accessKeyId: string; date: string; region: string; service: string; scope: string }

function parseCredential(value: string, malformed: () => Error): Credential {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!)) throw malformed();
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/aws4_request` };
}


/**
 * x-amz-* headers the signature does not cover: a captured request replayed with one added (say
 * x-amz-copy-source) would otherwise become another operation. `exempt` names headers whose value the
 * signature binds by another route.
 */
function refuseUnsignedAmzHeaders(headers: IncomingHttpHeaders, signed: readonly string[], exempt: ReadonlySet<string>): void {
  const unsigned = Object.keys(headers).filter((n) => n.startsWith('x-amz-') && !signed.includes(n) && !exempt.has(n)).sort();
  if (unsigned.length > 0) {
    throw s3Error('AccessDenied', { message: 'There were headers present in the request which were not signed', details: { HeadersNotSigned: unsigned.join(', ') } });
  }
}

/**
 * The canonical request's SHA-256 as a signer may have computed it. Node reads header bytes as Latin-1
 * characters, and all else in a canonical request is ASCII. First the bytes as they arrived (botocore and
 * the Go SDK sign the UTF-8 they send: `Hello Worldé` is C3 A9); then, only when a signed header value is
 * not ASCII, those characters UTF-8-encoded (what a Node client signs when it sends a Latin-1 byte).
 */
function canonicalHashes(canonical: string): string[] {
  const raw = sha256hex(Buffer.from(canonical, 'latin1'));
  return /[^\x00-\x7f]/.test(canonical) ? [raw, sha256hex(Buffer.from(canonical, 'utf8'))] : [raw];
}

/** Whether `signature` is the signature of any of the strings to sign; all are compared, so timing tells not which. */
function signatureMatches(key: Buffer, stringsToSign: readonly string[], signature: string): boolean {
  let matched = false;
  for (const sts of stringsToSign) if (timingSafeEqualString(hmac(key, sts).toString('hex'), signature)) matched = true;
  return matched;
}

/** The canonical request as text for an error's details: the bytes as they arrived, read as UTF-8, customer keys redacted. */
const shownCanonical = (canonical: string) => redactCustomerKeys(Buffer.from(canonical, 'latin1').toString('utf8'));

/** Header auth: x-amz-content-sha256 is the canonical request's last line, so its value is signed even when unlisted. */
const HEADER_AUTH_EXEMPT = new Set(['x-amz-content-sha256']);
const NONE_EXEMPT = new Set<string>();

export async function authenticate(input: AuthInput, deps: AuthDeps): Promise<VerifiedRequest> {
  const query = new URLSearchParams(input.rawQuery);
  const authz = h(input.headers, 'authorization');
  if (authz !== undefined) return headerAuth(input, authz, deps);
  if (query.has('X-Amz-Signature') || query.get('X-Amz-Algorithm') !== null) return presignedAuth(input, query, deps);
  if (query.has('Signature') && query.has('AWSAccessKeyId')) {
    // DEVIATION from current AWS regions, which refuse SigV2: boto3 still presigns with it by default.
    const principal = await sigV2Query(input, query, deps);
    return v2Verified(input, principal, deps.region, true);
  }
  return {
    principal: undefined, service: 's3', region: deps.region, presigned: false, signedHeaders: new Set(),
    body: input.body, contentLength: contentLengthOf(input.headers), trailers: () => ({}),
  };
}

/** SigV2 signs no payload hash: the body passes as it is. */
function v2Verified(input: AuthInput, principal: Principal, region: string, presigned: boolean): VerifiedRequest {
  return { principal, service: 's3', region, presigned, signedHeaders: new Set(), body: input.body, contentLength: contentLengthOf(input.headers), trailers: () => ({}) };
}

function contentLengthOf(headers: IncomingHttpHeaders): number | undefined {
  const v = h(headers, 'content-length');
  return v === undefined ? undefined : Number(v);
}

async function headerAuth(input: AuthInput, authz: string, deps: AuthDeps): Promise<VerifiedRequest> {
  const malformed = (message = 'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".') =>
    s3Error('AuthorizationHeaderMalformed', { message });
  if (!authz.startsWith(`${ALGORITHM} `)) {
    if (authz.startsWith('AWS ')) return v2Verified(input, await sigV2Header(input, authz, deps), deps.region, false);
    throw malformed('The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  const fields = new Map<string, string>();
  for (const kv of authz.slice(ALGORITHM.length + 1).split(',')) {
    const eq = kv.indexOf('=');
    if (eq > 0) fields.set(kv.slice(0, eq).trim(), kv.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeadersRaw = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeadersRaw || !signature) throw malformed('The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  const cred = parseCredential(credential, () => malformed());
  if (cred.region !== deps.region) throw malformed(`The authorization header is malformed; the region '${cred.region}' is wrong; expecting '${deps.region}'`);
  // x-amz-date wins over Date when both are sent; whichever is used must be a real instant.
  const xAmzDate = h(input.headers, 'x-amz-date');
  const amzDateRaw = xAmzDate ?? h(input.headers, 'date');
  const amzDate = xAmzDate !== undefined ? parseAmzDate(xAmzDate) : (amzDateRaw ? parseAmzDate(amzDateRaw) ?? new Date(amzDateRaw) : undefined);
  if (!amzDate || Number.isNaN(amzDate.getTime())) throw s3Error('AccessDenied', { message: 'AWS authentication requires a valid Date or x-amz-date header' });
  if (cred.date !== ymdOf(amzDate)) throw malformed(`The authorization header is malformed; ${INVALID_CREDENTIAL_DATE}`);
  if (Math.abs(deps.clock.now().getTime() - amzDate.getTime()) > MAX_SKEW_MS) {
    throw s3Error('RequestTimeTooSkewed', { details: { RequestTime: amzDateRaw ?? '', ServerTime: deps.clock.now().toISOString(), MaxAllowedSkewMilliseconds: MAX_SKEW_MS } });
  }
  const signedHeaders = signedHeadersRaw.split(';');
  if (!signedHeaders.includes('host')) throw malformed('The authorization header is malformed; host must be signed');
  refuseUnsignedAmzHeaders(input.headers, signedHeaders, HEADER_AUTH_EXEMPT);
  const found = await deps.lookup(cred.accessKeyId);
  if (!found) throw s3Error('InvalidAccessKeyId', { details: { AWSAccessKeyId: cred.accessKeyId } });
  const payloadHash = h(input.headers, 'x-amz-content-sha256');
  if (cred.service === 's3' && payloadHash === undefined) throw s3Error('InvalidRequest', { message: 'Missing required header for this request: x-amz-content-sha256' });
  const hashForSigning = payloadHash ?? sha256hex('');
  const canonical = [input.method, canonicalUri(input.rawPath), canonicalQuery(input.rawQuery), canonicalHeaders(input.headers, signedHeaders), signedHeaders.join(';'), hashForSigning].join('\n');
  // With only a Date header, the string to sign carries that instant in the ISO8601 form (as botocore signs it).
  const amzDateStr = xAmzDate ?? amzDateOf(amzDate);
  const stringsToSign = canonicalHashes(canonical).map((hash) => [ALGORITHM, amzDateStr, cred.scope, hash].join('\n'));
  const key = signingKey(found.secretAccessKey, cred.date, cred.region, cred.service);
  if (!signatureMatches(key, stringsToSign, signature)) {
    throw s3Error('SignatureDoesNotMatch', { details: { AWSAccessKeyId: cred.accessKeyId, StringToSign: stringsToSign[0]!, CanonicalRequest: shownCanonical(canonical) } });
  }
  const base = { principal: found.principal, service: cred.service, region: cred.region, presigned: false, signedHeaders: new Set(signedHeaders) };
  return { ...base, ...payload(input, hashForSigning, { key, amzDate: amzDateStr, scope: cred.scope, seed: signature }) };
}

async function presignedAuth(input: AuthInput, query: URLSearchParams, deps: AuthDeps): Promise<VerifiedRequest> {
  const qerr = (message: string) => s3Error('AuthorizationQueryParametersError', { message });
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) throw qerr('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const credential = query.get('X-Amz-Credential');
  const dateRaw = query.get('X-Amz-Date');
  const expiresRaw = query.get('X-Amz-Expires');
  const signedHeadersRaw = query.get('X-Amz-SignedHeaders');
  const signature = query.get('X-Amz-Signature');
  if (!credential || !dateRaw || !signedHeadersRaw || !signature || expiresRaw === null) {
    throw qerr('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  const cred = parseCredential(credential, () => qerr('Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'));
  if (cred.region !== deps.region) throw qerr(`Error parsing the X-Amz-Credential parameter; the region '${cred.region}' is wrong; expecting '${deps.region}'`);
  const date = parseAmzDate(dateRaw);
  if (!date) throw qerr("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (cred.date !== dateRaw.slice(0, 8)) throw qerr(`Error parsing the X-Amz-Credential parameter; ${INVALID_CREDENTIAL_DATE}`);
  if (!/^\d+$/.test(expiresRaw)) throw qerr('X-Amz-Expires should be a number');
  const expires = Number(expiresRaw);
  if (expires > 604800) throw qerr('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  const now = deps.clock.now().getTime();
  if (date.getTime() - now > MAX_SKEW_MS) throw s3Error('AccessDenied', { message: 'Request is not valid yet' });
  if (now > date.getTime() + expires * 1000) throw s3Error('AccessDenied', { message: 'Request has expired', details: { 'X-Amz-Expires': expiresRaw, Expires: new Date(date.getTime() + expires * 1000).toISOString(), ServerTime: new Date(now).toISOString() } });
  const signedHeaders = signedHeadersRaw.split(';');
  // Without host signed, a URL presigned for one server is good on any other that shares the key.
  if (!signedHeaders.includes('host')) throw qerr('Query-string authentication version 4 requires the host header to be signed (X-Amz-SignedHeaders must include host).');
  refuseUnsignedAmzHeaders(input.headers, signedHeaders, NONE_EXEMPT);
  const found = await deps.lookup(cred.accessKeyId);
  if (!found) throw s3Error('InvalidAccessKeyId', { details: { AWSAccessKeyId: cred.accessKeyId } });
  const payloadHash = query.get('X-Amz-Content-Sha256') ?? h(input.headers, 'x-amz-content-sha256') ?? UNSIGNED;
  const canonical = [input.method, canonicalUri(input.rawPath), canonicalQuery(input.rawQuery, 'X-Amz-Signature'), canonicalHeaders(input.headers, signedHeaders), signedHeaders.join(';'), payloadHash].join('\n');
  const stringsToSign = canonicalHashes(canonical).map((hash) => [ALGORITHM, dateRaw, cred.scope, hash].join('\n'));
  const key = signingKey(found.secretAccessKey, cred.date, cred.region, cred.service);
  if (!signatureMatches(key, stringsToSign, signature)) {
    throw s3Error('SignatureDoesNotMatch', { details: { AWSAccessKeyId: cred.accessKeyId, StringToSign: stringsToSign[0]!, CanonicalRequest: shownCanonical(canonical) } });
  }
  const base = { principal: found.principal, service: cred.service, region: cred.region, presigned: true, signedHeaders: new Set(signedHeaders) };
  return { ...base, ...payload(input, payloadHash, { key, amzDate: dateRaw, scope: cred.scope, seed: signature }) };
}


function payload(input: AuthInput, payloadHash: string, signing: ChunkSigning): Pick<VerifiedRequest, 'body' | 'contentLength' | 'trailers'> {
  const streaming = [STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER].includes(payloadHash);
  if (streaming) {
    const decodedRaw = h(input.headers, 'x-amz-decoded-content-length');
    const decoded = decodedRaw === undefined ? undefined : Number(decodedRaw);
    if (decodedRaw !== undefined && !/^\d+$/.test(decodedRaw)) throw s3Error('InvalidArgument', { message: 'x-amz-decoded-content-length is invalid' });
    const decoder = new AwsChunkedDecoder(payloadHash !== STREAMING_UNSIGNED_TRAILER ? signing : undefined, payloadHash !== STREAMING_SIGNED, decoded);
    failWith(input.body, decoder);
    input.body.pipe(decoder);
    return { body: decoder, contentLength: decoded, trailers: () => decoder.trailers };
  }
  const contentLength = contentLengthOf(input.headers);
  if (payloadHash === UNSIGNED || payloadHash.startsWith('STREAMING-')) {
    if (payloadHash !== UNSIGNED) throw s3Error('InvalidArgument', { message: `Unsupported x-amz-content-sha256 value ${payloadHash}` });
    return { body: input.body, contentLength, trailers: () => ({}) };
  }
  if (!/^[0-9a-f]{64}$/.test(payloadHash)) throw s3Error('InvalidArgument', { message: 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a hex SHA-256', details: { ArgumentName: 'x-amz-content-sha256' } });
  const verifier = new PayloadHashVerifier(payloadHash);
  failWith(input.body, verifier);
  input.body.pipe(verifier);
  return { body: verifier, contentLength, trailers: () => ({}) };
}

/**
 * The verifying stream fails when the raw body does: on its error, and when it closes before its end (a
 * client gone mid-body, or the pipeline destroying the request after an early answer). A pipe alone
 * passes neither, and the operation reading the verifying stream would wait for ever, holding its
 * temporary blob and the request's customer key.
 */
function failWith(raw: Readable, verifying: Readable): void {
  raw.on('error', (e) => verifying.destroy(e));
  raw.on('close', () => {
    if (!raw.readableEnded) verifying.destroy(Object.assign(new Error('the request body closed before its end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
  });
}
