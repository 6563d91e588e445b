/** Conditional writes: If-Match / If-None-Match: * on PutObject and CompleteMultipartUpload, checked inside the metadata switch. */
import { s3Error } from '../common/api-error.js';
import type { Precondition } from '../stores/meta-store.js';
import { etagMatches } from './conditional-headers.js';

/** If-Match / If-None-Match: * on PutObject and CompleteMultipartUpload (conditional writes). */
export function writePrecondition(ifMatch: string | undefined, ifNoneMatch: string | undefined): Precondition | undefined {
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw s3Error('NotImplemented', { message: 'If-None-Match on writes only supports *.' });
  }
  return (existing: { readonly etag: string } | undefined) => {
    if (ifNoneMatch !== undefined && existing) throw s3Error('PreconditionFailed', { details: { Condition: 'If-None-Match' } });
    if (ifMatch !== undefined && (!existing || !etagMatches(ifMatch, existing.etag))) {
      if (!existing) throw s3Error('NoSuchKey');
      throw s3Error('PreconditionFailed', { details: { Condition: 'If-Match' } });
    }
  };
}
