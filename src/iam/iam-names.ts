/** IAM's naming rules for users, groups, policies and paths, and the ARNs built from them; a broken rule is ValidationError. */
import { iamError } from '../common/api-error.js';

/** `[\w+=,.@-]+`: the characters IAM allows in user, group and policy names. */
const NAME = /^[\w+=,.@-]+$/;
/** `/` or `/…/` of printable ASCII (IAM's path pattern). */
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;

function invalid(member: string, value: string, constraint: string): never {
  throw iamError('ValidationError', { message: `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}` });
}

function checkName(member: string, value: string, max: number): string {
  if (value.length < 1 || value.length > max) invalid(member, value, `Member must have length less than or equal to ${max}`);
  if (!NAME.test(value)) invalid(member, value, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  return value;
}

export const checkUserName = (v: string) => checkName('userName', v, 64);
export const checkGroupName = (v: string) => checkName('groupName', v, 128);
export const checkPolicyName = (v: string) => checkName('policyName', v, 128);

/** A path (default `/`); at most 512 characters. */
export function checkPath(value: string | undefined, member = 'path'): string {
  if (value === undefined) return '/';
  if (value.length > 512) invalid(member, value, 'Member must have length less than or equal to 512');
  if (!PATH.test(value)) invalid(member, value, 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
  return value;
}

export function userArn(accountId: string, path: string, userName: string): string {
  return `arn:aws:iam::${accountId}:user${path}${userName}`;
}

export function groupArn(accountId: string, path: string, groupName: string): string {
  return `arn:aws:iam::${accountId}:group${path}${groupName}`;
}
