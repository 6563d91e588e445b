/** CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey: a user's (or the account root's) keys, secrets sealed at rest. */
import { iamError } from '../common/api-error.js';
import type { AccessKeyRecord, AccessKeyStatus } from '../stores/iam-store.js';
import { noSuchUser } from './entity-elements.js';
import { newAccessKeyId, newSecretAccessKey } from './iam-ids.js';
import { checkUserName } from './iam-names.js';
import { optional, required, type IamContext, type IamRequest, type IamResponse } from './iam-request.js';
import { paginate } from './pagination.js';
import { iamDate, members, queryResponse } from './query-response.js';

/** IAM's quota: two access keys per user (and per root). */
export const MAX_ACCESS_KEYS = 2;

/** Whose keys: the named user, else the caller (an IAM user, or undefined for the account root). */
function owner(req: IamRequest): string | undefined {
  const name = optional(req, 'UserName');
  return name !== undefined ? checkUserName(name) : req.principal.userName;
}

export async function createAccessKey(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const userName = owner(req);
  const accessKeyId = newAccessKeyId(ctx.random);
  const secret = newSecretAccessKey(ctx.random);
  try {
    const record: AccessKeyRecord = {
      accessKeyId, accountId: req.principal.accountId, userName, status: 'Active', sealedSecret: ctx.seal(accessKeyId, secret), createdAt: ctx.clock.now(),
    };
    const result = await ctx.store.createAccessKey(record, MAX_ACCESS_KEYS);
    if (result === 'no-user') throw noSuchUser(userName!);
    if (result === 'limit') throw iamError('LimitExceeded', { message: `Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS}` });
    if (result === 'exists') throw new Error('access key id collision');
    const stored = await ctx.store.getAccessKey(accessKeyId);
    // The one and only time the secret leaves the server: IAM returns it in this answer and never again.
    return queryResponse('iam', req, {
      AccessKey: { UserName: stored?.userName, AccessKeyId: accessKeyId, Status: 'Active', SecretAccessKey: secret.reveal().toString('utf8'), CreateDate: iamDate(record.createdAt) },
    });
  } finally {
    secret.wipe();
  }
}

export async function listAccessKeys(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const userName = owner(req);
  if (userName !== undefined && !(await ctx.store.getUser(req.principal.accountId, userName))) throw noSuchUser(userName);
  const all = await ctx.store.listAccessKeys(req.principal.accountId, userName);
  const page = paginate(req, all, (k) => k.accessKeyId);
  return queryResponse('iam', req, {
    AccessKeyMetadata: members(page.items.map((k) => ({ UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: iamDate(k.createdAt) }))),
    IsTruncated: page.isTruncated,
    Marker: page.marker,
  });
}

const noSuchKey = (id: string) => iamError('NoSuchEntity', { message: `The Access Key with id ${id} cannot be found.` });

export async function updateAccessKey(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const userName = owner(req);
  const accessKeyId = required(req, 'AccessKeyId');
  const status = required(req, 'Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw iamError('ValidationError', { message: `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]` });
  }
  if (userName !== undefined && !(await ctx.store.getUser(req.principal.accountId, userName))) throw noSuchUser(userName);
  if (!(await ctx.store.updateAccessKeyStatus(req.principal.accountId, userName, accessKeyId, status as AccessKeyStatus))) throw noSuchKey(accessKeyId);
  return queryResponse('iam', req, undefined);
}

export async function deleteAccessKey(req: IamRequest, ctx: IamContext): Promise<IamResponse> {
  const userName = owner(req);
  const accessKeyId = required(req, 'AccessKeyId');
  if (userName !== undefined && !(await ctx.store.getUser(req.principal.accountId, userName))) throw noSuchUser(userName);
  if (!(await ctx.store.deleteAccessKey(req.principal.accountId, userName, accessKeyId))) throw noSuchKey(accessKeyId);
  return queryResponse('iam', req, undefined);
}
