/** Builds the request context a policy is evaluated against: the condition keys of one request (IAM and S3 condition key references). */
import type { AccessRequest, RequestFacts } from '../common/authorizer.js';
import type { RequestContext } from './engine/request-context.js';

/** Facts that only the stores know, looked up by the authorizer when a policy needs them. */
export interface StoredFacts {
  /** The existing object's tags (s3:ExistingObjectTag/<key>). */
  readonly existingTags?: ReadonlyArray<readonly [string, string]>;
  /**
   * The multipart upload's SSE request (UploadPart, UploadPartCopy, CompleteMultipartUpload carry no SSE header:
   * their s3:x-amz-server-side-encryption is the one the upload was initiated with; see docs/ARCHITECTURE.md).
   */
  readonly uploadEncryption?: { readonly algorithm: string; readonly kmsKeyArn?: string | undefined };
}

function headerValue(facts: RequestFacts, name: string): string | undefined {
  const v = facts.headers[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(',');
}

/** x-amz-tagging is a URL query string ("k1=v1&k2=v2"): the request's tags for s3:RequestObjectTag/<k>. */
function requestTags(facts: RequestFacts): Array<[string, string]> | undefined {
  const raw = headerValue(facts, 'x-amz-tagging');
  if (raw === undefined) return undefined;
  return [...new URLSearchParams(raw)];
}

/**
 * The condition keys of a request. Values are strings as AWS passes them ("true", "1000", ISO dates).
 * Keys the request lacks are left out, so a negated operator on them is true (StringNotEquals on a PUT
 * without x-amz-server-side-encryption: the DenyIncorrectEncryptionHeader policy denies it).
 */
export function conditionKeys(request: AccessRequest, now: Date, stored: StoredFacts = {}): RequestContext {
  const context: Record<string, string | readonly string[] | undefined> = {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
  };
  const p = request.principal;
  if (p === undefined) {
    context['aws:PrincipalType'] = 'Anonymous';
    context['aws:userid'] = 'anonymous';
  } else {
    context['aws:PrincipalArn'] = p.arn;
    context['aws:PrincipalAccount'] = p.accountId;
    context['aws:PrincipalType'] = p.type === 'root' ? 'Account' : 'User';
    context['aws:userid'] = p.userId;
    if (p.userName !== undefined) context['aws:username'] = p.userName;
  }
  const facts = request.facts;
  if (facts !== undefined) {
    context['aws:SecureTransport'] = facts.secure ? 'true' : 'false';
    context['aws:SourceIp'] = facts.sourceIp;
    context['aws:Referer'] = headerValue(facts, 'referer');
    context['aws:UserAgent'] = headerValue(facts, 'user-agent');
    context['s3:authType'] = facts.authType;
    context['s3:signatureversion'] = facts.signatureVersion;
    for (const name of ['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-server-side-encryption-customer-algorithm', 'x-amz-acl', 'x-amz-content-sha256']) {
      context[`s3:${name}`] = headerValue(facts, name);
    }
    // Listing parameters: present only when the request names them (s3:prefix is absent on a list without prefix).
    for (const name of ['prefix', 'delimiter', 'max-keys']) {
      const v = facts.query.get(name);
      if (v !== null) context[`s3:${name}`] = v;
    }
    const tags = requestTags(facts);
    if (tags !== undefined) {
      context['s3:RequestObjectTagKeys'] = tags.map(([k]) => k);
      for (const [k, v] of tags) context[`s3:RequestObjectTag/${k}`] = v;
    }
  }
  if (stored.uploadEncryption !== undefined && context['s3:x-amz-server-side-encryption'] === undefined) {
    const { algorithm, kmsKeyArn } = stored.uploadEncryption;
    if (algorithm === 'SSE-C') context['s3:x-amz-server-side-encryption-customer-algorithm'] = 'AES256';
    else {
      context['s3:x-amz-server-side-encryption'] = algorithm;
      context['s3:x-amz-server-side-encryption-aws-kms-key-id'] = kmsKeyArn;
    }
  }
  for (const [k, v] of stored.existingTags ?? []) context[`s3:ExistingObjectTag/${k}`] = v;
  return context;
}
