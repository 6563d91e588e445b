/** Action name → handler for the IAM and STS Query APIs: the index the edge dispatches to (and the layer's entry file). */
import type { IamHandler } from './iam-request.js';
import { createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKey } from './access-keys.js';
import { getCallerIdentity } from './get-caller-identity.js';
import { addUserToGroup, createGroup, deleteGroup, getGroup, listGroups, listGroupsForUser, removeUserFromGroup } from './groups.js';
import {
  deleteGroupPolicy, deleteUserPolicy, getGroupPolicy, getUserPolicy, listGroupPolicies, listUserPolicies, putGroupPolicy, putUserPolicy,
} from './inline-policies.js';
import { createUser, deleteUser, getUser, listUsers } from './users.js';

export type { IamContext, IamHandler, IamRequest, IamResponse, SecretSealer } from './iam-request.js';
export { QUERY_NAMESPACES, QUERY_VERSIONS } from './query-response.js';

export const IAM_OPERATIONS: Readonly<Record<string, IamHandler>> = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  DeleteUser: deleteUser,
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  PutUserPolicy: putUserPolicy,
  GetUserPolicy: getUserPolicy,
  ListUserPolicies: listUserPolicies,
  DeleteUserPolicy: deleteUserPolicy,
  CreateGroup: createGroup,
  GetGroup: getGroup,
  ListGroups: listGroups,
  DeleteGroup: deleteGroup,
  AddUserToGroup: addUserToGroup,
  RemoveUserFromGroup: removeUserFromGroup,
  ListGroupsForUser: listGroupsForUser,
  PutGroupPolicy: putGroupPolicy,
  GetGroupPolicy: getGroupPolicy,
  ListGroupPolicies: listGroupPolicies,
  DeleteGroupPolicy: deleteGroupPolicy,
};

export const STS_OPERATIONS: Readonly<Record<string, IamHandler>> = {
  GetCallerIdentity: getCallerIdentity,
};
