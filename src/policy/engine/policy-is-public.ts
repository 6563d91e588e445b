/** Whether a bucket policy is public as S3 defines it (GetBucketPolicyStatus, Block Public Access). */
import type { PolicyDocument, Statement } from './policy-document.js';

/**
 * Condition keys whose fixed values make an Allow to "*" non-public (S3 User Guide › Blocking public access ›
 * "The meaning of 'public'": a policy is non-public if it grants access only to fixed values — no wildcard, no
 * policy variable — of aws:SourceIp (a CIDR no wider than S3 tolerates), aws:SourceArn, aws:SourceVpc,
 * aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:userid, aws:PrincipalOrgID, aws:PrincipalAccount,
 * aws:PrincipalArn, s3:DataAccessPointArn, s3:DataAccessPointAccount).
 */
const RESTRICTING_KEYS = new Set([
  'aws:sourceip', 'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceowner', 'aws:sourceaccount', 'aws:userid',
  'aws:principalorgid', 'aws:principalaccount', 'aws:principalarn', 's3:dataaccesspointarn', 's3:dataaccesspointaccount',
]);
/** Operator families that pin a key to the listed values (negated operators and Null leave it open). */
const PINNING = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/;
/** S3 treats an IPv4 range wider than /8 (or IPv6 wider than /32) as public: "0.0.0.0/1" is public. */
function narrowCidr(value: string): boolean {
  const [addr, bits] = value.split('/');
  if (bits === undefined) return true;
  return addr!.includes(':') ? Number(bits) >= 32 : Number(bits) >= 8;
}

function statementIsPublic(s: Statement): boolean {
  if (s.effect !== 'Allow' || s.principal === undefined) return false;
  const spec = s.principal.value;
  // NotPrincipal with Allow covers everyone not listed; Principal "*" or {"AWS": "*"} covers everyone.
  const everyone = s.principal.negated || spec.any || spec.AWS.includes('*');
  if (!everyone) return false;
  const pinned = s.condition.some((c) => {
    if (!RESTRICTING_KEYS.has(c.key.toLowerCase())) return false;
    if (!PINNING.test(c.operator.base) || c.operator.ifExists || c.operator.qualifier === 'ForAllValues') return false;
    if (c.values.some((v) => v.includes('*') || v.includes('?') || v.includes('${'))) return false;
    return c.key.toLowerCase() !== 'aws:sourceip' || c.values.every(narrowCidr);
  });
  return !pinned;
}

/** IsPublic as GetBucketPolicyStatus reports it: some Allow statement grants to everyone without a pinning condition. */
export function policyIsPublic(policy: PolicyDocument): boolean {
  return policy.statements.some(statementIsPublic);
}
