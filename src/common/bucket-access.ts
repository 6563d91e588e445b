/** Object Ownership and Block Public Access settings of a bucket: the config documents' names, shapes and the values a missing document means. */

/** Bucket config documents (MetaStore.putBucketConfig names). */
export const OWNERSHIP_CONFIG = 'ownership';
export const PUBLIC_ACCESS_BLOCK_CONFIG = 'publicAccessBlock';
export const BUCKET_ACL_CONFIG = 'acl';

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';
export const OBJECT_OWNERSHIPS: readonly ObjectOwnership[] = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'];

export function isObjectOwnership(value: string): value is ObjectOwnership {
  return (OBJECT_OWNERSHIPS as readonly string[]).includes(value);
}

/** A bucket without ownership controls behaves as ObjectWriter (S3's behaviour before the setting existed). */
export function effectiveOwnership(stored: string | undefined): ObjectOwnership {
  return stored !== undefined && isObjectOwnership(stored) ? stored : 'ObjectWriter';
}

export interface PublicAccessBlock {
  readonly BlockPublicAcls: boolean;
  readonly IgnorePublicAcls: boolean;
  readonly BlockPublicPolicy: boolean;
  readonly RestrictPublicBuckets: boolean;
}

export const PUBLIC_ACCESS_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
export const ALL_BLOCKED: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
export const NONE_BLOCKED: PublicAccessBlock = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

/** The stored JSON document, or no block at all when there is none (or it cannot be read). */
export function parsePublicAccessBlock(stored: string | undefined): PublicAccessBlock {
  if (stored === undefined) return NONE_BLOCKED;
  try {
    const v = JSON.parse(stored) as Record<string, unknown>;
    return {
      BlockPublicAcls: v['BlockPublicAcls'] === true, IgnorePublicAcls: v['IgnorePublicAcls'] === true,
      BlockPublicPolicy: v['BlockPublicPolicy'] === true, RestrictPublicBuckets: v['RestrictPublicBuckets'] === true,
    };
  } catch {
    return NONE_BLOCKED;
  }
}
