/** CreateUser, GetUser, ListUsers, DeleteUser: the IAM users of the caller's account. */
import { iamError } from '../common/api-error.js';
import type { UserRecord } from '../stores/iam-store.js';
import { noSuchUser, userElement } from './entity-elements.js';
import { newUserId } from './iam-ids.js';
import { checkPath, checkUserName } from './iam-names.js';
import { optional, required, type IamContext, type IamRequest, type IamResponse } from './iam-request.js';
import { paginate } from './pagination.js';
import { iamDate, members, queryResponse } from './query-response.js';

export async function createUser(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const userName = checkUserName(required(req, 'UserName'));
  const path = checkPath(optional(req, 'Path'));
  if (req.params.has('PermissionsBoundary') || req.params.has('Tags.member.1.Key')) {
    throw iamError('ValidationError', { message: 'Permissions boundaries and tags on users are not supported by this server.' });
  }
  const user: UserRecord = { accountId: req.principal.accountId, userName, userId: newUserId(ctx.random), path, createdAt: ctx.clock.now() };
  if ((await ctx.store.createUser(user)) === 'exists') throw iamError('EntityAlreadyExists', { message: `User with name ${userName} already exists.` });
  return queryResponse('iam', req, { User: userElement(user) });
}

/** GetUser: the named user, or without a name the caller (for the root: its account id and root ARN, as IAM answers). */
export async function getUser(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const name = optional(req, 'UserName');
  const caller = req.principal;
  if (name === undefined && caller.type === 'root') {
    const account = await ctx.store.getAccount(caller.accountId);
    return queryResponse('iam', req, { User: { UserId: caller.accountId, Arn: caller.arn, CreateDate: iamDate(account?.createdAt ?? new Date(0)) } });
  }
  const userName = checkUserName(name ?? caller.userName!);
  const user = await ctx.store.getUser(caller.accountId, userName);
  if (!user) throw noSuchUser(userName);
  return queryResponse('iam', req, { User: userElement(user) });
}

export async function listUsers(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const prefix = checkPath(optional(req, 'PathPrefix') ?? '/', 'pathPrefix');
  const all = (await ctx.store.listUsers(req.principal.accountId)).filter((u) => u.path.startsWith(prefix));
  const page = paginate(req, all, (u) => u.userName);
  return queryResponse('iam', req, { Users: members(page.items.map(userElement)), IsTruncated: page.isTruncated, Marker: page.marker });
}

/** DeleteUser: refused with DeleteConflict while the user has access keys, inline policies or groups (IAM makes you remove them first). */
export async function deleteUser(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const userName = checkUserName(required(req, 'UserName'));
  const result = await ctx.store.deleteUser(req.principal.accountId, userName);
  if (result === 'missing') throw noSuchUser(userName);
  if (result === 'conflict') throw iamError('DeleteConflict', { message: 'Cannot delete entity, must delete access keys, policies and group memberships first.' });
  return queryResponse('iam', req, undefined);
}
