/** Identities for authorization tests: IAM users with keys and inline policies made through the IAM API, SDK clients for any keys, refusal checks. */
import { testHttpAgent } from './clients.js';
import assert from 'node:assert/strict';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { queryRequest } from './query-request.js';
import { TEST_REGION } from './start-server.js';

export interface Keys { readonly accessKey: string; readonly secretKey: string }

/** An SDK v3 client signing with `keys`. */
export function clientFor(url: string, keys: Keys): S3Client {
  return new S3Client({ endpoint: url, region: TEST_REGION, forcePathStyle: true, credentials: { accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey }, maxAttempts: 1, requestHandler: { httpAgent: testHttpAgent() } });
}

async function iam(url: string, params: Record<string, string>, as?: Keys): Promise<string> {
  const r = await queryRequest(url, { service: 'iam', params: { Version: '2010-05-08', ...params }, ...(as ?? {}) });
  assert.equal(r.status, 200, `${params['Action']}: ${r.body}`);
  return r.body;
}

/** Creates an IAM user (by the account root `as`, or the server's root) with an access key and the given inline policies. */
export async function createUser(url: string, name: string, policies: Record<string, unknown> = {}, as?: Keys): Promise<Keys> {
  await iam(url, { Action: 'CreateUser', UserName: name }, as);
  const body = await iam(url, { Action: 'CreateAccessKey', UserName: name }, as);
  for (const [policyName, doc] of Object.entries(policies)) await iam(url, { Action: 'PutUserPolicy', UserName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(doc) }, as);
  return { accessKey: /<AccessKeyId>([^<]+)</.exec(body)![1]!, secretKey: /<SecretAccessKey>([^<]+)</.exec(body)![1]! };
}

export { iam as iamCall };

/** Asserts an SDK call fails with exactly this code and status. */
export async function refused(p: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof S3ServiceException, String(e));
    assert.equal(e.name, code);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}
