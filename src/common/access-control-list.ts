/** S3 access control lists: grants, canned ACLs, what counts as public, and what a grant permits (S3 User Guide › Access control list (ACL) overview). */

export type AclPermission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
export const ACL_PERMISSIONS: readonly AclPermission[] = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
export const GROUP_URIS: readonly string[] = [ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY];

export type Grantee =
  | { readonly type: 'CanonicalUser'; readonly id: string; readonly displayName?: string }
  | { readonly type: 'Group'; readonly uri: string }
  | { readonly type: 'AmazonCustomerByEmail'; readonly email: string };

export interface Grant { readonly grantee: Grantee; readonly permission: AclPermission }

/** A stored ACL: the resource owner's canonical id and display name, and the grants. */
export interface AccessControlList {
  readonly ownerId: string;
  readonly ownerName: string;
  readonly grants: readonly Grant[];
}

export const CANNED_ACLS = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write'] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

export function isCannedAcl(value: string): value is CannedAcl {
  return (CANNED_ACLS as readonly string[]).includes(value);
}

const user = (id: string, displayName?: string): Grantee => ({ type: 'CanonicalUser', id, displayName });
const group = (uri: string): Grantee => ({ type: 'Group', uri });

/**
 * The grants of a canned ACL (S3 User Guide › Canned ACL). The owner always gets FULL_CONTROL; the
 * bucket-owner-* ACLs add the bucket owner (nothing more when it is the object owner too).
 */
export function cannedGrants(acl: CannedAcl, owner: { id: string; name: string }, bucketOwner: { id: string; name: string }): Grant[] {
  const full: Grant = { grantee: user(owner.id, owner.name), permission: 'FULL_CONTROL' };
  const bucketOwnerGrant = (permission: AclPermission): Grant[] => bucketOwner.id === owner.id ? [] : [{ grantee: user(bucketOwner.id, bucketOwner.name), permission }];
  switch (acl) {
    case 'private': return [full];
    // S3 adds READ for Amazon EC2 (AMI bundles); there is no EC2 here, so only the owner's grant remains.
    case 'aws-exec-read': return [full];
    case 'public-read': return [full, { grantee: group(ALL_USERS), permission: 'READ' }];
    case 'public-read-write': return [full, { grantee: group(ALL_USERS), permission: 'READ' }, { grantee: group(ALL_USERS), permission: 'WRITE' }];
    case 'authenticated-read': return [full, { grantee: group(AUTHENTICATED_USERS), permission: 'READ' }];
    case 'bucket-owner-read': return [full, ...bucketOwnerGrant('READ')];
    case 'bucket-owner-full-control': return [full, ...bucketOwnerGrant('FULL_CONTROL')];
    case 'log-delivery-write': return [full, { grantee: group(LOG_DELIVERY), permission: 'WRITE' }, { grantee: group(LOG_DELIVERY), permission: 'READ_ACP' }];
  }
}

/** "Amazon S3 considers a bucket or object ACL public if it grants any permissions to members of the predefined AllUsers or AuthenticatedUsers groups." */
export function isPublicGrant(g: Grant): boolean {
  return g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS);
}

export function aclIsPublic(acl: AccessControlList): boolean {
  return acl.grants.some(isPublicGrant);
}

/** Whether some grant gives anyone but the owner a permission (ownership controls refuse such bucket ACLs when enforced). */
export function grantsOthers(acl: AccessControlList): boolean {
  return acl.grants.some((g) => !(g.grantee.type === 'CanonicalUser' && g.grantee.id === acl.ownerId));
}

/** Who asks, as ACLs see it: a canonical user id (undefined when anonymous) and its e-mail when known. */
export interface AclRequester { readonly canonicalId: string | undefined; readonly email?: string }

/**
 * Whether the ACL gives `requester` the permission (FULL_CONTROL includes every other one). With
 * `ignorePublic` (Block Public Access › IgnorePublicAcls) grants to AllUsers and AuthenticatedUsers count for nothing.
 */
export function aclPermits(acl: AccessControlList, requester: AclRequester, permission: AclPermission, ignorePublic: boolean): boolean {
  return acl.grants.some((g) => {
    if (g.permission !== permission && g.permission !== 'FULL_CONTROL') return false;
    if (ignorePublic && isPublicGrant(g)) return false;
    const e = g.grantee;
    if (e.type === 'CanonicalUser') return requester.canonicalId !== undefined && e.id === requester.canonicalId;
    if (e.type === 'AmazonCustomerByEmail') return requester.email !== undefined && e.email.toLowerCase() === requester.email.toLowerCase();
    if (e.uri === ALL_USERS) return true;
    if (e.uri === AUTHENTICATED_USERS) return requester.canonicalId !== undefined;
    return false;
  });
}

export function parseStoredAcl(stored: string | undefined): AccessControlList | undefined {
  if (stored === undefined) return undefined;
  try {
    return JSON.parse(stored) as AccessControlList;
  } catch {
    return undefined;
  }
}
