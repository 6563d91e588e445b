/** Policy validation: what S3's PutBucketPolicy and IAM's PutUserPolicy refuse, and the message each answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from './parse-policy.js';
import { isKnownS3ActionPattern } from './s3-actions.js';

const ok = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' };
const policy = (statement: Record<string, unknown>, top: Record<string, unknown> = {}) => JSON.stringify({ Version: '2012-10-17', Statement: [statement], ...top });
const without = (field: string) => Object.fromEntries(Object.entries(ok).filter(([k]) => k !== field));

/** [what, document, S3 bucket-policy message]; S3 messages as recorded from AWS (versitygw's PutBucketPolicy tests, user reports). */
const BUCKET_POLICY_ERRORS: ReadonlyArray<readonly [string, string, string]> = [
  ['not starting with {', '[]', "Policies must be valid JSON and the first byte must be '{'"],
  ['broken JSON', '{"Version": ', 'This policy contains invalid Json'],
  ['unknown Version', policy(ok, { Version: '2012-10-18' }), 'The policy must contain a valid version string'],
  ['no Statement', JSON.stringify({ Version: '2012-10-17' }), 'Missing required field Statement'],
  ['empty Statement', JSON.stringify({ Version: '2012-10-17', Statement: [] }), 'Could not parse the policy: Statement is empty!'],
  ['a Statement that is not an object', JSON.stringify({ Version: '2012-10-17', Statement: ['x'] }), 'This policy contains invalid Json'],
  ['no Effect', policy(without('Effect')), 'Missing required field Effect'],
  ['Effect "hello"', policy({ ...ok, Effect: 'hello' }), 'Invalid effect: hello'],
  ['no Principal', policy(without('Principal')), 'Missing required field Principal'],
  ['Principal and NotPrincipal', policy({ ...ok, NotPrincipal: '*' }), 'A statement cannot have both Principal and NotPrincipal'],
  ['Principal "user"', policy({ ...ok, Principal: { AWS: 'user' } }), 'Invalid principal in policy'],
  ['Principal with a partial wildcard', policy({ ...ok, Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }), 'Invalid principal in policy'],
  ['Principal of an unknown type', policy({ ...ok, Principal: { Group: 'x' } }), 'Invalid principal in policy'],
  ['Principal "**"', policy({ ...ok, Principal: '**' }), 'Invalid principal in policy'],
  ['a CanonicalUser that is not 64 hex digits', policy({ ...ok, Principal: { CanonicalUser: 'abc' } }), 'Invalid principal in policy'],
  ['no Action', policy(without('Action')), 'Missing required field Action'],
  ['Action "invalid_action"', policy({ ...ok, Action: 'invalid_action' }), 'Policy has invalid action'],
  ['an S3 action that does not exist', policy({ ...ok, Action: 's3:GetObjects' }), 'Policy has invalid action'],
  ['an action of another service', policy({ ...ok, Action: 'iam:CreateUser' }), 'Policy has invalid action'],
  ['no Resource', policy(without('Resource')), 'Missing required field Resource'],
  ['Resource not an ARN', policy({ ...ok, Resource: 'bucket/*' }), 'Policy has invalid resource'],
  ['Resource of another bucket', policy({ ...ok, Resource: 'arn:aws:s3:::other/*' }), 'Policy has invalid resource'],
  ['an unknown operator', policy({ ...ok, Condition: { NotARealOperator: { 'aws:SourceIp': '1.2.3.4/32' } } }), 'Invalid Condition type : NotARealOperator'],
  ['an operator in the wrong case', policy({ ...ok, Condition: { stringequals: { 's3:prefix': 'foo' } } }), 'Invalid Condition type : stringequals'],
  ['NullIfExists', policy({ ...ok, Condition: { NullIfExists: { 's3:prefix': 'true' } } }), 'Invalid Condition type : NullIfExists'],
  ['a bad IP address', policy({ ...ok, Condition: { IpAddress: { 'aws:SourceIp': '300.1.1.1/8' } } }), 'Invalid IP address in Conditions'],
  ['a Null value other than true/false', policy({ ...ok, Condition: { Null: { 's3:prefix': 'yes' } } }), 'Invalid value for condition Null'],
  ['a non-numeric NumericLessThan value', policy({ ...ok, Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }), 'Invalid value for condition NumericLessThan'],
  ['a date that is not ISO 8601', policy({ ...ok, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } }), 'Invalid value for condition DateLessThan'],
  ['a condition value that is an object', policy({ ...ok, Condition: { StringEquals: { 's3:prefix': { a: 1 } } } }), 'This policy contains invalid Json'],
  ['an unknown statement field', policy({ ...ok, Effects: 'Allow' }), 'Unknown field Effects'],
  ['duplicate Sids', JSON.stringify({ Version: '2012-10-17', Statement: [{ ...ok, Sid: 'a' }, { ...ok, Sid: 'a' }] }), 'Statement IDs (SID) in a single policy must be unique.'],
];

