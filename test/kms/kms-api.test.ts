/** The KMS API through @aws-sdk/client-kms and hand-signed JSON requests: protocol, validation, key policies with IAM users, grants, condition keys, the aws/s3 managed key, audit events. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGrantCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyRotationCommand, EncryptCommand,
  GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, KMSClient, ListGrantsCommand, PutKeyPolicyCommand, RetireGrantCommand,
  RevokeGrantCommand, ScheduleKeyDeletionCommand, CreateAliasCommand, GetKeyRotationStatusCommand,
} from '@aws-sdk/client-kms';
import { SignatureV4 } from '@smithy/signature-v4';
import { startServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';
import { queryRequest } from '../helpers/query-request.js';
import { sendHttp, Sha256, type RawResponse } from '../helpers/raw-request.js';
import { jsonRequest } from '../helpers/json-request.js';

let server: TestServer;
let root: KMSClient;
let account: string;

function kms(keys: { id: string; secret: string } = { id: TEST_ACCESS_KEY, secret: TEST_SECRET_KEY }): KMSClient {
  return new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: keys.id, secretAccessKey: keys.secret }, maxAttempts: 1 });
}

/** A hand-signed KMS JSON request (service `kms`). */
async function kmsRaw(target: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const url = new URL(server.url);
  const signer = new SignatureV4({ service: 'kms', region: 'us-east-1', sha256: Sha256, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY } });
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, 'content-length': String(Buffer.byteLength(body)), ...headers },
    body,
  });
  return sendHttp({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers }, body);
}

async function iam(params: Record<string, string>): Promise<string> {
  const r = await queryRequest(server.url, { service: 'iam', params: { Version: '2010-05-08', ...params } });
  assert.equal(r.status, 200, r.body);
  return r.body;
}

/** An IAM user with an access key and, optionally, an inline policy. */
async function user(name: string, policy?: object): Promise<{ id: string; secret: string; arn: string }> {
  const created = await iam({ Action: 'CreateUser', UserName: name });
  const key = await iam({ Action: 'CreateAccessKey', UserName: name });
  if (policy) await iam({ Action: 'PutUserPolicy', UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) });
  return { id: /<AccessKeyId>([^<]+)/.exec(key)![1]!, secret: /<SecretAccessKey>([^<]+)/.exec(key)![1]!, arn: /<Arn>([^<]+)/.exec(created)![1]! };
}

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, name, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

before(async () => {
  server = await startServer();
  root = kms();
  const r = await queryRequest(server.url, { service: 'sts', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });
  account = /<Account>(\d+)<\/Account>/.exec(r.body)![1]!;
});
after(async () => { await server?.stop(); });

test('JSON 1.1 on the wire: answers and errors are application/x-amz-json-1.1; an error is {"__type", "message"} with KMS\'s status; an unknown target is UnknownOperationException', async () => {
  const created = await kmsRaw('TrentService.CreateKey', '{}');
  assert.equal(created.status, 200, created.body);
  assert.equal(created.headers['content-type'], 'application/x-amz-json-1.1');
  const meta = (JSON.parse(created.body) as { KeyMetadata: Record<string, unknown> }).KeyMetadata;
  assert.equal(typeof meta['CreationDate'], 'number', 'timestamps are epoch seconds in JSON 1.1');
  const missing = await kmsRaw('TrentService.DescribeKey', JSON.stringify({ KeyId: '11111111-2222-4333-8444-555555555555' }));
  assert.equal(missing.status, 400);
  assert.equal(missing.headers['content-type'], 'application/x-amz-json-1.1');
  assert.deepEqual(JSON.parse(missing.body), { __type: 'NotFoundException', message: `Key 'arn:aws:kms:us-east-1:${account}:key/11111111-2222-4333-8444-555555555555' does not exist` });
  const noKey = await kmsRaw('TrentService.DescribeKey', '{}');
  assert.deepEqual(JSON.parse(noKey.body), { __type: 'ValidationException', message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null" });
  const unknown = await kmsRaw('Foo.Bar', '{}');
  assert.equal(JSON.parse(unknown.body).__type, 'UnknownOperationException');
  const unsupported = await kmsRaw('TrentService.CreateCustomKeyStore', '{}');
  assert.equal(unsupported.status, 400);
  assert.equal(JSON.parse(unsupported.body).__type, 'UnsupportedOperationException');
  const badJson = await kmsRaw('TrentService.ListKeys', '{not json');
  assert.equal(JSON.parse(badJson.body).__type, 'ValidationException');
});

test('authentication failures are KMS common errors: UnrecognizedClientException, InvalidSignatureException', async () => {
  await rejects(kms({ id: 'AKIANOSUCHKEY0000000', secret: 'x' }).send(new CreateKeyCommand({})), 'UnrecognizedClientException');
  await rejects(kms({ id: TEST_ACCESS_KEY, secret: 'wrong-secret' }).send(new CreateKeyCommand({})), 'InvalidSignatureException');
});

test('validation: ScheduleKeyDeletion 7–30 days, RotationPeriodInDays 90–2560, GenerateDataKey needs exactly one of NumberOfBytes and KeySpec, Encrypt ≤ 4096 bytes, asymmetric keys unsupported', async () => {
  const keyId = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  await rejects(root.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 31 })), 'ValidationException');
  await rejects(root.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 89 })), 'ValidationException');
  await rejects(root.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 2561 })), 'ValidationException');
  await root.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 2560 }));
  assert.equal((await root.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).RotationPeriodInDays, 2560);
  await rejects(root.send(new GenerateDataKeyCommand({ KeyId: keyId })), 'ValidationException');
  await rejects(root.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })), 'ValidationException');
  assert.equal((await root.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }))).Plaintext!.length, 64);
  await rejects(root.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4097) })), 'ValidationException');
  await rejects(root.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })), 'UnsupportedOperationException');
  await rejects(root.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: keyId })), 'NotAuthorizedException');
  await rejects(root.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a blob of this kms') })), 'InvalidCiphertextException');
  const other = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const blob = (await root.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
  await rejects(root.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: other })), 'IncorrectKeyException');
  const flipped = Buffer.from(blob);
  flipped[flipped.length - 1]! ^= 1;
  await rejects(root.send(new DecryptCommand({ CiphertextBlob: flipped })), 'InvalidCiphertextException');
});

