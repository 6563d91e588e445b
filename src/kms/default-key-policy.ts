/** The key policies KMS gives a key it was not handed one for: the default ("Enable IAM User Permissions") and the AWS managed aws/s3 key's. */

/** KMS Developer Guide › Default key policy: the account (root) has kms:*, which also lets IAM policies grant access. */
export function defaultKeyPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' }],
  }, null, 2);
}

/**
 * The policy of an AWS managed aws/s3 key (as AWS writes it): any principal of the account may use it through
 * S3 only; the account may read its metadata. Nothing allows DisableKey, ScheduleKeyDeletion or PutKeyPolicy,
 * so those are AccessDeniedException, as on AWS.
 */
export function awsManagedS3KeyPolicy(accountId: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'auto-s3-2',
    Statement: [
      {
        Sid: 'Allow access through S3 for all principals in the account that are authorized to use S3',
        Effect: 'Allow', Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com`, 'kms:CallerAccount': accountId } },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'], Resource: '*',
      },
    ],
  }, null, 2);
}
