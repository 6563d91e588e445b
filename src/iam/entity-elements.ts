/** What several IAM families share about users and groups: their XML elements and their NoSuchEntity errors. */
import { iamError } from '../common/api-error.js';
import type { XmlNode } from '../common/xml-writer.js';
import type { GroupRecord, UserRecord } from '../stores/iam-store.js';
import { groupArn, userArn } from './iam-names.js';
import { iamDate } from './query-response.js';

/** The `<User>` element of a user. */
export function userElement(u: UserRecord): XmlNode {
  return { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: userArn(u.accountId, u.path, u.userName), CreateDate: iamDate(u.createdAt) };
}

/** The `<Group>` element of a group. */
export function groupElement(g: GroupRecord): XmlNode {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: groupArn(g.accountId, g.path, g.groupName), CreateDate: iamDate(g.createdAt) };
}

export const noSuchUser = (name: string) => iamError('NoSuchEntity', { message: `The user with name ${name} cannot be found.` });
export const noSuchGroup = (name: string) => iamError('NoSuchEntity', { message: `The group with name ${name} cannot be found.` });