const bucketOptions = {
  kind: 'resource' as const,
  isValidAction: isKnownS3ActionPattern,
  isValidResource: (r: string) => r === 'arn:aws:s3:::bucket' || r.startsWith('arn:aws:s3:::bucket/'),
};

test('bucket policies: each malformed document is refused with S3 MalformedPolicy and its message', () => {
  for (const [what, text, message] of BUCKET_POLICY_ERRORS) {
    const result = parsePolicy(text, bucketOptions);
    assert.deepEqual(result, { ok: false, error: { code: 'MalformedPolicy', message } }, what);
  }
});

test('identity policies answer IAM MalformedPolicyDocument, refuse a Principal, and ask for alphanumeric Sids', () => {
  const identity = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
  const refuse = (text: string, message: string) => assert.deepEqual(parsePolicy(text, { kind: 'identity' }), { ok: false, error: { code: 'MalformedPolicyDocument', message } }, text);
  refuse(policy({ ...identity, Principal: '*' }), 'Policy document should not specify a principal.');
  refuse('{"Statement": ', 'Syntax errors in policy.');
  refuse(policy({ ...identity, Sid: 'has space' }), 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
  refuse(policy({ ...identity, Action: 'GetObject' }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  refuse(policy({ ...identity, Resource: 'bucket' }), 'Resource bucket must be in ARN format or "*".');
  assert.equal(parsePolicy(policy({ ...identity, Action: ['iam:*', 's3:Get*'] }), { kind: 'identity' }).ok, true);
});

test('well-formed documents parse: single statement object, no Version, arrays, every principal type, JSON scalars as condition values', () => {
  const accepted = [
    JSON.stringify({ Statement: ok }),
    JSON.stringify({ Version: '2008-10-17', Id: 'x', Statement: ok }),
    policy({ ...ok, Principal: { AWS: ['111122223333', 'arn:aws:iam::111122223333:user/a/b', 'arn:aws:sts::111122223333:assumed-role/r/s'] } }),
    policy({ ...ok, Principal: { Service: 'logging.s3.amazonaws.com', CanonicalUser: 'f'.repeat(64), Federated: 'cognito-identity.amazonaws.com' } }),
    policy({ ...ok, Action: ['s3:*', 's3:Get*', '*'], Resource: ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*'] }),
    policy({ ...ok, Condition: { 'ForAllValues:StringLikeIfExists': { 's3:RequestObjectTagKeys': ['a*', 'b'] }, NumericLessThan: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': false } } }),
    policy({ ...ok, Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32', '::ffff:192.0.2.1'] }, DateLessThan: { 'aws:EpochTime': 1767225600 } } }),
  ];
  for (const text of accepted) {
    const result = parsePolicy(text, bucketOptions);
    assert.equal(result.ok, true, `${text}: ${result.ok ? '' : result.error.message}`);
  }
  const result = parsePolicy(policy({ ...ok, Principal: { AWS: '111122223333' } }), bucketOptions);
  assert.ok(result.ok);
  const principal = result.policy.statements[0]!.principal!;
  assert.deepEqual(principal.value, { any: false, AWS: ['arn:aws:iam::111122223333:root'], Service: [], CanonicalUser: [], Federated: [] }, 'an account id is stored as the account root ARN');
});
