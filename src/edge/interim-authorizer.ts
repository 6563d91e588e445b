/** The authorization in force until the policy evaluator is wired: account roots on their own account's resources, nothing for IAM users. */
import { ApiError, iamError, s3Error } from '../common/api-error.js';
import type { AccessRequest, Authorizer } from '../common/authorizer.js';
import type { MetaStore } from '../stores/meta-store.js';

/**
 * INTERIM (issue 10 item 1; replaced by policy/authorize.ts when the evaluator lands):
 * - STS GetCallerIdentity: any authenticated caller (AWS needs no permission for it).
 * - IAM: the account root only; an IAM user has no policy that could allow it yet, so implicit deny.
 * - S3: an account root may use its own account's buckets (and create buckets); another account's bucket
 *   is AccessDenied (cross-account access needs a bucket policy, which does not exist yet). An IAM user is
 *   denied every S3 action (implicit deny: no identity policy is evaluated yet). Anonymous requests are
 *   refused, a missing bucket answered NoSuchBucket first as S3 does; POST Object passes here and is
 *   authorized by the operation once its form's signature names the principal.
 */
export function createInterimAuthorizer(meta: Pick<MetaStore, 'getBucket'>): Authorizer {
  return async (request: AccessRequest) => {
    const { principal, service, operation, bucket } = request;
    if (service === 'sts') {
      if (principal === undefined) throw new ApiError('sts', 'AccessDenied');
      return;
    }
    if (service === 'iam') {
      if (principal?.type === 'root') return;
      throw iamError('AccessDenied', {
        message: `User: ${principal?.arn ?? 'anonymous'} is not authorized to perform: iam:${operation} because no identity-based policy allows the iam:${operation} action`,
      });
    }
    if (service !== 's3') throw s3Error('AccessDenied');
    if (principal === undefined) {
      if (operation === 'PostObject') return;
      // S3 tells anyone that a bucket does not exist (bucket names are global and public) before refusing access.
      if (bucket !== undefined && operation !== 'CreateBucket' && !(await meta.getBucket(bucket))) {
        throw s3Error('NoSuchBucket', { resource: `/${bucket}`, details: { BucketName: bucket } });
      }
      throw s3Error('AccessDenied');
    }
    if (principal.type !== 'root') throw s3Error('AccessDenied', { message: `User: ${principal.arn} is not authorized to perform: s3:${operation} because no identity-based policy allows it` });
    // CreateBucket answers BucketAlreadyExists itself; a bucket that does not exist is the operation's NoSuchBucket.
    if (bucket === undefined || operation === 'CreateBucket') return;
    const record = await meta.getBucket(bucket);
    if (record && record.ownerAccountId !== principal.accountId) throw s3Error('AccessDenied');
  };
}
