/** STS GetCallerIdentity: who the request's credentials belong to (needs no permission, as in AWS). */
import type { IamContext, IamRequest, IamResponse } from './iam-request.js';
import { queryResponse } from './query-response.js';

export async function getCallerIdentity(req: IamRequest, _ctx: IamContext): Promise<IamResponse> {
  const p = req.principal;
  return queryResponse('sts', req, { Arn: p.arn, UserId: p.userId, Account: p.accountId });
}
