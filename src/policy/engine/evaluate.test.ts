/** The evaluator against the IAM documentation: a table of cases, each citing the rule it checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type Decision, type EvaluationRequest } from './evaluate.js';
import { parsePolicy } from './parse-policy.js';
import type { RequestPrincipal } from './match-principal.js';
import type { RequestContext } from './request-context.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const alice: RequestPrincipal = { type: 'AWS', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT };
const carol: RequestPrincipal = { type: 'AWS', arn: `arn:aws:iam::${ACCOUNT}:user/carol`, accountId: ACCOUNT };
const root: RequestPrincipal = { type: 'AWS', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, canonicalUserId: 'a'.repeat(64) };
const bob: RequestPrincipal = { type: 'AWS', arn: `arn:aws:iam::${OTHER}:user/bob`, accountId: OTHER };
const otherRoot: RequestPrincipal = { type: 'AWS', arn: `arn:aws:iam::${OTHER}:root`, accountId: OTHER };
const anonymous: RequestPrincipal = { type: 'Anonymous' };
const service: RequestPrincipal = { type: 'Service', service: 'logging.s3.amazonaws.com' };

const OBJECT = 'arn:aws:s3:::bucket/key';
type Json = Record<string, unknown>;
const doc = (...Statement: Json[]): Json => ({ Version: '2012-10-17', Statement });
const allow = (extra: Json = {}): Json => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECT, ...extra });
const deny = (extra: Json = {}): Json => ({ Effect: 'Deny', Action: 's3:GetObject', Resource: OBJECT, ...extra });

interface Case {
  readonly rule: string;
  readonly name: string;
  readonly principal?: RequestPrincipal;
  readonly action?: string;
  readonly resource?: string;
  readonly context?: RequestContext;
  readonly identity?: readonly Json[];
  readonly bucketPolicy?: Json;
  /** Defaults to ACCOUNT; null means no resource account (account-level actions). */
  readonly resourceAccount?: string | null;
  readonly expect: Decision;
}

// Citations: "Guide › page › section › 'quoted rule'".
const LOGIC = "IAM User Guide › How AWS enforcement code logic evaluates requests to allow or deny access";
const IMPLICIT = `${LOGIC} › 'By default, all requests are implicitly denied'`;
const ROOT = `${LOGIC} › 'with the exception of the AWS account root user, which has full access'`;
const OVERRIDE = `${LOGIC} › 'An explicit deny overrides an explicit allow'`;
const SAME = "IAM User Guide › Policy evaluation for requests within a single account › 'If either the identity-based policy or the resource-based policy within the same account allows the request and the other doesn't, the request is still allowed'";
const CROSS = "IAM User Guide › Cross-account policy evaluation logic › the resource-based policy must specify the principal and 'The principal's identity-based policy must allow the requested access'";
const DELEGATE = "IAM User Guide › Principal › AWS account principals › 'you delegate authority to the account' (its identity policies must grant it)";
const ALL = "IAM User Guide › Principal › All principals › '\"Principal\": \"*\"' and '\"Principal\": {\"AWS\": \"*\"}' are equivalent; they include anonymous users";
const NOTPRINCIPAL = "IAM User Guide › NotPrincipal › 'denied to all principals except for the ones specified' and 'you must also include the account ARN'";
const SERVICE = "IAM User Guide › Principal › AWS service principals";
const CANONICAL = "S3 User Guide › Bucket policies › Principal › '\"CanonicalUser\": …' names an account by its canonical user ID";
const ACTION = "IAM User Guide › Action › 'You can use wildcards (* or ?)' and 'The prefix and the action name are case insensitive'";
const NOTACTION = "IAM User Guide › NotAction › 'matches everything except the specified list of actions'";
const RESOURCE = "IAM User Guide › Resource › 'You can use wildcard characters (* and ?) within any ARN segment'; ARNs are case sensitive";
const NOTRESOURCE = "IAM User Guide › NotResource › 'matches every resource except those specified'";
const VARS = "IAM User Guide › Variables and tags › 'the policy variable is replaced with values that come from the context of the request itself'";
const NOVALUE = "IAM User Guide › Variables and tags › Policy variables with no value › a missing key 'has no value', so it matches nothing";
const DEFAULTS = "IAM User Guide › Variables and tags › Specifying default values › '${aws:username, 'default'}' (a quote inside is written '')";
const SPECIAL = "IAM User Guide › Variables and tags › Special characters › '${*}', '${?}', '${$}' stand for the literal character";
const VERSION = "IAM User Guide › Version › 'If you do not include a Version element, the value defaults to 2008-10-17' and variables are then 'treated as literal strings'";
const MULTIVALUE_VAR = "IAM User Guide › Single-valued vs. multivalued context keys › 'you cannot use a multivalued context key as a policy variable'";
const ABSENT = "IAM User Guide › Condition operators › 'If the key … is not present in the request context, the values do not match and the condition is false'";
const NEG_ABSENT = "IAM User Guide › Condition operators › 'If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true'";
const KEYCASE = "IAM User Guide › Condition › 'Condition key names are not case-sensitive'";
const AND = "IAM User Guide › Condition › 'multiple condition operators, or … multiple keys attached to a single condition operator … are evaluated using a logical AND'";
const OR = "IAM User Guide › Condition › 'a single condition operator includes multiple values for one key … evaluated using a logical OR'";
const S_EQ = "IAM User Guide › Condition operators › String › StringEquals 'Exact matching, case sensitive'";
const S_NE = "IAM User Guide › Condition operators › String › StringNotEquals 'Negated matching'";
const S_IC = "IAM User Guide › Condition operators › String › StringEqualsIgnoreCase 'Exact matching, ignoring case'";
const S_NIC = "IAM User Guide › Condition operators › String › StringNotEqualsIgnoreCase 'Negated matching, ignoring case'";
const S_LIKE = "IAM User Guide › Condition operators › String › StringLike 'Case-sensitive matching … multi-character match wildcards (*) and single-character match wildcards (?)'";
const S_NLIKE = "IAM User Guide › Condition operators › String › StringNotLike 'Negated case-sensitive matching'";
const NUM = "IAM User Guide › Condition operators › Numeric › NumericEquals/NotEquals/LessThan/LessThanEquals/GreaterThan/GreaterThanEquals";
const DATE = "IAM User Guide › Condition operators › Date › values 'in one of the W3C implementations of the ISO 8601 date formats' or 'epoch (UNIX) time'";
const BOOL = "IAM User Guide › Condition operators › Boolean › Bool 'Boolean matching'";
const BIN = "IAM User Guide › Condition operators › Binary › BinaryEquals 'byte-for-byte equality … the value … base-64 encoded'";
const IP = "IAM User Guide › Condition operators › IP address › IpAddress 'The specified IP address or range' (CIDR, IPv4 and IPv6)";
const NOTIP = "IAM User Guide › Condition operators › IP address › NotIpAddress 'All IP addresses except the specified IP address or range'";
const ARN = "IAM User Guide › Condition operators › ARN › 'Each of the six colon-delimited components of the ARN is checked separately and each can include … wildcards'";
const ARN_NOT = "IAM User Guide › Condition operators › ARN › ArnNotEquals/ArnNotLike 'Negated matching for ARN'";
const NULL = "IAM User Guide › Condition operators › Null › 'true (the key doesn't exist — it is null) or false (the key exists and its value is not null)'";
const IFEXISTS = "IAM User Guide › Condition operators › …IfExists › 'If the key is not present, evaluate the condition element as true'";
const FORALL = "IAM User Guide › Single-valued vs. multivalued context keys › ForAllValues › 'returns true if every context key value in the request matches at least one context key value in the policy. It also returns true if there are no context keys in the request'";
const FORANY = "IAM User Guide › Single-valued vs. multivalued context keys › ForAnyValue › 'returns true if at least one context key value in the request matches … returns false if there are no context keys'";
const FORALL_NOTLIKE = "IAM User Guide › Multivalued context key examples › Deny policy with ForAllValues:StringNotLike on aws:TagKeys 'key1*' (result table)";
const SSE = "S3 User Guide › Protecting data with SSE-S3 › bucket policy DenyIncorrectEncryptionHeader (SSE-REFERENCE.md): 'A negated string operator (StringNotEquals) on a key the request lacks evaluates to true'";
const SSE_NULL = "S3 User Guide › SSE policy with the Null operator: 'Null': {'s3:x-amz-server-side-encryption': 'true'} denies a PUT without the header";
const TLS = "S3 User Guide › Security best practices › 'deny … when the request … aws:SecureTransport … is false'";

