/** DATA: each S3 operation → the IAM action(s) it needs and on which resource ("Required permissions for Amazon S3 API operations"). */
import { actionPatternMatches } from './match-action.js';

/**
 * One permission an operation needs. `on` says which ARN it is checked against: the bucket, the object, the copy
 * source object (CopyObject, UploadPartCopy), or the account (ListBuckets, resource "*"). `versioned` replaces
 * `action` when the request names a versionId ("GetObject (with a versionId specified): s3:GetObjectVersion").
 * `whenPresent` limits an extra permission to requests carrying that header or form field (a PUT with
 * x-amz-tagging also needs s3:PutObjectTagging; one with x-amz-acl or x-amz-grant-* also s3:PutObjectAcl; one with
 * x-amz-object-lock-mode / -retain-until-date ('retention') also s3:PutObjectRetention; one with
 * x-amz-object-lock-legal-hold also s3:PutObjectLegalHold, as the Object Lock guide requires).
 */
export interface S3Permission {
  readonly action: string;
  readonly on: 'bucket' | 'object' | 'copy-source' | 'account';
  readonly versioned?: string;
  readonly whenPresent?: 'x-amz-tagging' | 'acl' | 'x-amz-object-ownership' | 'retention' | 'x-amz-object-lock-legal-hold';
}

const bucket = (action: string, extra: Partial<S3Permission> = {}): S3Permission => ({ action, on: 'bucket', ...extra });
const object = (action: string, versioned?: string, extra: Partial<S3Permission> = {}): S3Permission => ({
  action,
  on: 'object',
  ...(versioned ? { versioned } : {}),
  ...extra,
});

/** Writes of a new object: s3:PutObject, plus the tagging, ACL and Object Lock permissions when the request sets them. */
const WRITE = [
  object('s3:PutObject'), object('s3:PutObjectTagging', undefined, { whenPresent: 'x-amz-tagging' }), object('s3:PutObjectAcl', undefined, { whenPresent: 'acl' }),
  object('s3:PutObjectRetention', undefined, { whenPresent: 'retention' }), object('s3:PutObjectLegalHold', undefined, { whenPresent: 'x-amz-object-lock-legal-hold' }),
];
const COPY_SOURCE: S3Permission = { action: 's3:GetObject', on: 'copy-source', versioned: 's3:GetObjectVersion' };

/**
 * Operation name (as in edge/s3-route-table.ts and the S3 API reference) → permissions, all of which must be
 * allowed. Deletes of bucket configuration need the matching Put action ("DeleteBucketEncryption:
 * s3:PutEncryptionConfiguration", "DeleteBucketCors: s3:PutBucketCORS", …): S3 has no Delete action for them.
 * DeleteObjects checks s3:DeleteObject for each key. Operations the route table does not serve yet are listed so
 * the table is ready when they arrive.
 */
