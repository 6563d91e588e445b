/** Checks an identity policy document's shape as IAM does before storing it (MalformedPolicyDocument), and the per-entity size quota. */
import { iamError } from '../common/api-error.js';

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
/** IAM's largest PolicyDocument parameter (characters). */
const MAX_DOCUMENT = 131_072;

const malformed = (message: string) => iamError('MalformedPolicyDocument', { message });

function strings(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/**
 * Validates the document's grammar (IAM JSON policy reference): a JSON object with an optional known
 * `Version` and a `Statement` (one or a list), each with `Effect` Allow|Deny, `Action` or `NotAction`
 * (`vendor:action` or `*`), `Resource` or `NotResource`, and no `Principal` (identity policies name none).
 * Evaluating what the policy allows is src/policy/'s job.
 */
export function checkIdentityPolicy(document: string): void {
  if (document.length > MAX_DOCUMENT) throw iamError('ValidationError', { message: `1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DOCUMENT}` });
  let doc: unknown;
  try {
    doc = JSON.parse(document);
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw malformed('Syntax errors in policy.');
  const policy = doc as Record<string, unknown>;
  if (policy['Version'] !== undefined && !VERSIONS.has(policy['Version'] as string)) throw malformed('The policy must contain a valid version string');
  const statement = policy['Statement'];
  if (statement === undefined) throw malformed('Syntax errors in policy.');
  const statements = Array.isArray(statement) ? statement : [statement];
  if (statements.length === 0) throw malformed('Syntax errors in policy.');
  for (const s of statements) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw malformed('Syntax errors in policy.');
    const st = s as Record<string, unknown>;
    if (st['Effect'] !== 'Allow' && st['Effect'] !== 'Deny') throw malformed(st['Effect'] === undefined ? 'Missing required field Effect' : `Invalid effect: ${String(st['Effect'])}`);
    if ('Principal' in st || 'NotPrincipal' in st) throw malformed('Policy document should not specify a principal.');
    if (('Action' in st) === ('NotAction' in st)) throw malformed('Policy statement must contain actions.');
    const actions = strings(st['Action'] ?? st['NotAction']);
    if (!actions) throw malformed('Syntax errors in policy.');
    for (const a of actions) if (a !== '*' && !/^[a-zA-Z0-9-]+:[\w*?-]*$/.test(a)) throw malformed(`Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.`);
    if (('Resource' in st) === ('NotResource' in st)) throw malformed('Policy statement must contain resources.');
    if (!strings(st['Resource'] ?? st['NotResource'])) throw malformed('Syntax errors in policy.');
    if (st['Condition'] !== undefined && (typeof st['Condition'] !== 'object' || st['Condition'] === null || Array.isArray(st['Condition']))) throw malformed('Syntax errors in policy.');
  }
}

/** IAM's quota on the inline policies of one entity: their characters, white space not counted. */
export const INLINE_POLICY_QUOTA = { user: 2048, group: 5120 } as const;

/** The size IAM counts against the quota. */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}
