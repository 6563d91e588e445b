/** The answer to a write whose bucket was deleted while it ran: the store's BucketMissingError becomes NoSuchBucket. */
import { s3Error } from '../common/api-error.js';
import { BucketMissingError } from '../stores/meta-store.js';

/** A commit that found its bucket deleted becomes NoSuchBucket; anything else passes through. */
export function bucketGoneAsNoSuchBucket(err: unknown): unknown {
  if (!(err instanceof BucketMissingError)) return err;
  return s3Error('NoSuchBucket', { resource: `/${err.bucket}`, details: { BucketName: err.bucket } });
}