export const S3_OPERATION_PERMISSIONS: Readonly<Record<string, readonly S3Permission[]>> = {
  ListBuckets: [{ action: 's3:ListAllMyBuckets', on: 'account' }],
  CreateBucket: [bucket('s3:CreateBucket'), bucket('s3:PutBucketAcl', { whenPresent: 'acl' }), bucket('s3:PutBucketOwnershipControls', { whenPresent: 'x-amz-object-ownership' })],
  DeleteBucket: [bucket('s3:DeleteBucket')],
  HeadBucket: [bucket('s3:ListBucket')],
  ListObjects: [bucket('s3:ListBucket')],
  ListObjectsV2: [bucket('s3:ListBucket')],
  ListObjectVersions: [bucket('s3:ListBucketVersions')],
  ListMultipartUploads: [bucket('s3:ListBucketMultipartUploads')],
  GetBucketLocation: [bucket('s3:GetBucketLocation')],
  GetBucketVersioning: [bucket('s3:GetBucketVersioning')],
  PutBucketVersioning: [bucket('s3:PutBucketVersioning')],
  GetBucketEncryption: [bucket('s3:GetEncryptionConfiguration')],
  PutBucketEncryption: [bucket('s3:PutEncryptionConfiguration')],
  DeleteBucketEncryption: [bucket('s3:PutEncryptionConfiguration')],
  GetBucketPolicy: [bucket('s3:GetBucketPolicy')],
  PutBucketPolicy: [bucket('s3:PutBucketPolicy')],
  DeleteBucketPolicy: [bucket('s3:DeleteBucketPolicy')],
  GetBucketPolicyStatus: [bucket('s3:GetBucketPolicyStatus')],
  GetBucketAcl: [bucket('s3:GetBucketAcl')],
  PutBucketAcl: [bucket('s3:PutBucketAcl')],
  GetBucketOwnershipControls: [bucket('s3:GetBucketOwnershipControls')],
  PutBucketOwnershipControls: [bucket('s3:PutBucketOwnershipControls')],
  DeleteBucketOwnershipControls: [bucket('s3:PutBucketOwnershipControls')],
  GetPublicAccessBlock: [bucket('s3:GetBucketPublicAccessBlock')],
  PutPublicAccessBlock: [bucket('s3:PutBucketPublicAccessBlock')],
  DeletePublicAccessBlock: [bucket('s3:PutBucketPublicAccessBlock')],
  GetBucketCors: [bucket('s3:GetBucketCORS')],
  PutBucketCors: [bucket('s3:PutBucketCORS')],
  DeleteBucketCors: [bucket('s3:PutBucketCORS')],
  GetBucketTagging: [bucket('s3:GetBucketTagging')],
  PutBucketTagging: [bucket('s3:PutBucketTagging')],
  DeleteBucketTagging: [bucket('s3:PutBucketTagging')],
  PostObject: WRITE,
  PutObject: WRITE,
  CopyObject: [...WRITE, COPY_SOURCE],
  CreateMultipartUpload: WRITE,
  UploadPart: [object('s3:PutObject')],
  UploadPartCopy: [object('s3:PutObject'), COPY_SOURCE],
  CompleteMultipartUpload: [object('s3:PutObject')],
  AbortMultipartUpload: [object('s3:AbortMultipartUpload')],
  ListParts: [object('s3:ListMultipartUploadParts')],
  GetObject: [object('s3:GetObject', 's3:GetObjectVersion')],
  HeadObject: [object('s3:GetObject', 's3:GetObjectVersion')],
  GetObjectAttributes: [object('s3:GetObject', 's3:GetObjectVersion'), object('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes')],
  DeleteObject: [object('s3:DeleteObject', 's3:DeleteObjectVersion')],
  DeleteObjects: [object('s3:DeleteObject', 's3:DeleteObjectVersion')],
  GetObjectTagging: [object('s3:GetObjectTagging', 's3:GetObjectVersionTagging')],
  PutObjectTagging: [object('s3:PutObjectTagging', 's3:PutObjectVersionTagging')],
  // "To use the UpdateObjectEncryption operation, you must have s3:PutObject and s3:UpdateObjectEncryption" (plus the KMS ones, which KMS checks).
  UpdateObjectEncryption: [object('s3:UpdateObjectEncryption'), object('s3:PutObject')],
  DeleteObjectTagging: [object('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging')],
  GetObjectAcl: [object('s3:GetObjectAcl', 's3:GetObjectVersionAcl')],
  PutObjectAcl: [object('s3:PutObjectAcl', 's3:PutObjectVersionAcl')],
  GetObjectLockConfiguration: [bucket('s3:GetBucketObjectLockConfiguration')],
  PutObjectLockConfiguration: [bucket('s3:PutBucketObjectLockConfiguration')],
  GetObjectRetention: [object('s3:GetObjectRetention')],
  PutObjectRetention: [object('s3:PutObjectRetention')],
  GetObjectLegalHold: [object('s3:GetObjectLegalHold')],
  PutObjectLegalHold: [object('s3:PutObjectLegalHold')],
  // Not an operation: the extra check of a delete or retention change that sends x-amz-bypass-governance-retention.
  BypassGovernanceRetention: [object('s3:BypassGovernanceRetention')],
};

/** Every S3 action a bucket policy may name, beyond those above ("Actions defined by Amazon S3", the ones Strongroom knows). */
const OTHER_S3_ACTIONS = [
  's3:BypassGovernanceRetention', 's3:GetBucketLogging', 's3:PutBucketLogging', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration',
  's3:GetBucketNotification', 's3:PutBucketNotification', 's3:GetBucketObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration',
  's3:GetObjectRetention', 's3:PutObjectRetention', 's3:GetObjectLegalHold', 's3:PutObjectLegalHold', 's3:GetBucketWebsite', 's3:PutBucketWebsite',
  's3:DeleteBucketWebsite', 's3:GetReplicationConfiguration', 's3:PutReplicationConfiguration', 's3:RestoreObject', 's3:GetBucketRequestPayment',
  's3:PutBucketRequestPayment', 's3:GetAccelerateConfiguration', 's3:PutAccelerateConfiguration',
];

/** All S3 actions known to Strongroom, for validating the Action element of bucket policies. */
export const KNOWN_S3_ACTIONS: readonly string[] = [
  ...new Set([...Object.values(S3_OPERATION_PERMISSIONS).flatMap((ps) => ps.flatMap((p) => (p.versioned ? [p.action, p.versioned] : [p.action]))), ...OTHER_S3_ACTIONS]),
].sort();

/**
 * Whether a bucket policy's Action entry names at least one S3 action ("s3:*", "s3:Get*", "s3:PutObject"); S3
 * answers "Policy has invalid action" otherwise. "*" is valid too.
 */
export function isKnownS3ActionPattern(pattern: string): boolean {
  return KNOWN_S3_ACTIONS.some((a) => actionPatternMatches(pattern, a));
}

/** The IAM actions one operation needs on its main resource (copy sources and conditional extras left out). */
export function primaryS3Actions(operation: string, versioned = false): readonly string[] {
  return (S3_OPERATION_PERMISSIONS[operation] ?? [])
    .filter((p) => p.on !== 'copy-source' && p.whenPresent === undefined)
    .map((p) => (versioned && p.versioned ? p.versioned : p.action));
}