test('key policy + IAM: the default policy lets identity policies grant use; a key policy without the account statement ignores them; explicit Deny wins; AccessDeniedException is a 400', async () => {
  const allowed = await user('kms-user', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey', 'kms:CreateKey'], Resource: '*' }] });
  const bare = await user('kms-bare');
  const defaultKey = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const blob = (await kms(allowed).send(new EncryptCommand({ KeyId: defaultKey, Plaintext: Buffer.from('p') }))).CiphertextBlob!;
  assert.equal(Buffer.from((await kms(allowed).send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString(), 'p');
  await assert.rejects(kms(bare).send(new DecryptCommand({ CiphertextBlob: blob })), (e: Error & { $metadata: { httpStatusCode?: number } }) => {
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, new RegExp(`User: ${allowed.arn.replace('kms-user', 'kms-bare')} is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:${account}:key/${defaultKey}`));
    return true;
  });
  await rejects(kms(bare).send(new CreateKeyCommand({})), 'AccessDeniedException');

  // A key policy naming only the root user: the user's identity policy no longer counts ("Enable IAM policies" is gone).
  const rootOnly = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] });
  const strict = (await root.send(new CreateKeyCommand({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'root only', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] }) }))).KeyMetadata!.KeyId!;
  assert.ok(rootOnly);
  // The root principal named directly still may; a user of the account, allowed by its identity policy, is delegated to.
  await kms(allowed).send(new DescribeKeyCommand({ KeyId: strict }));
  const userOnly = (await root.send(new CreateKeyCommand({
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['kms:PutKeyPolicy', 'kms:DescribeKey'], Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: allowed.arn.replace('kms-user', 'kms-bare') }, Action: 'kms:Encrypt', Resource: '*' },
    ] }),
  }))).KeyMetadata!.KeyId!;
  // kms-bare has no identity policy, but the key policy names it: allowed. kms-user's identity policy allows Encrypt,
  // and the key policy's account statement covers only PutKeyPolicy/DescribeKey: denied.
  await kms(bare).send(new EncryptCommand({ KeyId: userOnly, Plaintext: Buffer.from('k') }));
  await rejects(kms(allowed).send(new EncryptCommand({ KeyId: userOnly, Plaintext: Buffer.from('k') })), 'AccessDeniedException');
  // The root itself: not named for Encrypt in this key policy, so not allowed either (the key policy is the authority).
  await rejects(root.send(new EncryptCommand({ KeyId: userOnly, Plaintext: Buffer.from('k') })), 'AccessDeniedException');

  const denyUser = (await root.send(new CreateKeyCommand({
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: { AWS: allowed.arn }, Action: 'kms:Encrypt', Resource: '*' },
    ] }),
  }))).KeyMetadata!.KeyId!;
  await rejects(kms(allowed).send(new EncryptCommand({ KeyId: denyUser, Plaintext: Buffer.from('k') })), 'AccessDeniedException', /explicit deny/);
  // The lockout safety check: a policy that would stop the caller from updating it is refused.
  await rejects(root.send(new PutKeyPolicyCommand({ KeyId: denyUser, PolicyName: 'default', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: allowed.arn }, Action: 'kms:Encrypt', Resource: '*' }] }) })), 'MalformedPolicyDocumentException');
});

test('kms:EncryptionContext:<key> and kms:CallerAccount conditions in a key policy allow one context and deny another', async () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:GetKeyPolicy'], Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*',
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::bucket/allowed', 'kms:CallerAccount': account } } },
    ],
  };
  const keyId = (await root.send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }))).KeyMetadata!.KeyId!;
  const ok = await root.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('a'), EncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::bucket/allowed' } }));
  assert.ok(ok.CiphertextBlob);
  await rejects(root.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('a'), EncryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::bucket/other' } })), 'AccessDeniedException');
  await rejects(root.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('a') })), 'AccessDeniedException');
});

