/** GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl: access control lists as AccessControlPolicy documents, canned ACLs and x-amz-grant-* headers. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
import { s3Error } from '../common/api-error.js';
import {
  ACL_PERMISSIONS, cannedGrants, GROUP_URIS, parseStoredAcl, type AccessControlList, type AclPermission, type Grant, type Grantee,
} from '../common/access-control-list.js';
import { BUCKET_ACL_CONFIG } from '../common/bucket-access.js';
import { parseXml, xmlChildren, xmlText, type XmlElement } from '../common/xml-reader.js';
import { escapeXml, S3_XMLNS } from '../common/xml-writer.js';
import { checkAclWrite, loadBucketAccess, requestedAcl, type BucketAccess, type RequestedAcl } from './acl-state.js';
import { checkVersionId, noSuchKey, requireBucket, requireKey } from './object-names.js';
import { readBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { readableVersion } from './versioning.js';

const XML = { 'content-type': 'application/xml' };
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function granteeXml(g: Grantee): string {
  if (g.type === 'CanonicalUser') return `<Grantee ${XSI} xsi:type="CanonicalUser"><ID>${escapeXml(g.id)}</ID>${g.displayName ? `<DisplayName>${escapeXml(g.displayName)}</DisplayName>` : ''}</Grantee>`;
  if (g.type === 'Group') return `<Grantee ${XSI} xsi:type="Group"><URI>${escapeXml(g.uri)}</URI></Grantee>`;
  return `<Grantee ${XSI} xsi:type="AmazonCustomerByEmail"><EmailAddress>${escapeXml(g.email)}</EmailAddress></Grantee>`;
}

/** The AccessControlPolicy document (written by hand: the Grantee element carries an xsi:type attribute). */
function policyXml(acl: AccessControlList): string {
  const grants = acl.grants.map((g) => `<Grant>${granteeXml(g.grantee)}<Permission>${g.permission}</Permission></Grant>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="${S3_XMLNS}"><Owner><ID>${escapeXml(acl.ownerId)}</ID><DisplayName>${escapeXml(acl.ownerName)}</DisplayName></Owner><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
}

/** A grantee element: its type follows from the child it carries (the reader keeps no attributes). */
function parseGrantee(node: XmlElement | undefined): Grantee {
  const id = xmlText(node, 'ID');
  const uri = xmlText(node, 'URI');
  const email = xmlText(node, 'EmailAddress');
  if (id !== undefined) return { type: 'CanonicalUser', id: id.trim(), displayName: xmlText(node, 'DisplayName') };
  if (uri !== undefined) {
    if (!GROUP_URIS.includes(uri.trim())) throw s3Error('MalformedACLError');
    return { type: 'Group', uri: uri.trim() };
  }
  if (email !== undefined) return { type: 'AmazonCustomerByEmail', email: email.trim() };
  throw s3Error('MalformedACLError');
}

/** An AccessControlPolicy body → grants; anything that is not one is MalformedACLError, as S3 answers. */
function parsePolicyBody(text: string): Grant[] {
  let doc: { root: string; value: XmlElement };
  try {
    doc = parseXml(text);
  } catch {
    throw s3Error('MalformedACLError');
  }
  if (doc.root !== 'AccessControlPolicy') throw s3Error('MalformedACLError');
  const list = xmlChildren(doc.value, 'AccessControlList');
  if (list.length !== 1) throw s3Error('MalformedACLError');
  return xmlChildren(list[0], 'Grant').map((g) => {
    const permission = xmlText(g, 'Permission')?.trim();
    if (permission === undefined || !(ACL_PERMISSIONS as readonly string[]).includes(permission)) throw s3Error('MalformedACLError');
    const grantees = xmlChildren(g, 'Grantee');
    if (grantees.length !== 1) throw s3Error('MalformedACLError');
    return { grantee: parseGrantee(grantees[0]), permission: permission as AclPermission };
  });
}

/** The ACL a PutBucketAcl / PutObjectAcl asks for: from its headers or from its body, not both. */
async function aclFromRequest(req: S3Request, owner: { id: string; name: string }, bucketOwner: { id: string; name: string }): Promise<RequestedAcl & object> {
  const fromHeaders = requestedAcl(req.headers, owner, bucketOwner);
  const text = (await readBody(req.body)).toString('utf8');
  if (fromHeaders !== undefined) {
    if (text.trim() !== '') throw s3Error('UnexpectedContent');
    return fromHeaders;
  }
  if (text.trim() === '') throw s3Error('MissingSecurityHeader', { message: 'Your request was missing a required header', details: { MissingHeaderName: 'x-amz-acl' } });
  return { canned: undefined, grants: parsePolicyBody(text) };
}

function bucketAcl(access: BucketAccess): AccessControlList {
  return access.acl ?? { ownerId: access.owner.id, ownerName: access.owner.name, grants: cannedGrants('private', access.owner, access.owner) };
}

export async function getBucketAcl(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const access = await loadBucketAccess(ctx.meta, bucket);
  return { status: 200, headers: XML, body: policyXml(bucketAcl(access)) };
}

export async function putBucketAcl(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const access = await loadBucketAccess(ctx.meta, bucket);
  const requested = await aclFromRequest(req, access.owner, access.owner);
  checkAclWrite(access, requested, 'bucket-acl');
  const acl: AccessControlList = { ownerId: access.owner.id, ownerName: access.owner.name, grants: requested.grants };
  await ctx.meta.putBucketConfig(bucket.name, BUCKET_ACL_CONFIG, JSON.stringify(acl));
  return { status: 200 };
}

export async function getObjectAcl(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const object = await readableVersion(req, ctx, bucket.name, key, versionId);
  const access = await loadBucketAccess(ctx.meta, bucket);
  // Under BucketOwnerEnforced every object is the bucket owner's and stored grants no longer count.
  const stored = access.ownership === 'BucketOwnerEnforced' ? undefined : parseStoredAcl(object.acl);
  const acl = stored ?? { ownerId: access.owner.id, ownerName: access.owner.name, grants: cannedGrants('private', access.owner, access.owner) };
  return { status: 200, headers: XML, body: policyXml(acl) };
}

export async function putObjectAcl(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const versionId = checkVersionId(req.query.get('versionId'));
  const bucket = await requireBucket(req, ctx);
  const object = await readableVersion(req, ctx, bucket.name, key, versionId);
  // The store replaces the ACL of the current version only: a noncurrent one is refused, never silently the wrong one.
  if (versionId !== undefined && (await ctx.meta.getObject(bucket.name, key))?.writeId !== object.writeId) {
    throw s3Error('NotImplemented', { message: 'PutObjectAcl on a noncurrent version is not implemented.' });
  }
  const access = await loadBucketAccess(ctx.meta, bucket);
  const current = parseStoredAcl(object.acl);
  const owner = current ? { id: current.ownerId, name: current.ownerName } : access.owner;
  const requested = await aclFromRequest(req, owner, access.owner);
  checkAclWrite(access, requested, 'object-acl');
  // Under BucketOwnerEnforced the only accepted ACL is the bucket owner's full control: nothing to store.
  const acl = access.ownership === 'BucketOwnerEnforced' ? undefined : JSON.stringify({ ownerId: owner.id, ownerName: owner.name, grants: requested.grants } satisfies AccessControlList);
  if (!(await ctx.meta.putObjectAcl(bucket.name, key, acl))) throw noSuchKey(req);
  return { status: 200 };
}
