/** Parses and validates a Principal/NotPrincipal element ("*", {"AWS": …}, {"Service": …}, {"CanonicalUser": …}, {"Federated": …}). */
import { PolicyInvalid } from './policy-error.js';
import type { PrincipalSpec } from './policy-document.js';

const ACCOUNT_ID = /^\d{12}$/;
/** Users, roles, assumed-role and federated sessions, the account root (IAM User Guide › Principal › "AWS account principals", "IAM user principals", …). */
const AWS_ARN = /^arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+)|sts::\d{12}:(assumed-role\/.+|federated-user\/.+))$/;
const SERVICE = /^[a-z0-9][a-z0-9.-]*$/;
const CANONICAL_USER = /^[0-9a-f]{64}$/;

function strings(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v): v is string => typeof v === 'string' && v.length > 0)) {
    throw new PolicyInvalid('invalidPrincipal');
  }
  return list;
}

/** An AWS principal entry, normalized: a bare account id means the account ("arn:aws:iam::<id>:root"). */
function awsPrincipal(entry: string): string {
  if (entry === '*') return entry;
  if (ACCOUNT_ID.test(entry)) return `arn:aws:iam::${entry}:root`;
  // "You cannot use a wildcard to match part of a principal name or ARN."
  if (!AWS_ARN.test(entry) || /[*?]/.test(entry)) throw new PolicyInvalid('invalidPrincipal');
  return entry;
}

/** Parses the element's value; throws PolicyInvalid('invalidPrincipal') for anything AWS would refuse. */
export function parsePrincipal(value: unknown): PrincipalSpec {
  if (value === '*') return { any: true };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PolicyInvalid('invalidPrincipal');
  const spec = { AWS: [] as string[], Service: [] as string[], CanonicalUser: [] as string[], Federated: [] as string[] };
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw new PolicyInvalid('invalidPrincipal');
  for (const [type, raw] of entries) {
    const list = strings(raw);
    if (type === 'AWS') spec.AWS.push(...list.map(awsPrincipal));
    else if (type === 'Service' && list.every((s) => SERVICE.test(s))) spec.Service.push(...list);
    else if (type === 'CanonicalUser' && list.every((s) => CANONICAL_USER.test(s))) spec.CanonicalUser.push(...list);
    else if (type === 'Federated') spec.Federated.push(...list);
    else throw new PolicyInvalid('invalidPrincipal');
  }
  // "Principal": {"AWS": "*"} is equivalent to "Principal": "*" (IAM User Guide › Principal › "All principals").
  if (spec.AWS.includes('*')) return { any: true };
  return { any: false, ...spec };
}
