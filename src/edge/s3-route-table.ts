/** DATA: method + target + subresource/header → S3 operation name and IAM action; tested against the AWS request lines. */

export type S3Target = 'service' | 'bucket' | 'object';

export interface S3Route {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly target: S3Target;
  /** Query parameters that must be present (subresources). */
  readonly query?: readonly string[];
  /** A header that must be present (CopyObject, UploadPartCopy). */
  readonly header?: string;
  /** Query parameter value that must match exactly, e.g. list-type=2. */
  readonly queryValue?: readonly [string, string];
  readonly operation: string;
  readonly action: string;
}

/** Ordered: the first matching route wins, so specific routes precede their fallbacks. */
export const S3_ROUTES: readonly S3Route[] = [
  { method: 'GET', target: 'service', operation: 'ListBuckets', action: 's3:ListAllMyBuckets' },

  { method: 'PUT', target: 'bucket', query: ['encryption'], operation: 'PutBucketEncryption', action: 's3:PutEncryptionConfiguration' },
  { method: 'GET', target: 'bucket', query: ['encryption'], operation: 'GetBucketEncryption', action: 's3:GetEncryptionConfiguration' },
  { method: 'DELETE', target: 'bucket', query: ['encryption'], operation: 'DeleteBucketEncryption', action: 's3:PutEncryptionConfiguration' },
  { method: 'PUT', target: 'bucket', query: ['policy'], operation: 'PutBucketPolicy', action: 's3:PutBucketPolicy' },
  { method: 'GET', target: 'bucket', query: ['policy'], operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy' },
  { method: 'DELETE', target: 'bucket', query: ['policy'], operation: 'DeleteBucketPolicy', action: 's3:DeleteBucketPolicy' },
  { method: 'GET', target: 'bucket', query: ['policyStatus'], operation: 'GetBucketPolicyStatus', action: 's3:GetBucketPolicyStatus' },
  { method: 'PUT', target: 'bucket', query: ['cors'], operation: 'PutBucketCors', action: 's3:PutBucketCORS' },
  { method: 'GET', target: 'bucket', query: ['cors'], operation: 'GetBucketCors', action: 's3:GetBucketCORS' },
  { method: 'DELETE', target: 'bucket', query: ['cors'], operation: 'DeleteBucketCors', action: 's3:PutBucketCORS' },
  { method: 'PUT', target: 'bucket', query: ['tagging'], operation: 'PutBucketTagging', action: 's3:PutBucketTagging' },
  { method: 'GET', target: 'bucket', query: ['tagging'], operation: 'GetBucketTagging', action: 's3:GetBucketTagging' },
  { method: 'DELETE', target: 'bucket', query: ['tagging'], operation: 'DeleteBucketTagging', action: 's3:PutBucketTagging' },
  { method: 'PUT', target: 'bucket', query: ['ownershipControls'], operation: 'PutBucketOwnershipControls', action: 's3:PutBucketOwnershipControls' },
  { method: 'GET', target: 'bucket', query: ['ownershipControls'], operation: 'GetBucketOwnershipControls', action: 's3:GetBucketOwnershipControls' },
  { method: 'DELETE', target: 'bucket', query: ['ownershipControls'], operation: 'DeleteBucketOwnershipControls', action: 's3:PutBucketOwnershipControls' },
  { method: 'PUT', target: 'bucket', query: ['publicAccessBlock'], operation: 'PutPublicAccessBlock', action: 's3:PutBucketPublicAccessBlock' },
  { method: 'GET', target: 'bucket', query: ['publicAccessBlock'], operation: 'GetPublicAccessBlock', action: 's3:GetBucketPublicAccessBlock' },
  { method: 'DELETE', target: 'bucket', query: ['publicAccessBlock'], operation: 'DeletePublicAccessBlock', action: 's3:PutBucketPublicAccessBlock' },
  { method: 'PUT', target: 'bucket', query: ['acl'], operation: 'PutBucketAcl', action: 's3:PutBucketAcl' },
  { method: 'GET', target: 'bucket', query: ['acl'], operation: 'GetBucketAcl', action: 's3:GetBucketAcl' },
  { method: 'GET', target: 'bucket', query: ['location'], operation: 'GetBucketLocation', action: 's3:GetBucketLocation' },
  { method: 'GET', target: 'bucket', query: ['versioning'], operation: 'GetBucketVersioning', action: 's3:GetBucketVersioning' },
  { method: 'PUT', target: 'bucket', query: ['versioning'], operation: 'PutBucketVersioning', action: 's3:PutBucketVersioning' },
  { method: 'PUT', target: 'bucket', query: ['object-lock'], operation: 'PutObjectLockConfiguration', action: 's3:PutBucketObjectLockConfiguration' },
  { method: 'GET', target: 'bucket', query: ['object-lock'], operation: 'GetObjectLockConfiguration', action: 's3:GetBucketObjectLockConfiguration' },
  { method: 'GET', target: 'bucket', query: ['uploads'], operation: 'ListMultipartUploads', action: 's3:ListBucketMultipartUploads' },
  { method: 'GET', target: 'bucket', query: ['versions'], operation: 'ListObjectVersions', action: 's3:ListBucketVersions' },
  { method: 'GET', target: 'bucket', queryValue: ['list-type', '2'], operation: 'ListObjectsV2', action: 's3:ListBucket' },
  { method: 'POST', target: 'bucket', query: ['delete'], operation: 'DeleteObjects', action: 's3:DeleteObject' },
  { method: 'POST', target: 'bucket', operation: 'PostObject', action: 's3:PutObject' },
  { method: 'GET', target: 'bucket', operation: 'ListObjects', action: 's3:ListBucket' },
  { method: 'HEAD', target: 'bucket', operation: 'HeadBucket', action: 's3:ListBucket' },
  { method: 'PUT', target: 'bucket', operation: 'CreateBucket', action: 's3:CreateBucket' },
  { method: 'DELETE', target: 'bucket', operation: 'DeleteBucket', action: 's3:DeleteBucket' },

  { method: 'GET', target: 'object', query: ['uploadId'], operation: 'ListParts', action: 's3:ListMultipartUploadParts' },
  { method: 'GET', target: 'object', query: ['acl'], operation: 'GetObjectAcl', action: 's3:GetObjectAcl' },
  { method: 'PUT', target: 'object', query: ['acl'], operation: 'PutObjectAcl', action: 's3:PutObjectAcl' },
  { method: 'GET', target: 'object', query: ['tagging'], operation: 'GetObjectTagging', action: 's3:GetObjectTagging' },
  { method: 'PUT', target: 'object', query: ['retention'], operation: 'PutObjectRetention', action: 's3:PutObjectRetention' },
  { method: 'GET', target: 'object', query: ['retention'], operation: 'GetObjectRetention', action: 's3:GetObjectRetention' },
  { method: 'PUT', target: 'object', query: ['legal-hold'], operation: 'PutObjectLegalHold', action: 's3:PutObjectLegalHold' },
  { method: 'GET', target: 'object', query: ['legal-hold'], operation: 'GetObjectLegalHold', action: 's3:GetObjectLegalHold' },
  { method: 'PUT', target: 'object', query: ['tagging'], operation: 'PutObjectTagging', action: 's3:PutObjectTagging' },
  { method: 'PUT', target: 'object', query: ['encryption'], operation: 'UpdateObjectEncryption', action: 's3:UpdateObjectEncryption' },
  { method: 'DELETE', target: 'object', query: ['tagging'], operation: 'DeleteObjectTagging', action: 's3:DeleteObjectTagging' },
  { method: 'GET', target: 'object', query: ['attributes'], operation: 'GetObjectAttributes', action: 's3:GetObjectAttributes' },
  { method: 'GET', target: 'object', operation: 'GetObject', action: 's3:GetObject' },
  { method: 'HEAD', target: 'object', operation: 'HeadObject', action: 's3:GetObject' },
  { method: 'PUT', target: 'object', query: ['partNumber', 'uploadId'], header: 'x-amz-copy-source', operation: 'UploadPartCopy', action: 's3:PutObject' },
  { method: 'PUT', target: 'object', query: ['partNumber', 'uploadId'], operation: 'UploadPart', action: 's3:PutObject' },
  { method: 'PUT', target: 'object', header: 'x-amz-copy-source', operation: 'CopyObject', action: 's3:PutObject' },
  { method: 'PUT', target: 'object', operation: 'PutObject', action: 's3:PutObject' },
  { method: 'POST', target: 'object', query: ['uploads'], operation: 'CreateMultipartUpload', action: 's3:PutObject' },
  { method: 'POST', target: 'object', query: ['uploadId'], operation: 'CompleteMultipartUpload', action: 's3:PutObject' },
  { method: 'DELETE', target: 'object', query: ['uploadId'], operation: 'AbortMultipartUpload', action: 's3:AbortMultipartUpload' },
  { method: 'DELETE', target: 'object', operation: 'DeleteObject', action: 's3:DeleteObject' },
];

/**
 * Query parameters that name a subresource in the S3 API. A request carrying one that no route
 * consumes is answered NotImplemented rather than silently treated as the plain operation
 * (a GET ?acl must never return the object).
 */
export const KNOWN_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'intelligent-tiering',
  'inventory', 'legal-hold', 'lifecycle', 'location', 'logging', 'metadataConfiguration', 'metadataTable',
  'metrics', 'notification', 'object-lock', 'ownershipControls', 'partNumber', 'policy', 'policyStatus',
  'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'select', 'session',
  'tagging', 'torrent', 'uploadId', 'uploads', 'versioning', 'versions', 'website', 'renameObject',
  'abac', 'list-type', 'metadataInventoryTable', 'metadataJournalTable',
]);

