/** CreateGroup, GetGroup, ListGroups, DeleteGroup, AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. */
import { iamError } from '../common/api-error.js';
import type { GroupRecord } from '../stores/iam-store.js';
import { groupElement, noSuchGroup, noSuchUser, userElement } from './entity-elements.js';
import { newGroupId } from './iam-ids.js';
import { checkGroupName, checkPath, checkUserName } from './iam-names.js';
import { optional, required, type IamContext, type IamRequest, type IamResponse } from './iam-request.js';
import { paginate } from './pagination.js';
import { members, queryResponse } from './query-response.js';

export async function createGroup(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const groupName = checkGroupName(required(req, 'GroupName'));
  const path = checkPath(optional(req, 'Path'));
  const group: GroupRecord = { accountId: req.principal.accountId, groupName, groupId: newGroupId(ctx.random), path, createdAt: ctx.clock.now() };
  if ((await ctx.store.createGroup(group)) === 'exists') throw iamError('EntityAlreadyExists', { message: `Group with name ${groupName} already exists.` });
  return queryResponse('iam', req, { Group: groupElement(group) });
}

/** GetGroup: the group and its members (paged). */
export async function getGroup(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const groupName = checkGroupName(required(req, 'GroupName'));
  const group = await ctx.store.getGroup(req.principal.accountId, groupName);
  if (!group) throw noSuchGroup(groupName);
  const page = paginate(req, await ctx.store.groupMembers(req.principal.accountId, group.groupName), (u) => u.userName);
  return queryResponse('iam', req, { Group: groupElement(group), Users: members(page.items.map(userElement)), IsTruncated: page.isTruncated, Marker: page.marker });
}

export async function listGroups(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const prefix = checkPath(optional(req, 'PathPrefix') ?? '/', 'pathPrefix');
  const all = (await ctx.store.listGroups(req.principal.accountId)).filter((g) => g.path.startsWith(prefix));
  const page = paginate(req, all, (g) => g.groupName);
  return queryResponse('iam', req, { Groups: members(page.items.map(groupElement)), IsTruncated: page.isTruncated, Marker: page.marker });
}

/** DeleteGroup: refused with DeleteConflict while the group has members or inline policies. */
export async function deleteGroup(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const groupName = checkGroupName(required(req, 'GroupName'));
  const result = await ctx.store.deleteGroup(req.principal.accountId, groupName);
  if (result === 'missing') throw noSuchGroup(groupName);
  if (result === 'conflict') throw iamError('DeleteConflict', { message: 'Cannot delete entity, must remove users and policies from group first.' });
  return queryResponse('iam', req, undefined);
}

export async function addUserToGroup(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const groupName = checkGroupName(required(req, 'GroupName'));
  const userName = checkUserName(required(req, 'UserName'));
  const result = await ctx.store.addUserToGroup(req.principal.accountId, groupName, userName);
  if (result === 'no-group') throw noSuchGroup(groupName);
  if (result === 'no-user') throw noSuchUser(userName);
  return queryResponse('iam', req, undefined);
}

export async function removeUserFromGroup(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const groupName = checkGroupName(required(req, 'GroupName'));
  const userName = checkUserName(required(req, 'UserName'));
  const result = await ctx.store.removeUserFromGroup(req.principal.accountId, groupName, userName);
  if (result === 'no-group') throw noSuchGroup(groupName);
  if (result === 'no-user') throw noSuchUser(userName);
  if (result === 'not-member') throw iamError('NoSuchEntity', { message: `User ${userName} is not in group ${groupName}.` });
  return queryResponse('iam', req, undefined);
}

export async function listGroupsForUser(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const userName = checkUserName(required(req, 'UserName'));
  if (!(await ctx.store.getUser(req.principal.accountId, userName))) throw noSuchUser(userName);
  const page = paginate(req, await ctx.store.groupsForUser(req.principal.accountId, userName), (g) => g.groupName);
  return queryResponse('iam', req, { Groups: members(page.items.map(groupElement)), IsTruncated: page.isTruncated, Marker: page.marker });
}
