/** Why a policy document was refused: a typed {code, message} each service maps to its own error (S3 MalformedPolicy, IAM MalformedPolicyDocument). */

/** Bucket (resource) policies answer S3's MalformedPolicy; identity policies IAM's MalformedPolicyDocument. */
export type PolicyKind = 'identity' | 'resource';

export interface PolicyError {
  readonly code: 'MalformedPolicy' | 'MalformedPolicyDocument';
  readonly message: string;
}

/** Thrown inside the parser only; parsePolicy() turns it into a PolicyError result. */
export class PolicyInvalid extends Error {
  constructor(readonly reason: PolicyErrorReason, readonly detail = '') {
    super(reason);
  }
}

/**
 * Messages as S3's PutBucketPolicy words them (recorded answers: "Policy has invalid action", "Invalid principal
 * in policy", "Policy has invalid resource", "Invalid effect: hello", "Invalid Condition type : X", …). IAM's
 * wording differs for a few (its "Syntax errors in policy.", "Policy document should not specify a principal.").
 */
const MESSAGES = {
  firstByte: ["Policies must be valid JSON and the first byte must be '{'", 'Syntax errors in policy.'],
  notJson: ['This policy contains invalid Json', 'Syntax errors in policy.'],
  version: ['The policy must contain a valid version string', 'The policy failed legacy parsing'],
  unknownField: ['Unknown field %', 'Syntax errors in policy.'],
  missingStatement: ['Missing required field Statement', 'Missing required field Statement'],
  emptyStatement: ['Could not parse the policy: Statement is empty!', 'Could not parse the policy: Statement is empty!'],
  statementShape: ['This policy contains invalid Json', 'Syntax errors in policy.'],
  duplicateSid: ['Statement IDs (SID) in a single policy must be unique.', 'Statement IDs (SID) in a single policy must be unique.'],
  invalidSid: ['Statement IDs (SID) must be strings.', 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*'],
  missingEffect: ['Missing required field Effect', 'Missing required field Effect'],
  invalidEffect: ['Invalid effect: %', 'Invalid effect: %'],
  missingAction: ['Missing required field Action', 'Missing required field Action'],
  bothAction: ['A statement cannot have both Action and NotAction', 'A statement cannot have both Action and NotAction'],
  invalidAction: ['Policy has invalid action', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  missingResource: ['Missing required field Resource', 'Missing required field Resource'],
  bothResource: ['A statement cannot have both Resource and NotResource', 'A statement cannot have both Resource and NotResource'],
  invalidResource: ['Policy has invalid resource', 'Resource % must be in ARN format or "*".'],
  missingPrincipal: ['Missing required field Principal', 'Missing required field Principal'],
  bothPrincipal: ['A statement cannot have both Principal and NotPrincipal', 'A statement cannot have both Principal and NotPrincipal'],
  invalidPrincipal: ['Invalid principal in policy', 'Invalid principal in policy'],
  principalInIdentityPolicy: ['Policy document should not specify a principal.', 'Policy document should not specify a principal.'],
  conditionType: ['Invalid Condition type : %', 'Invalid Condition type : %'],
  conditionShape: ['This policy contains invalid Json', 'Syntax errors in policy.'],
  conditionValue: ['Invalid value for condition %', 'Invalid value for condition %'],
  ipValue: ['Invalid IP address in Conditions', 'Invalid IP address in Conditions'],
} as const satisfies Record<string, readonly [string, string]>;

export type PolicyErrorReason = keyof typeof MESSAGES;

/** The error a service answers for a refused document of this kind. */
export function policyError(kind: PolicyKind, invalid: PolicyInvalid): PolicyError {
  const [resource, identity] = MESSAGES[invalid.reason];
  const template = kind === 'resource' ? resource : identity;
  return {
    code: kind === 'resource' ? 'MalformedPolicy' : 'MalformedPolicyDocument',
    message: template.replace('%', invalid.detail),
  };
}