const cases: Case[] = [];
const add = (c: Case) => cases.push(c);
/** A condition case: an identity Allow of s3:GetObject guarded by `condition`; Allow iff the condition holds. */
const cond = (rule: string, condition: Json, context: RequestContext, holds: boolean) =>
  add({ rule, name: `${JSON.stringify(condition)} with ${JSON.stringify(context)}`, identity: [doc(allow({ Condition: condition }))], context, expect: holds ? 'Allow' : 'ImplicitDeny' });

// ── Evaluation logic ──────────────────────────────────────────────────────────────────────────────
add({ rule: IMPLICIT, name: 'no policies at all', expect: 'ImplicitDeny' });
add({ rule: IMPLICIT, name: 'an identity policy for another action only', identity: [doc(allow({ Action: 's3:PutObject' }))], expect: 'ImplicitDeny' });
add({ rule: SAME, name: 'identity Allow alone', identity: [doc(allow())], expect: 'Allow' });
add({ rule: OVERRIDE, name: 'identity Allow and identity Deny in one policy', identity: [doc(allow(), deny())], expect: 'ExplicitDeny' });
add({ rule: OVERRIDE, name: 'identity Allow, Deny in a second identity policy', identity: [doc(allow()), doc(deny())], expect: 'ExplicitDeny' });
add({ rule: OVERRIDE, name: 'identity Allow, bucket policy Deny to everyone', identity: [doc(allow())], bucketPolicy: doc(deny({ Principal: '*' })), expect: 'ExplicitDeny' });
add({ rule: OVERRIDE, name: 'bucket policy Allow, identity Deny', identity: [doc(deny())], bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` } })), expect: 'ExplicitDeny' });
add({ rule: OVERRIDE, name: 'Allow and Deny in the same bucket policy', bucketPolicy: doc(allow({ Principal: '*' }), deny({ Principal: '*' })), expect: 'ExplicitDeny' });
add({ rule: SAME, name: 'same account: bucket policy names the user, no identity policy', bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` } })), expect: 'Allow' });
add({ rule: SAME, name: 'same account: identity Allow, bucket policy about others', identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/carol` } })), expect: 'Allow' });
add({ rule: SAME, name: 'second identity policy allows', identity: [doc(allow({ Action: 's3:PutObject' })), doc(allow())], expect: 'Allow' });
add({ rule: CROSS, name: 'cross-account: identity Allow only', principal: bob, identity: [doc(allow())], expect: 'ImplicitDeny' });
add({ rule: CROSS, name: 'cross-account: bucket policy Allow only', principal: bob, bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${OTHER}:user/bob` } })), expect: 'ImplicitDeny' });
add({ rule: CROSS, name: 'cross-account: both sides allow', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${OTHER}:user/bob` } })), expect: 'Allow' });
add({ rule: `${CROSS}; ${DELEGATE}`, name: 'cross-account: bucket policy names the account ARN, identity allows', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${OTHER}:root` } })), expect: 'Allow' });
add({ rule: `${CROSS}; ${DELEGATE}`, name: 'cross-account: bucket policy names the bare account id, identity allows', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: { AWS: OTHER } })), expect: 'Allow' });
add({ rule: `${CROSS}; ${DELEGATE}`, name: 'cross-account: account named but the user has no identity Allow', principal: bob, bucketPolicy: doc(allow({ Principal: { AWS: OTHER } })), expect: 'ImplicitDeny' });
add({ rule: CROSS, name: 'cross-account: Principal "*" and identity Allow', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: '*' })), expect: 'Allow' });
add({ rule: CROSS, name: 'cross-account: bucket policy names a different user', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${OTHER}:user/dave` } })), expect: 'ImplicitDeny' });
add({ rule: `${CROSS}; ${OVERRIDE}`, name: 'cross-account: both allow, bucket policy also denies', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: '*' }), deny({ Principal: { AWS: OTHER } })), expect: 'ExplicitDeny' });
add({ rule: DELEGATE, name: 'same account: bucket policy names only the own account, user has no identity Allow', bucketPolicy: doc(allow({ Principal: { AWS: ACCOUNT } })), expect: 'ImplicitDeny' });
add({ rule: DELEGATE, name: 'same account: Deny naming the own account applies to its users', identity: [doc(allow())], bucketPolicy: doc(deny({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })), expect: 'ExplicitDeny' });
add({ rule: ROOT, name: 'account root, no policies', principal: root, expect: 'Allow' });
add({ rule: `${ROOT}; ${OVERRIDE}`, name: 'account root, bucket policy denies everyone', principal: root, bucketPolicy: doc(deny({ Principal: '*' })), expect: 'ExplicitDeny' });
add({ rule: `${ROOT}; ${CROSS}`, name: "another account's root, bucket policy names that account", principal: otherRoot, bucketPolicy: doc(allow({ Principal: { AWS: OTHER } })), expect: 'Allow' });
add({ rule: `${ROOT}; ${CROSS}`, name: "another account's root, no bucket policy", principal: otherRoot, expect: 'ImplicitDeny' });
add({ rule: IMPLICIT, name: 'anonymous, no bucket policy', principal: anonymous, expect: 'ImplicitDeny' });
add({ rule: ALL, name: 'anonymous, bucket policy Principal "*"', principal: anonymous, bucketPolicy: doc(allow({ Principal: '*' })), expect: 'Allow' });
add({ rule: ALL, name: 'anonymous, bucket policy Principal {"AWS": "*"}', principal: anonymous, bucketPolicy: doc(allow({ Principal: { AWS: '*' } })), expect: 'Allow' });
add({ rule: IMPLICIT, name: 'anonymous, bucket policy names one user', principal: anonymous, bucketPolicy: doc(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` } })), expect: 'ImplicitDeny' });
add({ rule: `${IMPLICIT} (anonymous requesters have no identity policies)`, name: 'anonymous, identity policies are not theirs', principal: anonymous, identity: [doc(allow())], expect: 'ImplicitDeny' });
add({ rule: `${SAME} (Resource "*" for account-level actions)`, name: 'ListAllMyBuckets with no resource account', action: 's3:ListAllMyBuckets', resource: '*', resourceAccount: null, identity: [doc(allow({ Action: 's3:ListAllMyBuckets', Resource: '*' }))], expect: 'Allow' });
add({ rule: SERVICE, name: 'service principal named by the bucket policy', principal: service, bucketPolicy: doc(allow({ Principal: { Service: 'logging.s3.amazonaws.com' } })), expect: 'Allow' });
add({ rule: SERVICE, name: 'service principal not named', principal: service, bucketPolicy: doc(allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } })), expect: 'ImplicitDeny' });
add({ rule: CANONICAL, name: "CanonicalUser names the account root's canonical id", principal: root, bucketPolicy: doc(deny({ Principal: { CanonicalUser: 'a'.repeat(64) } })), expect: 'ExplicitDeny' });
add({ rule: "IAM User Guide › Principal › Federated principals", name: 'federated principal named', principal: { type: 'Federated', provider: 'cognito-identity.amazonaws.com' }, bucketPolicy: doc(allow({ Principal: { Federated: 'cognito-identity.amazonaws.com' } })), expect: 'Allow' });
add({ rule: OVERRIDE, name: 'Deny whose condition does not hold does not deny', identity: [doc(allow(), deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }))], context: { 'aws:SecureTransport': 'true' }, expect: 'Allow' });

