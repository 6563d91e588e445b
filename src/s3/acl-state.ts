/** A bucket's ownership, public access block and ACL as operations need them, the ACL a request asks for (x-amz-acl, x-amz-grant-*), and the checks ownership and Block Public Access make on it. */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import {
  aclIsPublic, cannedGrants, GROUP_URIS, grantsOthers, isCannedAcl, parseStoredAcl,
  type AccessControlList, type AclPermission, type Grant, type Grantee,
} from '../common/access-control-list.js';
import {
  BUCKET_ACL_CONFIG, effectiveOwnership, OWNERSHIP_CONFIG, parsePublicAccessBlock, PUBLIC_ACCESS_BLOCK_CONFIG,
  type ObjectOwnership, type PublicAccessBlock,
} from '../common/bucket-access.js';
import { defaultCanonicalUserId } from '../common/canonical-user-id.js';
import type { Principal } from '../common/principal.js';
import type { BucketRecord, MetaStore } from '../stores/meta-store.js';
import { header } from './metadata-headers.js';
import type { S3Context, S3Request } from './s3-request.js';

export interface BucketAccess {
  readonly ownership: ObjectOwnership;
  readonly block: PublicAccessBlock;
  /** The bucket's ACL; undefined: private to the owner. */
  readonly acl: AccessControlList | undefined;
  readonly owner: { readonly id: string; readonly name: string };
}

export async function loadBucketAccess(meta: Pick<MetaStore, 'getBucketConfig'>, bucket: BucketRecord): Promise<BucketAccess> {
  const [ownership, block, acl] = await Promise.all([
    meta.getBucketConfig(bucket.name, OWNERSHIP_CONFIG), meta.getBucketConfig(bucket.name, PUBLIC_ACCESS_BLOCK_CONFIG), meta.getBucketConfig(bucket.name, BUCKET_ACL_CONFIG),
  ]);
  const parsed = parseStoredAcl(acl);
  return {
    ownership: effectiveOwnership(ownership), block: parsePublicAccessBlock(block), acl: parsed,
    owner: parsed ? { id: parsed.ownerId, name: parsed.ownerName } : { id: defaultCanonicalUserId(bucket.ownerAccountId), name: bucket.ownerAccountId },
  };
}

export async function bucketAclGrantsOthers(ctx: S3Context, bucket: BucketRecord): Promise<boolean> {
  const acl = (await loadBucketAccess(ctx.meta, bucket)).acl;
  return acl !== undefined && grantsOthers(acl);
}

const GRANT_HEADERS: ReadonlyArray<readonly [string, AclPermission]> = [
  ['x-amz-grant-full-control', 'FULL_CONTROL'], ['x-amz-grant-read', 'READ'], ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'], ['x-amz-grant-write-acp', 'WRITE_ACP'],
];

/** What a request's ACL headers ask for: a canned ACL, explicit grants, or nothing. */
export type RequestedAcl = { readonly canned: string; readonly grants: readonly Grant[] } | { readonly canned: undefined; readonly grants: readonly Grant[] } | undefined;

/** `id="…", uri="…", emailAddress="…"` lists of one x-amz-grant-* header (S3 API › PutObjectAcl request headers). */
function parseGrantees(value: string): Grantee[] {
  const out: Grantee[] = [];
  for (const part of value.split(',')) {
    const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
    if (!m) throw s3Error('InvalidArgument', { message: 'Invalid grant header', details: { ArgumentName: 'x-amz-grant', ArgumentValue: value } });
    const kind = m[1]!.toLowerCase();
    const v = m[2]!.trim();
    if (kind === 'id') out.push({ type: 'CanonicalUser', id: v });
    else if (kind === 'emailaddress') out.push({ type: 'AmazonCustomerByEmail', email: v });
    else if (GROUP_URIS.includes(v)) out.push({ type: 'Group', uri: v });
    else throw s3Error('InvalidArgument', { message: 'Invalid group uri', details: { ArgumentName: 'uri', ArgumentValue: v } });
  }
  return out;
}