test('grants: CreateGrant lets a grantee use the key for the granted operations under its constraints; ListGrants, RetireGrant and RevokeGrant end it', async () => {
  const grantee = await user('kms-grantee');
  const keyId = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  await rejects(kms(grantee).send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })), 'AccessDeniedException');
  const grant = await root.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: grantee.arn, Operations: ['GenerateDataKey', 'Decrypt'], Constraints: { EncryptionContextSubset: { app: 'x' } } }));
  assert.match(grant.GrantId!, /^[0-9a-f]{64}$/);
  const dk = await kms(grantee).send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { app: 'x', more: '1' } }));
  assert.equal(dk.Plaintext!.length, 32);
  await rejects(kms(grantee).send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { app: 'y' } })), 'AccessDeniedException');
  await rejects(kms(grantee).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('n'), EncryptionContext: { app: 'x' } })), 'AccessDeniedException');
  const listed = (await root.send(new ListGrantsCommand({ KeyId: keyId }))).Grants!;
  assert.deepEqual(listed.map((g) => [g.GrantId, g.GranteePrincipal, g.Operations]), [[grant.GrantId, grantee.arn, ['GenerateDataKey', 'Decrypt']]]);
  await kms(grantee).send(new RetireGrantCommand({ GrantToken: grant.GrantToken }));
  await rejects(kms(grantee).send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { app: 'x' } })), 'AccessDeniedException');
  const second = await root.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: grantee.arn, Operations: ['GenerateDataKeyWithoutPlaintext'] }));
  assert.ok((await kms(grantee).send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256' }))).CiphertextBlob);
  await root.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: second.GrantId }));
  await rejects(kms(grantee).send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256' })), 'AccessDeniedException');
  await rejects(root.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: second.GrantId })), 'NotFoundException');
});

test('the AWS managed key alias/aws/s3: created on first use, one per account, KeyManager AWS, rotation on, yearly; DisableKey and ScheduleKeyDeletion are AccessDeniedException', async () => {
  const a = (await root.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!;
  const b = (await root.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }))).KeyMetadata!;
  assert.equal(a.KeyId, b.KeyId, 'one aws/s3 key per account');
  assert.equal(a.KeyManager, 'AWS');
  const rotation = await root.send(new GetKeyRotationStatusCommand({ KeyId: 'alias/aws/s3' }));
  assert.equal(rotation.KeyRotationEnabled, true);
  assert.equal(rotation.RotationPeriodInDays, 365);
  await rejects(root.send(new DisableKeyCommand({ KeyId: a.KeyId })), 'AccessDeniedException');
  await rejects(root.send(new ScheduleKeyDeletionCommand({ KeyId: a.KeyId, PendingWindowInDays: 7 })), 'AccessDeniedException');
  // Used directly (not through S3), the key's policy refuses: its use is allowed only with kms:ViaService s3.
  await rejects(root.send(new GenerateDataKeyCommand({ KeyId: 'alias/aws/s3', KeySpec: 'AES_256' })), 'AccessDeniedException');
});

test('every KMS call, allowed or refused, is one audit event in the trail naming the operation, the key and the caller (LookupEvents by the key ARN)', async () => {
  const meta = (await root.send(new CreateKeyCommand({ Description: 'audited' }))).KeyMetadata!;
  await root.send(new DisableKeyCommand({ KeyId: meta.KeyId }));
  await rejects(root.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('secret-plaintext') })), 'DisabledException');
  const r = await jsonRequest(server.url, {
    service: 'cloudtrail', target: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
    input: { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: meta.Arn }] },
  });
  assert.equal(r.status, 200, r.body);
  const events = (JSON.parse(r.body) as { Events: Array<{ EventName: string; EventSource: string; CloudTrailEvent: string }> }).Events;
  const records = events.map((e) => JSON.parse(e.CloudTrailEvent) as { eventName: string; eventSource: string; errorCode?: string; userIdentity: { arn: string } })
    .sort((a, b) => ['CreateKey', 'DisableKey', 'Encrypt'].indexOf(a.eventName) - ['CreateKey', 'DisableKey', 'Encrypt'].indexOf(b.eventName));
  assert.deepEqual(records.map((e) => [e.eventSource, e.eventName, e.errorCode]), [
    ['kms.amazonaws.com', 'CreateKey', undefined], ['kms.amazonaws.com', 'DisableKey', undefined], ['kms.amazonaws.com', 'Encrypt', 'DisabledException'],
  ]);
  assert.equal(records[2]!.userIdentity.arn, `arn:aws:iam::${account}:root`);
  assert.doesNotMatch(r.body, /secret-plaintext|c2VjcmV0LXBsYWludGV4dA/, 'no plaintext in the audit');
});