// ── Principal / NotPrincipal ──────────────────────────────────────────────────────────────────────
add({ rule: CROSS, name: 'Principal list naming bob among others', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${OTHER}:user/bob`] } })), expect: 'Allow' });
add({ rule: NOTPRINCIPAL, name: 'NotPrincipal Deny: the listed user and account are excluded', identity: [doc(allow())], bucketPolicy: doc(deny({ NotPrincipal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:root`] } })), expect: 'Allow' });
add({ rule: NOTPRINCIPAL, name: 'NotPrincipal Deny: an unlisted user of the same account is denied', principal: carol, identity: [doc(allow())], bucketPolicy: doc(deny({ NotPrincipal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:root`] } })), expect: 'ExplicitDeny' });
add({ rule: NOTPRINCIPAL, name: 'NotPrincipal Deny listing the user without its account still denies it', identity: [doc(allow())], bucketPolicy: doc(deny({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` } })), expect: 'ExplicitDeny' });
add({ rule: NOTPRINCIPAL, name: 'NotPrincipal Deny listing the account root excludes the root', principal: root, bucketPolicy: doc(deny({ NotPrincipal: { AWS: ACCOUNT } })), expect: 'Allow' });
add({ rule: NOTPRINCIPAL, name: 'NotPrincipal Deny applies to anonymous requesters', principal: anonymous, bucketPolicy: doc(allow({ Principal: '*' }), deny({ NotPrincipal: { AWS: ACCOUNT } })), expect: 'ExplicitDeny' });
add({ rule: NOTPRINCIPAL, name: 'NotPrincipal Allow covers everyone but the listed', principal: bob, identity: [doc(allow())], bucketPolicy: doc(allow({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/carol` } })), expect: 'Allow' });

// ── Action / NotAction ────────────────────────────────────────────────────────────────────────────
add({ rule: ACTION, name: '"s3:*" covers s3:GetObject', identity: [doc(allow({ Action: 's3:*' }))], expect: 'Allow' });
add({ rule: ACTION, name: '"*" covers every action', identity: [doc(allow({ Action: '*' }))], expect: 'Allow' });
add({ rule: ACTION, name: '"s3:Get*" covers s3:GetObject', identity: [doc(allow({ Action: 's3:Get*' }))], expect: 'Allow' });
add({ rule: ACTION, name: '"s3:Get*" does not cover s3:PutObject', action: 's3:PutObject', identity: [doc(allow({ Action: 's3:Get*' }))], expect: 'ImplicitDeny' });
add({ rule: ACTION, name: '"s3:GetObjec?" covers s3:GetObject', identity: [doc(allow({ Action: 's3:GetObjec?' }))], expect: 'Allow' });
add({ rule: ACTION, name: '"s3:GetObjec?" does not cover s3:GetObjectTagging', action: 's3:GetObjectTagging', identity: [doc(allow({ Action: 's3:GetObjec?' }))], expect: 'ImplicitDeny' });
add({ rule: ACTION, name: '"S3:getobject" matches s3:GetObject (case-insensitive)', identity: [doc(allow({ Action: 'S3:getobject' }))], expect: 'Allow' });
add({ rule: ACTION, name: '"iam:*" does not cover an s3 action', identity: [doc(allow({ Action: 'iam:*' }))], expect: 'ImplicitDeny' });
add({ rule: ACTION, name: '"s3:*Object" covers s3:PutObject', action: 's3:PutObject', identity: [doc(allow({ Action: 's3:*Object' }))], expect: 'Allow' });
add({ rule: ACTION, name: 'an action list, one entry matches', identity: [doc(allow({ Action: ['s3:PutObject', 's3:GetObject'] }))], expect: 'Allow' });
add({ rule: NOTACTION, name: 'Allow NotAction s3:DeleteObject covers s3:GetObject', identity: [doc(allow({ Action: undefined, NotAction: 's3:DeleteObject' }))], expect: 'Allow' });
add({ rule: NOTACTION, name: 'Allow NotAction s3:DeleteObject does not cover s3:DeleteObject', action: 's3:DeleteObject', identity: [doc(allow({ Action: undefined, NotAction: 's3:DeleteObject' }))], expect: 'ImplicitDeny' });
add({ rule: NOTACTION, name: 'Deny NotAction s3:GetObject denies s3:PutObject', action: 's3:PutObject', identity: [doc(allow({ Action: '*' }), deny({ Action: undefined, NotAction: 's3:GetObject' }))], expect: 'ExplicitDeny' });
add({ rule: NOTACTION, name: 'Deny NotAction s3:GetObject leaves s3:GetObject allowed', identity: [doc(allow({ Action: '*' }), deny({ Action: undefined, NotAction: 's3:GetObject' }))], expect: 'Allow' });

// ── Resource / NotResource ────────────────────────────────────────────────────────────────────────
add({ rule: RESOURCE, name: 'exact object ARN', identity: [doc(allow())], expect: 'Allow' });
add({ rule: RESOURCE, name: 'exact ARN of another object', resource: 'arn:aws:s3:::bucket/other', identity: [doc(allow())], expect: 'ImplicitDeny' });
add({ rule: RESOURCE, name: '"bucket/*" covers a nested key', resource: 'arn:aws:s3:::bucket/a/b/c', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/*' }))], expect: 'Allow' });
add({ rule: RESOURCE, name: '"bucket/*" does not cover the bucket itself', action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', identity: [doc(allow({ Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket/*' }))], expect: 'ImplicitDeny' });
add({ rule: RESOURCE, name: 'the bucket ARN does not cover its objects', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket' }))], expect: 'ImplicitDeny' });
add({ rule: RESOURCE, name: '"*" covers every resource', identity: [doc(allow({ Resource: '*' }))], expect: 'Allow' });
add({ rule: RESOURCE, name: 'resources are case-sensitive ("Bucket/*" vs bucket)', identity: [doc(allow({ Resource: 'arn:aws:s3:::Bucket/*' }))], expect: 'ImplicitDeny' });
add({ rule: RESOURCE, name: '"?" matches one character', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/k?y' }))], expect: 'Allow' });
add({ rule: RESOURCE, name: '"?" matches exactly one character', resource: 'arn:aws:s3:::bucket/keey', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/k?y' }))], expect: 'ImplicitDeny' });
add({ rule: RESOURCE, name: '"arn:aws:s3:::*" covers every bucket and object', resource: 'arn:aws:s3:::elsewhere/x', identity: [doc(allow({ Resource: 'arn:aws:s3:::*' }))], expect: 'Allow' });
add({ rule: RESOURCE, name: 'wildcard region and account segments', identity: [doc(allow({ Resource: 'arn:aws:s3:*:*:bucket/*' }))], expect: 'Allow' });
add({ rule: RESOURCE, name: 'a key containing colons', resource: 'arn:aws:s3:::bucket/a:b:c', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/*' }))], expect: 'Allow' });
add({ rule: RESOURCE, name: 'a wildcard does not reach into another segment', resource: 'arn:aws:iam::111122223333:user/s3', identity: [doc(allow({ Resource: 'arn:aws:s3:::*' }))], expect: 'ImplicitDeny' });
add({ rule: NOTRESOURCE, name: 'Allow NotResource secret/* covers bucket/key', identity: [doc(allow({ Resource: undefined, NotResource: 'arn:aws:s3:::secret/*' }))], expect: 'Allow' });
add({ rule: NOTRESOURCE, name: 'Allow NotResource secret/* does not cover secret/x', resource: 'arn:aws:s3:::secret/x', identity: [doc(allow({ Resource: undefined, NotResource: 'arn:aws:s3:::secret/*' }))], expect: 'ImplicitDeny' });
add({ rule: NOTRESOURCE, name: 'Deny NotResource bucket/public/* denies other keys', identity: [doc(allow({ Resource: '*' }), deny({ Resource: undefined, NotResource: 'arn:aws:s3:::bucket/public/*' }))], expect: 'ExplicitDeny' });

// ── Policy variables ──────────────────────────────────────────────────────────────────────────────
const home = doc(allow({ Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' }));
add({ rule: VARS, name: '${aws:username} in Resource, own home', resource: 'arn:aws:s3:::bucket/home/alice/x', context: { 'aws:username': 'alice' }, identity: [home], expect: 'Allow' });
add({ rule: VARS, name: "${aws:username} in Resource, another user's home", resource: 'arn:aws:s3:::bucket/home/bob/x', context: { 'aws:username': 'alice' }, identity: [home], expect: 'ImplicitDeny' });
add({ rule: NOVALUE, name: '${aws:username} with no username in the context', resource: 'arn:aws:s3:::bucket/home/alice/x', identity: [home], expect: 'ImplicitDeny' });
add({ rule: NOVALUE, name: '${aws:username} with no value never matches a literal "${aws:username}" key', resource: 'arn:aws:s3:::bucket/home/${aws:username}/x', identity: [home], expect: 'ImplicitDeny' });
add({ rule: DEFAULTS, name: 'default value used when the key is absent', resource: 'arn:aws:s3:::bucket/home/guest/x', identity: [doc(allow({ Resource: "arn:aws:s3:::bucket/home/${aws:username, 'guest'}/*" }))], expect: 'Allow' });
add({ rule: DEFAULTS, name: 'default value not used when the key is present', resource: 'arn:aws:s3:::bucket/home/guest/x', context: { 'aws:username': 'alice' }, identity: [doc(allow({ Resource: "arn:aws:s3:::bucket/home/${aws:username, 'guest'}/*" }))], expect: 'ImplicitDeny' });
add({ rule: DEFAULTS, name: "'' inside a default is one quote", resource: "arn:aws:s3:::bucket/o'brien", identity: [doc(allow({ Resource: "arn:aws:s3:::bucket/${aws:username, 'o''brien'}" }))], expect: 'Allow' });
add({ rule: VARS, name: '${aws:userid} in Resource', resource: 'arn:aws:s3:::bucket/AIDAEXAMPLE/x', context: { 'aws:userid': 'AIDAEXAMPLE' }, identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/${aws:userid}/*' }))], expect: 'Allow' });
add({ rule: `${VARS}; ${KEYCASE}`, name: 'variable names are case-insensitive (${AWS:UserName})', resource: 'arn:aws:s3:::bucket/home/alice/x', context: { 'aws:username': 'alice' }, identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/home/${AWS:UserName}/*' }))], expect: 'Allow' });
add({ rule: VARS, name: 'a substituted value is literal, not a wildcard', resource: 'arn:aws:s3:::bucket/home/alice/x', context: { 'aws:username': 'al*' }, identity: [home], expect: 'ImplicitDeny' });
add({ rule: MULTIVALUE_VAR, name: 'a multivalued key has no value as a variable', resource: 'arn:aws:s3:::bucket/home/a/x', context: { 'aws:username': ['a', 'b'] }, identity: [home], expect: 'ImplicitDeny' });
add({ rule: SPECIAL, name: '${*} is a literal star', resource: 'arn:aws:s3:::bucket/*', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/${*}' }))], expect: 'Allow' });
add({ rule: SPECIAL, name: '${*} is not a wildcard', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/${*}' }))], expect: 'ImplicitDeny' });
add({ rule: SPECIAL, name: '${?} is a literal question mark', resource: 'arn:aws:s3:::bucket/what?', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/what${?}' }))], expect: 'Allow' });
add({ rule: SPECIAL, name: '${?} does not match another character', resource: 'arn:aws:s3:::bucket/whatx', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/what${?}' }))], expect: 'ImplicitDeny' });
add({ rule: SPECIAL, name: '${$} is a literal dollar', resource: 'arn:aws:s3:::bucket/$5', identity: [doc(allow({ Resource: 'arn:aws:s3:::bucket/${$}5' }))], expect: 'Allow' });
add({ rule: VERSION, name: 'Version 2008-10-17: "${aws:username}" is literal text', resource: 'arn:aws:s3:::bucket/home/${aws:username}/x', context: { 'aws:username': 'alice' }, identity: [{ Version: '2008-10-17', Statement: [allow({ Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' })] }], expect: 'Allow' });
add({ rule: VERSION, name: 'Version 2008-10-17: the variable is not substituted', resource: 'arn:aws:s3:::bucket/home/alice/x', context: { 'aws:username': 'alice' }, identity: [{ Version: '2008-10-17', Statement: [allow({ Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' })] }], expect: 'ImplicitDeny' });
add({ rule: VERSION, name: 'no Version: variables are not substituted', resource: 'arn:aws:s3:::bucket/home/alice/x', context: { 'aws:username': 'alice' }, identity: [{ Statement: [allow({ Resource: 'arn:aws:s3:::bucket/home/${aws:username}/*' })] }], expect: 'ImplicitDeny' });
cond(VARS, { StringLike: { 's3:prefix': '${aws:username}/*' } }, { 's3:prefix': 'alice/docs', 'aws:username': 'alice' }, true);
cond(VARS, { StringLike: { 's3:prefix': '${aws:username}/*' } }, { 's3:prefix': 'bob/docs', 'aws:username': 'alice' }, false);
cond(VARS, { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }, { 'aws:ResourceAccount': ACCOUNT, 'aws:PrincipalAccount': ACCOUNT }, true);
cond(VARS, { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }, { 'aws:ResourceAccount': ACCOUNT, 'aws:PrincipalAccount': OTHER }, false);
cond(VARS, { StringEquals: { 's3:prefix': 'home/${s3:delimiter}' } }, { 's3:prefix': 'home//', 's3:delimiter': '/' }, true);

// ── String operators ──────────────────────────────────────────────────────────────────────────────
cond(S_EQ, { StringEquals: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': 'private' }, true);
cond(S_EQ, { StringEquals: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': 'public-read' }, false);
cond(S_EQ, { StringEquals: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': 'PRIVATE' }, false);
cond(`${S_EQ} (no wildcards)`, { StringEquals: { 's3:prefix': 'a*' } }, { 's3:prefix': 'abc' }, false);
cond(`${S_EQ} (no wildcards)`, { StringEquals: { 's3:prefix': 'a*' } }, { 's3:prefix': 'a*' }, true);
cond(ABSENT, { StringEquals: { 's3:x-amz-acl': 'private' } }, {}, false);
cond(KEYCASE, { StringEquals: { 'S3:X-AMZ-ACL': 'private' } }, { 's3:x-amz-acl': 'private' }, true);
cond(KEYCASE, { StringEquals: { 's3:x-amz-acl': 'private' } }, { 'S3:X-Amz-Acl': 'private' }, true);
cond(OR, { StringEquals: { 's3:x-amz-acl': ['private', 'bucket-owner-full-control'] } }, { 's3:x-amz-acl': 'bucket-owner-full-control' }, true);
cond(OR, { StringEquals: { 's3:x-amz-acl': ['private', 'bucket-owner-full-control'] } }, { 's3:x-amz-acl': 'public-read' }, false);
cond(S_NE, { StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': 'private' }, true);
cond(S_NE, { StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': 'public-read' }, false);
cond(NEG_ABSENT, { StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, {}, true);
cond(`${S_NE}; ${OR}`, { StringNotEquals: { 's3:x-amz-acl': ['public-read', 'public-read-write'] } }, { 's3:x-amz-acl': 'public-read-write' }, false);
cond(S_IC, { StringEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aes256' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, true);
cond(S_IC, { StringEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aes256' } }, { 's3:x-amz-server-side-encryption': 'aws:kms' }, false);
cond(S_NIC, { StringNotEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aes256' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, false);
cond(NEG_ABSENT, { StringNotEqualsIgnoreCase: { 's3:x-amz-server-side-encryption': 'aes256' } }, {}, true);
cond(S_LIKE, { StringLike: { 's3:prefix': 'photos/*' } }, { 's3:prefix': 'photos/2026/' }, true);
cond(S_LIKE, { StringLike: { 's3:prefix': 'photos/*' } }, { 's3:prefix': 'videos/' }, false);
cond(S_LIKE, { StringLike: { 'aws:Referer': 'https://example.com/?' } }, { 'aws:Referer': 'https://example.com/a' }, true);
cond(S_LIKE, { StringLike: { 's3:prefix': 'Photos/*' } }, { 's3:prefix': 'photos/x' }, false);
cond(ABSENT, { StringLike: { 's3:prefix': '*' } }, {}, false);
cond(S_NLIKE, { StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'private/x' }, false);
cond(S_NLIKE, { StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'public/x' }, true);
cond(NEG_ABSENT, { StringNotLike: { 's3:prefix': 'private/*' } }, {}, true);
cond("IAM User Guide › Condition › values are compared as text: JSON true matches \"true\"", { StringEquals: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' }, true);

// ── Numeric ───────────────────────────────────────────────────────────────────────────────────────
cond(NUM, { NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, true);
cond(NUM, { NumericEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': '10.0' }, true);
cond(NUM, { NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '11' }, false);
cond(NUM, { NumericNotEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '11' }, true);
cond(NUM, { NumericNotEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, false);
cond(NUM, { NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '5' }, true);
cond(NUM, { NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, false);
cond(NUM, { NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, true);
cond(NUM, { NumericGreaterThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '10.5' }, true);
cond(NUM, { NumericGreaterThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '9' }, false);
cond(NUM, { NumericGreaterThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, true);
cond(NUM, { NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' }, false);
cond(ABSENT, { NumericLessThan: { 's3:max-keys': '10' } }, {}, false);
cond(NEG_ABSENT, { NumericNotEquals: { 's3:max-keys': '10' } }, {}, true);

// ── Date ──────────────────────────────────────────────────────────────────────────────────────────
cond(DATE, { DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' } }, { 'aws:CurrentTime': '2026-06-01T00:00:00Z' }, true);
cond(DATE, { DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' } }, { 'aws:CurrentTime': '2027-01-01T00:00:00Z' }, false);
cond(DATE, { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2026-01-01T00:00:01Z' }, true);
cond(DATE, { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, true);
cond(DATE, { DateLessThanEquals: { 'aws:CurrentTime': '2026-01-01' } }, { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, true);
cond(DATE, { DateEquals: { 'aws:CurrentTime': '2026-01-01T01:00:00+01:00' } }, { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, true);
cond(DATE, { DateEquals: { 'aws:CurrentTime': '2026-01-01T00:00:00.000Z' } }, { 'aws:CurrentTime': '2026-01-01T00:00:00.001Z' }, false);
cond(DATE, { DateLessThan: { 'aws:EpochTime': '1767225600' } }, { 'aws:EpochTime': '1767225599' }, true);
cond(DATE, { DateLessThan: { 'aws:EpochTime': '2026-01-01T00:00:00Z' } }, { 'aws:EpochTime': '1767225600' }, false);
cond(DATE, { DateEquals: { 'aws:CurrentTime': 1767225600 } }, { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, true);
cond(DATE, { DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' } }, { 'aws:CurrentTime': 'yesterday' }, false);
cond(ABSENT, { DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' } }, {}, false);
cond(NEG_ABSENT, { DateNotEquals: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, {}, true);
cond(DATE, { DateNotEquals: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, false);

// ── Bool, Binary ──────────────────────────────────────────────────────────────────────────────────
cond(BOOL, { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'true' }, true);
cond(BOOL, { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'false' }, false);
cond(BOOL, { Bool: { 'aws:SecureTransport': 'TRUE' } }, { 'aws:SecureTransport': 'true' }, true);
cond(BOOL, { Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' }, true);
cond(ABSENT, { Bool: { 'aws:SecureTransport': 'false' } }, {}, false);
cond(BIN, { BinaryEquals: { 'key': 'QmluYXJ5VmFsdWU=' } }, { key: 'QmluYXJ5VmFsdWU=' }, true);
cond(BIN, { BinaryEquals: { 'key': 'QmluYXJ5VmFsdWU=' } }, { key: 'T3RoZXJWYWx1ZQ==' }, false);
cond(ABSENT, { BinaryEquals: { 'key': 'QmluYXJ5VmFsdWU=' } }, {}, false);

// ── IP address ────────────────────────────────────────────────────────────────────────────────────
cond(IP, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.77' }, true);
cond(IP, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.114.1' }, false);
cond(IP, { IpAddress: { 'aws:SourceIp': '203.0.113.5' } }, { 'aws:SourceIp': '203.0.113.5' }, true);
cond(IP, { IpAddress: { 'aws:SourceIp': '203.0.113.5' } }, { 'aws:SourceIp': '203.0.113.6' }, false);
cond(IP, { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '198.51.100.1' }, true);
cond(IP, { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' }, true);
cond(IP, { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, { 'aws:SourceIp': '2001:db8:1234:5679::1' }, false);
cond(IP, { IpAddress: { 'aws:SourceIp': '::1' } }, { 'aws:SourceIp': '0:0:0:0:0:0:0:1' }, true);
cond(IP, { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, { 'aws:SourceIp': '::ffff:127.0.0.1' }, true);
cond(IP, { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '203.0.113.5' }, false);
cond(`${IP}; ${OR}`, { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, { 'aws:SourceIp': '192.168.1.1' }, true);
cond(ABSENT, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, {}, false);
cond(NOTIP, { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.9' }, false);
cond(NOTIP, { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '198.51.100.9' }, true);
cond(NEG_ABSENT, { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, {}, true);

// ── ARN ───────────────────────────────────────────────────────────────────────────────────────────
cond(ARN, { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` } }, { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` }, true);
cond(ARN, { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/Alice` } }, { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` }, false);
cond(ARN, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, { 'aws:PrincipalArn': `arn:aws:iam::${OTHER}:user/bob` }, true);
cond(ARN, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, { 'aws:PrincipalArn': `arn:aws:iam::${OTHER}:role/r` }, false);
cond(ARN, { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, { 'aws:SourceArn': 'arn:aws:iam::111122223333:s3' }, false);
cond(ARN, { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::bucket-?' } }, { 'aws:SourceArn': 'arn:aws:s3:::bucket-1' }, true);
cond(ARN_NOT, { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` } }, { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/carol` }, true);
cond(ARN_NOT, { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/alice` }, false);
cond(NEG_ABSENT, { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, {}, true);

// ── Null, IfExists ────────────────────────────────────────────────────────────────────────────────
cond(NULL, { Null: { 's3:x-amz-server-side-encryption': 'true' } }, {}, true);
cond(NULL, { Null: { 's3:x-amz-server-side-encryption': 'true' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, false);
cond(NULL, { Null: { 's3:x-amz-server-side-encryption': 'false' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, true);
cond(NULL, { Null: { 's3:x-amz-server-side-encryption': 'false' } }, {}, false);
cond(`${NULL}; ${KEYCASE}`, { Null: { 'S3:X-Amz-Server-Side-Encryption': 'false' } }, { 's3:x-amz-server-side-encryption': 'AES256' }, true);
cond(`${NULL}; ${AND}`, { Null: { 'aws:username': 'false', 'aws:userid': 'false' } }, { 'aws:username': 'alice' }, false);
cond(IFEXISTS, { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } }, {}, true);
cond(IFEXISTS, { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': 'private' }, true);
cond(IFEXISTS, { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': 'public-read' }, false);
cond(IFEXISTS, { StringNotEqualsIfExists: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': 'public-read' }, false);
cond(IFEXISTS, { NumericLessThanIfExists: { 's3:max-keys': '100' } }, { 's3:max-keys': '1000' }, false);
cond(IFEXISTS, { IpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/24' } }, {}, true);
cond(IFEXISTS, { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } }, { 'aws:MultiFactorAuthPresent': 'false' }, false);

// ── Set operators ─────────────────────────────────────────────────────────────────────────────────
cond(FORALL, { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'project'] } }, { 's3:RequestObjectTagKeys': ['team'] }, true);
cond(FORALL, { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'project'] } }, { 's3:RequestObjectTagKeys': ['team', 'cost'] }, false);
cond(FORALL, { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'project'] } }, {}, true);
cond(FORALL, { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'project'] } }, { 's3:RequestObjectTagKeys': [] }, true);
cond(FORALL, { 'ForAllValues:StringLike': { 's3:RequestObjectTagKeys': 'app-*' } }, { 's3:RequestObjectTagKeys': ['app-a', 'app-b'] }, true);
cond(FORANY, { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'project'] } }, { 's3:RequestObjectTagKeys': ['cost', 'project'] }, true);
cond(FORANY, { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'project'] } }, { 's3:RequestObjectTagKeys': ['cost'] }, false);
cond(FORANY, { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'project'] } }, {}, false);
cond(`${FORANY}; ${IFEXISTS}`, { 'ForAnyValue:StringEqualsIfExists': { 's3:RequestObjectTagKeys': 'team' } }, {}, true);
cond(FORANY, { 'ForAnyValue:StringNotEquals': { 's3:RequestObjectTagKeys': 'team' } }, { 's3:RequestObjectTagKeys': ['team', 'cost'] }, true);
cond(FORANY, { 'ForAnyValue:StringNotEquals': { 's3:RequestObjectTagKeys': 'team' } }, { 's3:RequestObjectTagKeys': ['team'] }, false);
const tagDeny = (keys?: string[]): Case => ({
  rule: FORALL_NOTLIKE,
  name: `ForAllValues:StringNotLike Deny with aws:TagKeys ${JSON.stringify(keys)}`,
  action: 'iam:TagUser',
  resource: '*',
  context: keys ? { 'aws:TagKeys': keys } : {},
  identity: [doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Sid: 'DenyRestrictedTags', Effect: 'Deny', Action: ['iam:Tag*', 'iam:UnTag*'], Resource: ['*'], Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } } })],
  expect: keys === undefined || keys.every((k) => !k.startsWith('key1')) ? 'ExplicitDeny' : 'Allow',
});
add(tagDeny(['key1:legal']));
add(tagDeny(['key1:hr', 'key1:personnel']));
add(tagDeny(['key2:audit']));
add(tagDeny(undefined));