/** The ACL the headers ask for, expanded against its owner and the bucket owner. */
export function requestedAcl(headers: IncomingHttpHeaders, owner: { id: string; name: string }, bucketOwner: { id: string; name: string }): RequestedAcl {
  const canned = header(headers, 'x-amz-acl')?.trim();
  const explicit: Grant[] = [];
  for (const [name, permission] of GRANT_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) explicit.push(...parseGrantees(value).map((grantee) => ({ grantee, permission })));
  }
  const hasGrants = GRANT_HEADERS.some(([name]) => headers[name] !== undefined);
  if (canned !== undefined && hasGrants) throw s3Error('InvalidRequest', { message: 'Specifying both Canned ACLs and Header Grants is not allowed' });
  if (canned !== undefined) {
    if (!isCannedAcl(canned)) throw s3Error('InvalidArgument', { details: { ArgumentName: 'x-amz-acl', ArgumentValue: canned } });
    return { canned, grants: cannedGrants(canned, owner, bucketOwner) };
  }
  return hasGrants ? { canned: undefined, grants: explicit } : undefined;
}

/** Whether grants give nothing to anyone but the owner (what BucketOwnerEnforced still accepts). */
function ownerOnly(grants: readonly Grant[], ownerIds: readonly string[]): boolean {
  return grants.every((g) => g.grantee.type === 'CanonicalUser' && ownerIds.includes(g.grantee.id) && g.permission === 'FULL_CONTROL');
}

/**
 * Ownership first (BucketOwnerEnforced: ACLs disabled, only bucket-owner-full-control or its equivalent; on
 * object writes also `private`, see unsupported-headers.ts), then Block Public Access (BlockPublicAcls: a
 * public ACL is AccessDenied). `target` names what the ACL is for.
 */
export function checkAclWrite(access: BucketAccess, requested: RequestedAcl, target: 'object-write' | 'object-acl' | 'bucket-acl' | 'create-bucket'): void {
  if (requested === undefined) return;
  if (access.ownership === 'BucketOwnerEnforced') {
    const accepted = target === 'object-write' ? ['bucket-owner-full-control', 'private'] : target === 'object-acl' ? ['bucket-owner-full-control'] : ['private'];
    const ok = requested.canned !== undefined ? accepted.includes(requested.canned) : ownerOnly(requested.grants, [access.owner.id]);
    if (!ok) throw s3Error(target === 'create-bucket' ? 'InvalidBucketAclWithObjectOwnership' : 'AccessControlListNotSupported');
  }
  if (access.block.BlockPublicAcls && aclIsPublic({ ownerId: '', ownerName: '', grants: requested.grants })) throw s3Error('AccessDenied');
}

/** The writer's identity for ownership: the principal's canonical user, or the bucket owner for anonymous writes. */
export function writerIdentity(principal: Principal | undefined, access: BucketAccess): { id: string; name: string } {
  return principal ? { id: principal.canonicalId, name: principal.displayName } : access.owner;
}

/**
 * The ACL a new object gets, as stored JSON (undefined: private to the bucket owner, the common case costs
 * nothing). Object owner: the bucket owner under BucketOwnerEnforced, and under BucketOwnerPreferred when the
 * writer sent bucket-owner-full-control; the writer otherwise (S3 User Guide › Object Ownership).
 */
export async function newObjectAcl(ctx: S3Context, req: Pick<S3Request, 'headers' | 'principal'>, bucket: BucketRecord): Promise<string | undefined> {
  const hasAclHeader = req.headers['x-amz-acl'] !== undefined || GRANT_HEADERS.some(([name]) => req.headers[name] !== undefined);
  if (!hasAclHeader && req.principal?.accountId === bucket.ownerAccountId) return undefined;
  const access = await loadBucketAccess(ctx.meta, bucket);
  const writer = writerIdentity(req.principal, access);
  const preferBucketOwner = access.ownership === 'BucketOwnerPreferred' && header(req.headers, 'x-amz-acl')?.trim() === 'bucket-owner-full-control';
  const owner = preferBucketOwner ? access.owner : writer;
  const requested = requestedAcl(req.headers, owner, access.owner);
  // Checked here too for the writes whose ACL arrives in a form field (POST) rather than a header.
  checkAclWrite(access, requested, 'object-write');
  if (access.ownership === 'BucketOwnerEnforced') return undefined;
  const grants = requested?.grants ?? cannedGrants('private', owner, access.owner);
  if (owner.id === access.owner.id && requested === undefined) return undefined;
  return JSON.stringify({ ownerId: owner.id, ownerName: owner.name, grants } satisfies AccessControlList);
}
