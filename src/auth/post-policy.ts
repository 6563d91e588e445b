/** Browser POST policies: the SigV4 or SigV2 form signature over the base64 policy, its expiry and every condition. */
import { createHmac } from 'node:crypto';
import { s3Error } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { PostPolicyVerifier } from '../common/post-policy-verifier.js';
import type { CredentialLookup } from '../common/principal.js';
import { timingSafeEqualString } from '../common/timing-safe.js';
import { INVALID_CREDENTIAL_DATE, parseAmzDate } from './amz-date.js';
import { signingKey } from './sigv4-canonical-request.js';

/** Fields no condition has to cover (AWS "Creating a POST policy"). */
const EXEMPT = new Set(['x-amz-signature', 'file', 'policy', 'awsaccesskeyid', 'signature', 'x-amz-security-token']);

const denied = (why: string) => s3Error('AccessDenied', { message: `Invalid according to Policy: ${why}` });

export function createPostPolicyVerifier(deps: { lookup: CredentialLookup; clock: Clock; region: string }): PostPolicyVerifier {
  return async (fields, bucket) => {
    const policyB64 = fields.get('policy');
    if (policyB64 === undefined) throw s3Error('AccessDenied', { message: 'Bucket POST must contain a field named \'policy\' or be publicly writable.' });
    const principal = await verifySignature(fields, policyB64, deps);
    let policy: { expiration?: unknown; conditions?: unknown };
    try {
      policy = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8')) as typeof policy;
    } catch {
      throw s3Error('InvalidPolicyDocument', { message: 'Invalid Policy: Invalid JSON.' });
    }
    if (typeof policy.expiration !== 'string' || Number.isNaN(Date.parse(policy.expiration))) {
      throw s3Error('InvalidPolicyDocument', { message: 'Invalid Policy: Invalid \'expiration\' value.' });
    }
    if (Date.parse(policy.expiration) < deps.clock.now().getTime()) throw denied('Policy expired.');
    if (!Array.isArray(policy.conditions)) throw s3Error('InvalidPolicyDocument', { message: 'Invalid Policy: Invalid \'conditions\' value.' });
    const values = new Map(fields);
    values.set('bucket', bucket);
    const covered = new Set<string>();
    let range: [number, number] | undefined;
    for (const c of policy.conditions as unknown[]) {
      const parsed = parseCondition(c);
      // Every condition must hold, so several ranges intersect (a later, looser one never widens an earlier one).
      if (parsed.op === 'range') { range = range ? [Math.max(range[0], parsed.min), Math.min(range[1], parsed.max)] : [parsed.min, parsed.max]; continue; }
      covered.add(parsed.field);
      const actual = values.get(parsed.field) ?? '';
      const ok = parsed.op === 'eq' ? actual === parsed.value : actual.startsWith(parsed.value);
      if (!ok) throw denied(`Policy Condition failed: ${JSON.stringify(c)}`);
    }
    for (const name of fields.keys()) {
      if (!EXEMPT.has(name) && !name.startsWith('x-ignore-') && !covered.has(name)) throw denied(`Extra input fields: ${name}`);
    }
    return { principal, contentLengthRange: range };
  };
}

type Condition = { op: 'eq' | 'starts-with'; field: string; value: string } | { op: 'range'; min: number; max: number };

function parseCondition(c: unknown): Condition {
  const bad = () => s3Error('InvalidPolicyDocument', { message: `Invalid Policy: Invalid Condition: ${JSON.stringify(c)}` });
  if (Array.isArray(c)) {
    const [op, a, b] = c as unknown[];
    if (typeof op !== 'string') throw bad();
    const lower = op.toLowerCase();
    if (lower === 'content-length-range') {
      const min = Number(a);
      const max = Number(b);
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) throw bad();
      return { op: 'range', min, max };
    }
    if ((lower === 'eq' || lower === 'starts-with') && typeof a === 'string' && a.startsWith('$') && typeof b === 'string') {
      return { op: lower, field: a.slice(1).toLowerCase(), value: b };
    }
    throw bad();
  }
  if (c && typeof c === 'object') {
    const entries = Object.entries(c as Record<string, unknown>);
    if (entries.length === 1 && typeof entries[0]![1] === 'string') return { op: 'eq', field: entries[0]![0].toLowerCase(), value: entries[0]![1] as string };
  }
  throw bad();
}

async function verifySignature(fields: ReadonlyMap<string, string>, policyB64: string, deps: { lookup: CredentialLookup; region: string }) {
  const algorithm = fields.get('x-amz-algorithm');
  if (algorithm !== undefined) {
    if (algorithm !== 'AWS4-HMAC-SHA256') throw s3Error('InvalidArgument', { message: 'POST requires x-amz-algorithm AWS4-HMAC-SHA256', details: { ArgumentName: 'x-amz-algorithm' } });
    const credential = fields.get('x-amz-credential') ?? '';
    const signature = fields.get('x-amz-signature') ?? '';
    const parts = credential.split('/');
    if (parts.length !== 5 || parts[4] !== 'aws4_request') throw s3Error('InvalidArgument', { message: 'POST requires a valid x-amz-credential', details: { ArgumentName: 'x-amz-credential' } });
    const [accessKeyId, date, region, service] = parts as [string, string, string, string];
    if (region !== deps.region) throw s3Error('AuthorizationQueryParametersError', { message: `the region '${region}' is wrong; expecting '${deps.region}'` });
    // The signing key is derived from the scope date: a form must carry the date it was signed on, or a
    // key derived once would sign forms for ever (the policy expiration is the form's own claim).
    const amzDate = fields.get('x-amz-date');
    if (amzDate === undefined || parseAmzDate(amzDate) === undefined) {
      throw s3Error('InvalidArgument', { message: "POST requires x-amz-date in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"", details: { ArgumentName: 'x-amz-date' } });
    }
    if (date !== amzDate.slice(0, 8)) throw s3Error('AuthorizationQueryParametersError', { message: `Error parsing the X-Amz-Credential parameter; ${INVALID_CREDENTIAL_DATE}` });
    const found = await deps.lookup(accessKeyId);
    if (!found) throw s3Error('InvalidAccessKeyId', { details: { AWSAccessKeyId: accessKeyId } });
    const expected = createHmac('sha256', signingKey(found.secretAccessKey, date, region, service)).update(policyB64).digest('hex');
    if (!timingSafeEqualString(expected, signature)) throw s3Error('SignatureDoesNotMatch', { details: { AWSAccessKeyId: accessKeyId } });
    return found.principal;
  }
  const accessKeyId = fields.get('awsaccesskeyid');
  const signature = fields.get('signature');
  if (accessKeyId === undefined || signature === undefined) throw s3Error('AccessDenied', { message: 'Bucket POST must contain a signature.' });
  const found = await deps.lookup(accessKeyId);
  if (!found) throw s3Error('InvalidAccessKeyId', { details: { AWSAccessKeyId: accessKeyId } });
  const expected = createHmac('sha1', found.secretAccessKey).update(policyB64).digest('base64');
  if (!timingSafeEqualString(expected, signature)) throw s3Error('SignatureDoesNotMatch', { details: { AWSAccessKeyId: accessKeyId } });
  return found.principal;
}
