/** Put/Get/List/Delete of inline policies, for users (…UserPolicy) and groups (…GroupPolicy): one family, two owner kinds. */
import { iamError } from '../common/api-error.js';
import type { PolicyOwner } from '../stores/iam-store.js';
import { noSuchGroup, noSuchUser } from './entity-elements.js';
import { checkGroupName, checkPolicyName, checkUserName } from './iam-names.js';
import { required, type IamContext, type IamHandler, type IamRequest, type IamResponse } from './iam-request.js';
import { paginate } from './pagination.js';
import { checkIdentityPolicy, INLINE_POLICY_QUOTA, policySize } from './policy-document.js';
import { members, queryResponse } from './query-response.js';

type Kind = PolicyOwner['kind'];
const NAME_PARAM: Record<Kind, 'UserName' | 'GroupName'> = { user: 'UserName', group: 'GroupName' };

function ownerOf(req: IamRequest, kind: Kind): PolicyOwner {
  const raw = required(req, NAME_PARAM[kind]);
  return { kind, accountId: req.principal.accountId, name: kind === 'user' ? checkUserName(raw) : checkGroupName(raw) };
}

async function requireOwner(ctx: IamContext, owner: PolicyOwner): Promise<string> {
  const found = owner.kind === 'user' ? (await ctx.store.getUser(owner.accountId, owner.name))?.userName : (await ctx.store.getGroup(owner.accountId, owner.name))?.groupName;
  if (found === undefined) throw owner.kind === 'user' ? noSuchUser(owner.name) : noSuchGroup(owner.name);
  return found;
}

function putPolicy(kind: Kind): IamHandler {
  return async (req, ctx) => {
    const owner = ownerOf(req, kind);
    const policyName = checkPolicyName(required(req, 'PolicyName'));
    const document = required(req, 'PolicyDocument');
    checkIdentityPolicy(document);
    const name = await requireOwner(ctx, owner);
    // The quota counts every inline policy of the entity, the replaced one excepted.
    const others = (await ctx.store.listPolicies(owner)).filter((p) => p.policyName !== policyName);
    const size = others.reduce((n, p) => n + policySize(p.document), policySize(document));
    if (size > INLINE_POLICY_QUOTA[kind]) {
      throw iamError('LimitExceeded', { message: `Maximum policy size of ${INLINE_POLICY_QUOTA[kind]} bytes exceeded for ${kind} ${name}` });
    }
    if (!(await ctx.store.putPolicy(owner, { policyName, document }))) throw kind === 'user' ? noSuchUser(owner.name) : noSuchGroup(owner.name);
    return queryResponse('iam', req, undefined);
  };
}

/** RFC 3986 percent-encoding, as IAM returns policy documents (the aws CLI and boto3 decode it back). */
function urlEncodedDocument(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function getPolicy(kind: Kind): IamHandler {
  return async (req, ctx) => {
    const owner = ownerOf(req, kind);
    const policyName = checkPolicyName(required(req, 'PolicyName'));
    const name = await requireOwner(ctx, owner);
    const policy = await ctx.store.getPolicy(owner, policyName);
    if (!policy) throw iamError('NoSuchEntity', { message: `The ${kind} policy with name ${policyName} cannot be found.` });
    return queryResponse('iam', req, { [NAME_PARAM[kind]]: name, PolicyName: policy.policyName, PolicyDocument: urlEncodedDocument(policy.document) });
  };
}

function listPolicies(kind: Kind): IamHandler {
  return async (req, ctx) => {
    const owner = ownerOf(req, kind);
    await requireOwner(ctx, owner);
    const page = paginate(req, await ctx.store.listPolicies(owner), (p) => p.policyName);
    return queryResponse('iam', req, { PolicyNames: members(page.items.map((p) => p.policyName)), IsTruncated: page.isTruncated, Marker: page.marker });
  };
}

function deletePolicy(kind: Kind): IamHandler {
  return async (req, ctx): Promise<IamResponse> => {
    const owner = ownerOf(req, kind);
    const policyName = checkPolicyName(required(req, 'PolicyName'));
    await requireOwner(ctx, owner);
    if (!(await ctx.store.deletePolicy(owner, policyName))) throw iamError('NoSuchEntity', { message: `The ${kind} policy with name ${policyName} cannot be found.` });
    return queryResponse('iam', req, undefined);
  };
}

export const putUserPolicy = putPolicy('user');
export const getUserPolicy = getPolicy('user');
export const listUserPolicies = listPolicies('user');
export const deleteUserPolicy = deletePolicy('user');
export const putGroupPolicy = putPolicy('group');
export const getGroupPolicy = getPolicy('group');
export const listGroupPolicies = listPolicies('group');
export const deleteGroupPolicy = deletePolicy('group');