/** Subresource-like parameters an operation accepts as plain arguments. */
const ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  GetObject: ['partNumber'],
  HeadObject: ['partNumber'],
};

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: S3Route }
  | { readonly kind: 'not-implemented'; readonly subresource: string }
  | { readonly kind: 'method-not-allowed' };

/** Finds the operation for a request; `has` tells which query parameters and headers are present. */
export function matchS3Route(
  method: string,
  target: S3Target,
  query: URLSearchParams,
  hasHeader: (name: string) => boolean,
): RouteMatch {
  const subresources = [...new Set(query.keys())].filter((k) => KNOWN_SUBRESOURCES.has(k));
  for (const route of S3_ROUTES) {
    if (route.target !== target) continue;
    if (route.method !== method) continue;
    if (route.query && !route.query.every((q) => query.has(q))) continue;
    if (route.queryValue && query.get(route.queryValue[0]) !== route.queryValue[1]) continue;
    if (route.header && !hasHeader(route.header)) continue;
    const consumed = new Set([...(route.query ?? []), ...(route.queryValue ? [route.queryValue[0]] : []), ...(ARGUMENTS[route.operation] ?? [])]);
    const unknown = subresources.find((s) => !consumed.has(s));
    if (unknown !== undefined) return { kind: 'not-implemented', subresource: unknown };
    return { kind: 'route', route };
  }
  if (subresources.length > 0) return { kind: 'not-implemented', subresource: subresources[0]! };
  return { kind: 'method-not-allowed' };
}
