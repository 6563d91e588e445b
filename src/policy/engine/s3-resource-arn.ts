/** The ARN an S3 request is authorized against: "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/key" (S3 User Guide › Policy resources). */

/** The bucket's ARN, or the object's when a key is given (the key is used as is, never URL-encoded). */
export function s3ResourceArn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}
