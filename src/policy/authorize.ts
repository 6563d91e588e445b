/** The request authorizer: loads the caller's identity policies and the bucket policy, builds the condition keys, asks the engine, answers AccessDenied. */
import { aclPermits, parseStoredAcl, type AclPermission } from '../common/access-control-list.js';
import { ApiError, iamError, s3Error } from '../common/api-error.js';
import { BUCKET_ACL_CONFIG, effectiveOwnership, OWNERSHIP_CONFIG, parsePublicAccessBlock, PUBLIC_ACCESS_BLOCK_CONFIG } from '../common/bucket-access.js';
import type { AccessRequest, Authorizer } from '../common/authorizer.js';
import type { Clock } from '../common/clock.js';
import type { Principal } from '../common/principal.js';
import type { MetaStore } from '../stores/meta-store.js';
import type { IamStore } from '../stores/iam-store.js';
import { evaluate, type Decision } from './engine/evaluate.js';
import type { RequestPrincipal } from './engine/match-principal.js';
import { parsePolicy } from './engine/parse-policy.js';
import { policyIsPublic } from './engine/policy-is-public.js';
import type { PolicyDocument } from './engine/policy-document.js';
import { S3_OPERATION_PERMISSIONS, type S3Permission } from './engine/s3-actions.js';
import { s3ResourceArn } from './engine/s3-resource-arn.js';
import { conditionKeys, type StoredFacts } from './condition-keys.js';

export interface AuthorizerDeps {
  readonly meta: Pick<MetaStore, 'getBucket' | 'getBucketConfig' | 'getObject' | 'getUpload'>;
  readonly iam: Pick<IamStore, 'listPolicies' | 'groupsForUser'>;
  readonly clock: Clock;
}

/** The bucket config document holding the bucket policy (s3/bucket-policy.ts writes it). */
const BUCKET_POLICY = 'policy';
/** Managing a bucket's policy is the owner account's business alone (S3 answers 405 to another account allowed by policy). */
const OWNER_ONLY = new Set(['PutBucketPolicy', 'GetBucketPolicy', 'DeleteBucketPolicy', 'GetBucketPolicyStatus']);
/** Operations whose SSE condition keys come from the multipart upload they belong to. */
const UPLOAD_STEPS = new Set(['UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload']);
/**
 * What an ACL grant permits, by IAM action (S3 User Guide › Access control list (ACL) overview › "Mapping of ACL
 * permissions and access policy permissions"): on the bucket, READ lists it and WRITE creates and deletes objects in
 * it; on an object, READ reads it; READ_ACP / WRITE_ACP read and write the ACL of the bucket or object.
 */