// ── AND / OR across the block ─────────────────────────────────────────────────────────────────────
cond(AND, { StringEquals: { 's3:x-amz-acl': 'private' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 's3:x-amz-acl': 'private', 'aws:SourceIp': '10.1.2.3' }, true);
cond(AND, { StringEquals: { 's3:x-amz-acl': 'private' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 's3:x-amz-acl': 'private', 'aws:SourceIp': '11.1.2.3' }, false);
cond(AND, { StringEquals: { 's3:x-amz-acl': 'private', 's3:x-amz-server-side-encryption': 'AES256' } }, { 's3:x-amz-acl': 'private', 's3:x-amz-server-side-encryption': 'AES256' }, true);
cond(AND, { StringEquals: { 's3:x-amz-acl': 'private', 's3:x-amz-server-side-encryption': 'AES256' } }, { 's3:x-amz-acl': 'private' }, false);

// ── AWS's SSE and TLS bucket policies ─────────────────────────────────────────────────────────────
/** SSE-REFERENCE.md's DenyIncorrectEncryptionHeader policy, verbatim but for the bucket name. */
const DENY_INCORRECT_ENCRYPTION_HEADER = `{
  "Version": "2012-10-17",
  "Id": "PutObjectPolicy",
  "Statement": [{
    "Sid": "DenyIncorrectEncryptionHeader",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::bucket/*",
    "Condition": { "StringNotEquals": { "s3:x-amz-server-side-encryption": "AES256" } }
  }]
}`;
const sseHeader = (name: string, value: string | undefined, expect: Decision, action = 's3:PutObject', principal = alice): Case => ({
  rule: SSE,
  name: `DenyIncorrectEncryptionHeader: ${action} ${name}`,
  principal,
  action,
  context: value === undefined ? {} : { 's3:x-amz-server-side-encryption': value },
  identity: [doc(allow({ Action: 's3:*', Resource: '*' }))],
  bucketPolicy: JSON.parse(DENY_INCORRECT_ENCRYPTION_HEADER) as Json,
  expect,
});
add(sseHeader('without the header', undefined, 'ExplicitDeny'));
add(sseHeader('with AES256', 'AES256', 'Allow'));
add(sseHeader('with aws:kms', 'aws:kms', 'ExplicitDeny'));
add(sseHeader('with aws:kms:dsse', 'aws:kms:dsse', 'ExplicitDeny'));
add(sseHeader('with aes256 (values are case-sensitive)', 'aes256', 'ExplicitDeny'));
add(sseHeader('by the account root without the header', undefined, 'ExplicitDeny', 's3:PutObject', root));
add(sseHeader('GetObject is not concerned', undefined, 'Allow', 's3:GetObject'));
add({ ...sseHeader('key named in other case', undefined, 'Allow'), rule: `${SSE}; ${KEYCASE}`, context: { 'S3:X-Amz-Server-Side-Encryption': 'AES256' } });
add({ ...sseHeader('another bucket is not concerned', undefined, 'Allow'), resource: 'arn:aws:s3:::elsewhere/key' });
const NULL_VARIANT = doc({ Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*', Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } });
const nullVariant = (value: string | undefined, expect: Decision): Case => ({
  rule: SSE_NULL,
  name: `Null variant: PutObject with ${value ?? 'no header'}`,
  action: 's3:PutObject',
  context: value === undefined ? {} : { 's3:x-amz-server-side-encryption': value },
  identity: [doc(allow({ Action: 's3:PutObject' }))],
  bucketPolicy: NULL_VARIANT,
  expect,
});
add(nullVariant(undefined, 'ExplicitDeny'));
add(nullVariant('AES256', 'Allow'));
add(nullVariant('aws:kms', 'Allow'));
const requireKms = doc({ Sid: 'RequireKms', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } });
add({ rule: SSE, name: 'require SSE-KMS: PutObject with aws:kms', action: 's3:PutObject', context: { 's3:x-amz-server-side-encryption': 'aws:kms' }, identity: [doc(allow({ Action: 's3:PutObject' }))], bucketPolicy: requireKms, expect: 'Allow' });
add({ rule: SSE, name: 'require SSE-KMS: PutObject with AES256', action: 's3:PutObject', context: { 's3:x-amz-server-side-encryption': 'AES256' }, identity: [doc(allow({ Action: 's3:PutObject' }))], bucketPolicy: requireKms, expect: 'ExplicitDeny' });
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const requireKey = doc({ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN } } });
add({ rule: SSE, name: 'require one KMS key: that key', action: 's3:PutObject', context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN }, identity: [doc(allow({ Action: 's3:PutObject' }))], bucketPolicy: requireKey, expect: 'Allow' });
add({ rule: SSE, name: 'require one KMS key: no key id', action: 's3:PutObject', identity: [doc(allow({ Action: 's3:PutObject' }))], bucketPolicy: requireKey, expect: 'ExplicitDeny' });
const TLS_POLICY = doc({ Sid: 'AllowSSLRequestsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
const tls = (secure: string | undefined, expect: Decision, resource = OBJECT, action = 's3:GetObject'): Case => ({
  rule: TLS,
  name: `aws:SecureTransport Deny: ${action} on ${resource} with SecureTransport=${secure}`,
  action,
  resource,
  context: secure === undefined ? {} : { 'aws:SecureTransport': secure },
  identity: [doc(allow({ Action: 's3:*', Resource: '*' }))],
  bucketPolicy: TLS_POLICY,
  expect,
});
add(tls('false', 'ExplicitDeny'));
add(tls('true', 'Allow'));
add(tls('false', 'ExplicitDeny', 'arn:aws:s3:::bucket', 's3:ListBucket'));
add(tls(undefined, 'Allow'));
add({ ...tls('false', 'ExplicitDeny'), principal: anonymous, rule: `${TLS}; ${ALL}` });

function parsed(json: Json, kind: 'identity' | 'resource') {
  const result = parsePolicy(JSON.stringify(json), { kind });
  if (!result.ok) throw new Error(`test policy refused: ${result.error.message} — ${JSON.stringify(json)}`);
  return result.policy;
}

test('the table has at least 150 cases, each citing its documentation rule', (t) => {
  t.diagnostic(`${cases.length} cases`);
  assert.ok(cases.length >= 150, `only ${cases.length} cases`);
  for (const c of cases) assert.match(c.rule, /Guide › /, c.name);
});

test('every case decides as the IAM documentation says', () => {
  const failures: string[] = [];
  for (const c of cases) {
    const request: EvaluationRequest = {
      principal: c.principal ?? alice,
      action: c.action ?? 's3:GetObject',
      resource: c.resource ?? OBJECT,
      context: c.context ?? {},
      identityPolicies: (c.identity ?? []).map((p) => parsed(p, 'identity')),
      resourcePolicy: c.bucketPolicy ? parsed(c.bucketPolicy, 'resource') : undefined,
      resourceAccount: c.resourceAccount === null ? undefined : (c.resourceAccount ?? ACCOUNT),
    };
    const { decision } = evaluate(request);
    if (decision !== c.expect) failures.push(`${c.name}: got ${decision}, expected ${c.expect} [${c.rule}]`);
  }
  assert.deepEqual(failures, []);
});

test('the matched statements name the statement that decided', () => {
  const policy = parsed(JSON.parse(DENY_INCORRECT_ENCRYPTION_HEADER) as Json, 'resource');
  const result = evaluate({ principal: alice, action: 's3:PutObject', resource: OBJECT, context: {}, identityPolicies: [], resourcePolicy: policy, resourceAccount: ACCOUNT });
  assert.deepEqual(result, { decision: 'ExplicitDeny', matched: [{ source: 'resource', policyIndex: 0, statementIndex: 0, sid: 'DenyIncorrectEncryptionHeader', effect: 'Deny' }] });
  const allowed = evaluate({ principal: alice, action: 's3:GetObject', resource: OBJECT, context: {}, identityPolicies: [parsed(doc(allow({ Sid: 'ReadKey' })), 'identity')], resourceAccount: ACCOUNT });
  assert.deepEqual(allowed.matched, [{ source: 'identity', policyIndex: 0, statementIndex: 0, sid: 'ReadKey', effect: 'Allow' }]);
});