const ACL_BUCKET_PERMISSIONS: Readonly<Record<string, AclPermission>> = {
  's3:ListBucket': 'READ', 's3:ListBucketVersions': 'READ', 's3:ListBucketMultipartUploads': 'READ',
  's3:PutObject': 'WRITE', 's3:DeleteObject': 'WRITE', 's3:DeleteObjectVersion': 'WRITE', 's3:AbortMultipartUpload': 'WRITE',
  's3:GetBucketAcl': 'READ_ACP', 's3:PutBucketAcl': 'WRITE_ACP',
};
const ACL_OBJECT_PERMISSIONS: Readonly<Record<string, AclPermission>> = {
  's3:GetObject': 'READ', 's3:GetObjectVersion': 'READ', 's3:GetObjectAcl': 'READ_ACP', 's3:GetObjectVersionAcl': 'READ_ACP',
  's3:PutObjectAcl': 'WRITE_ACP', 's3:PutObjectVersionAcl': 'WRITE_ACP',
};
const ACL_HEADERS = ['x-amz-acl', 'x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

/** Parsed documents by their text: stored policies change rarely and are evaluated on every request. */
const PARSED = new Map<string, PolicyDocument | undefined>();
const PARSED_MAX = 1000;

function parsed(text: string, kind: 'identity' | 'resource'): PolicyDocument | undefined {
  const cacheKey = `${kind}\n${text}`;
  if (PARSED.has(cacheKey)) return PARSED.get(cacheKey);
  const result = parsePolicy(text, { kind });
  // A stored document was validated when it was put; one that no longer parses grants nothing.
  const doc = result.ok ? result.policy : undefined;
  if (PARSED.size >= PARSED_MAX) PARSED.delete(PARSED.keys().next().value!);
  PARSED.set(cacheKey, doc);
  return doc;
}

function requestPrincipal(p: Principal | undefined): RequestPrincipal {
  return p === undefined ? { type: 'Anonymous' } : { type: 'AWS', arn: p.arn, accountId: p.accountId, canonicalUserId: p.canonicalId };
}

export function createPolicyAuthorizer(deps: AuthorizerDeps): Authorizer {
  /** The user's inline policies and those of its groups; an account root has none (it is allowed everything in its account). */
  async function identityTexts(p: Principal | undefined): Promise<string[]> {
    if (p === undefined || p.type !== 'user' || p.userName === undefined) return [];
    const own = await deps.iam.listPolicies({ kind: 'user', accountId: p.accountId, name: p.userName });
    const groups = await deps.iam.groupsForUser(p.accountId, p.userName);
    const groupPolicies = await Promise.all(groups.map((g) => deps.iam.listPolicies({ kind: 'group', accountId: p.accountId, name: g.groupName })));
    return [...own, ...groupPolicies.flat()].map((ip) => ip.document);
  }

  async function identityPolicies(p: Principal | undefined): Promise<{ docs: PolicyDocument[]; texts: string[] }> {
    const texts = await identityTexts(p);
    return { docs: texts.map((t) => parsed(t, 'identity')).filter((d): d is PolicyDocument => d !== undefined), texts };
  }

  async function authorizeIam(request: AccessRequest): Promise<void> {
    const p = request.principal;
    const action = `${request.service}:${request.operation}`;
    // STS GetCallerIdentity needs no permission: "No permissions are required to perform this operation."
    if (request.service === 'sts') {
      if (p === undefined) throw new ApiError('sts', 'AccessDenied');
      return;
    }
    if (p === undefined) throw iamError('AccessDenied');
    const resource = request.resource ?? '*';
    const { docs } = await identityPolicies(p);
    const result = evaluate({
      principal: requestPrincipal(p), action, resource, context: conditionKeys(request, deps.clock.now()), identityPolicies: docs,
    });
    if (result.decision === 'Allow') return;
    const why = result.decision === 'ExplicitDeny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
    throw iamError('AccessDenied', { message: `User: ${p.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}` });
  }

  async function authorizeS3(request: AccessRequest): Promise<void> {
    const { principal: p, operation, bucket, key, facts } = request;
    const read = facts?.bucketRow;
    const record = bucket === undefined ? undefined : read?.name === bucket ? read.record : await deps.meta.getBucket(bucket);
    // Bucket names are global and public: S3 tells anyone that a bucket does not exist before anything else.
    if (bucket !== undefined && record === undefined && operation !== 'CreateBucket') {
      throw s3Error('NoSuchBucket', { resource: `/${bucket}`, details: { BucketName: bucket } });
    }
    // The form's signer is known only once the operation has read the form; it authorizes PutObject then.
    if (operation === 'PostObject') return;
    const owner = operation === 'CreateBucket' ? undefined : record?.ownerAccountId;
    const crossAccount = p === undefined || (owner !== undefined && owner !== p.accountId);
    const policyText = bucket !== undefined && record !== undefined ? await deps.meta.getBucketConfig(bucket, BUCKET_POLICY) : undefined;
    // Read only when it can matter (a public policy seen by an outsider, or an ACL consulted): most requests need no extra lookup.
    const loadBlock = async () => parsePublicAccessBlock(bucket !== undefined && record !== undefined ? await deps.meta.getBucketConfig(bucket, PUBLIC_ACCESS_BLOCK_CONFIG) : undefined);
    let bucketPolicy = policyText === undefined ? undefined : parsed(policyText, 'resource');
    // Block Public Access › RestrictPublicBuckets: "only AWS service principals and authorized users within the
    // bucket owner's account" may use a public bucket policy; anonymous and cross-account grants in it count for nothing.
    if (crossAccount && bucketPolicy !== undefined && policyIsPublic(bucketPolicy) && (await loadBlock()).RestrictPublicBuckets) bucketPolicy = undefined;
    // DeleteObjects is decided key by key (s3:DeleteObject each, per-key AccessDenied in the result); a caller
    // outside the owner account with no bucket policy that could grant it anything is refused as a whole.
    if (operation === 'DeleteObjects' && key === undefined) {
      if (crossAccount && bucketPolicy === undefined) throw s3Error('AccessDenied');
      return;
    }
    // "The root principal of the bucket owner account can perform GetBucketPolicy, PutBucketPolicy, and
    // DeleteBucketPolicy even if [the bucket policy] explicitly denies the root principal's access" (S3 User
    // Guide › Bucket policies): an owner never locks itself out of its own bucket.
    if (OWNER_ONLY.has(operation) && operation !== 'GetBucketPolicyStatus' && p?.type === 'root' && !crossAccount) return;
    // The owner account's root on a bucket without a policy: it has every right of its account and no resource
    // policy can deny it, so the evaluation below could only answer Allow. Skipping it keeps the common case cheap
    // (no identity-policy load, no condition-key context: ~30 µs a request at 4 KiB).
    if (p?.type === 'root' && !crossAccount && policyText === undefined) return;
    const { docs, texts } = await identityPolicies(p);
    const stored = await storedFacts(request, [policyText ?? '', ...texts].join('\n'));
    const context = conditionKeys(request, deps.clock.now(), stored);
    const versioned = facts?.query.get('versionId') != null;
    const permissions = (S3_OPERATION_PERMISSIONS[operation] ?? []).filter((perm) => perm.on !== 'copy-source' && applies(perm, request));
    // An operation the table does not know is left to the owner account's root alone.
    if (permissions.length === 0) {
      if (p?.type === 'root' && !crossAccount) return;
      throw s3Error('AccessDenied');
    }
    let decisions: Decision[] = [];
    for (const perm of permissions) {
      const resource = perm.on === 'account' ? '*' : perm.on === 'bucket' ? s3ResourceArn(bucket ?? '') : s3ResourceArn(bucket ?? '', key ?? '');
      const action = versioned && perm.versioned ? perm.versioned : perm.action;
      const result = evaluate({
        principal: requestPrincipal(p), action, resource, context, identityPolicies: docs,
        resourcePolicy: perm.on === 'account' ? undefined : bucketPolicy, resourceAccount: perm.on === 'account' ? undefined : owner,
      });
      const aclAllowed = result.decision === 'ImplicitDeny' && perm.on !== 'account'
        && await aclGrants(request, action, perm.on === 'bucket' ? undefined : key, loadBlock, docs);
      decisions = [...decisions, aclAllowed ? 'Allow' : result.decision];
    }
    if (decisions.some((d) => d !== 'Allow')) throw s3Error('AccessDenied');
    // "If you have the correct permissions, but you're not using an identity that belongs to the bucket owner's
    // account, Amazon S3 returns a 405 Method Not Allowed error" (PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy).
    if (OWNER_ONLY.has(operation) && crossAccount) throw s3Error('MethodNotAllowed', { details: { Method: operation, ResourceType: 'BUCKET' } });
  }

  /**
   * Whether ACLs grant what policies did not (ACLs are resource-based permissions: an explicit Deny still wins).
   * Under BucketOwnerEnforced ACLs "no longer affect permissions"; with IgnorePublicAcls grants to AllUsers and
   * AuthenticatedUsers are ignored. An IAM user needs its identity policies to allow the action too.
   */
  async function aclGrants(request: AccessRequest, action: string, objectKey: string | undefined, loadBlock: () => Promise<{ IgnorePublicAcls: boolean }>, docs: PolicyDocument[]): Promise<boolean> {
    const { principal: p, bucket } = request;
    if (bucket === undefined) return false;
    const objectPermission = objectKey === undefined ? undefined : ACL_OBJECT_PERMISSIONS[action];
    const bucketPermission = ACL_BUCKET_PERMISSIONS[action];
    if (objectPermission === undefined && bucketPermission === undefined) return false;
    if (effectiveOwnership(await deps.meta.getBucketConfig(bucket, OWNERSHIP_CONFIG)) === 'BucketOwnerEnforced') return false;
    const requester = { canonicalId: p?.canonicalId };
    const ignorePublic = (await loadBlock()).IgnorePublicAcls;
    let granted = false;
    if (objectPermission !== undefined) {
      const acl = parseStoredAcl((await deps.meta.getObject(bucket, objectKey!))?.acl);
      granted = acl !== undefined && aclPermits(acl, requester, objectPermission, ignorePublic);
    } else {
      const acl = parseStoredAcl(await deps.meta.getBucketConfig(bucket, BUCKET_ACL_CONFIG));
      granted = acl !== undefined && aclPermits(acl, requester, bucketPermission!, ignorePublic);
    }
    if (!granted || p?.type !== 'user') return granted;
    return evaluate({ principal: requestPrincipal(p), action, resource: objectKey === undefined ? s3ResourceArn(bucket) : s3ResourceArn(bucket, objectKey), context: conditionKeys(request, deps.clock.now()), identityPolicies: docs }).decision === 'Allow';
  }

  /** Store lookups only when a policy names the key they feed (most requests need none). */
  async function storedFacts(request: AccessRequest, policyTexts: string): Promise<StoredFacts> {
    const { operation, bucket, key, facts } = request;
    let out: StoredFacts = {};
    if (bucket !== undefined && key !== undefined && /ExistingObjectTag/i.test(policyTexts)) {
      const existing = await deps.meta.getObject(bucket, key);
      if (existing) out = { ...out, existingTags: existing.tags };
    }
    const uploadId = facts?.query.get('uploadId');
    if (bucket !== undefined && uploadId && UPLOAD_STEPS.has(operation) && /x-amz-server-side-encryption/i.test(policyTexts)) {
      const upload = await deps.meta.getUpload(bucket, uploadId);
      if (upload && upload.key === key) out = { ...out, uploadEncryption: { algorithm: upload.encryption.algorithm, kmsKeyArn: upload.encryption.kmsKeyArn } };
    }
    return out;
  }

  return async (request) => {
    if (request.service === 's3') return authorizeS3(request);
    // KMS decides inside kms/ (kms/key-access.ts): the key policy, which is the primary authority over a key, and
    // its grants are held there, and the key is known only once the operation has resolved its KeyId or blob.
    if (request.service === 'kms') return;
    return authorizeIam(request);
  };
}

/** Whether a conditional permission (tagging, ACL, ownership, Object Lock) applies: only when the request carries what it sets. */
function applies(perm: S3Permission, request: AccessRequest): boolean {
  if (perm.whenPresent === undefined) return true;
  const headers = request.facts?.headers ?? {};
  if (perm.whenPresent === 'acl') return ACL_HEADERS.some((h) => headers[h] !== undefined);
  if (perm.whenPresent === 'retention') return headers['x-amz-object-lock-mode'] !== undefined || headers['x-amz-object-lock-retain-until-date'] !== undefined;
  return headers[perm.whenPresent] !== undefined;
}
