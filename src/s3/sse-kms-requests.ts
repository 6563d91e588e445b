/** SSE-KMS in S3: the transport it needs, and KMS's exceptions turned into the answers S3 gives for them. */
import { ApiError, isApiError, s3Error } from '../common/api-error.js';
import type { S3Request } from './s3-request.js';
import type { WriteTarget } from './encryption-resolution.js';

/** S3 refuses SSE-KMS reads and writes made neither with SigV4 nor over TLS (SigV2 and anonymous plain HTTP). */
export function kmsTransportOk(req: Pick<S3Request, 'secure' | 'facts'>): boolean {
  return req.secure || req.facts.signatureVersion === 'AWS4-HMAC-SHA256';
}

export function writeTarget(req: Pick<S3Request, 'secure' | 'facts'>, bucket: string, key: string): WriteTarget {
  return { bucket, key, signedV4OrTls: kmsTransportOk(req) };
}

/** A GET of an SSE-KMS or DSSE-KMS object over plain HTTP without SigV4: S3's 400. */
export function requireKmsTransport(req: Pick<S3Request, 'secure' | 'facts'>, algorithm: string): void {
  if ((algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') && !kmsTransportOk(req)) {
    throw s3Error('InvalidArgument', {
      message: 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.',
      details: { ArgumentName: 'Authorization', ArgumentValue: 'null' },
    });
  }
}

/**
 * KMS's exception as S3 answers it when a key use on the caller's behalf fails: the KMS code under the
 * `KMS.` prefix with KMS's message (400), a denied key use as 403 AccessDenied naming the KMS action.
 * Any other KMS failure is S3's 500 (logged by the edge). Non-KMS errors pass through unchanged.
 */
export function kmsErrorAsS3(err: unknown): unknown {
  if (!isApiError(err) || err.service !== 'kms') return err;
  switch (err.code) {
    case 'NotFoundException':
      return s3Error('KMS.NotFoundException', { message: err.message });
    case 'DisabledException':
      return s3Error('KMS.DisabledException', { message: err.message });
    case 'KMSInvalidStateException':
      return s3Error('KMS.KMSInvalidStateException', { message: err.message });
    case 'AccessDeniedException':
      return s3Error('AccessDenied', { message: err.message });
    default:
      return new Error(`KMS failed on S3's behalf: ${err.code}: ${err.message}`);
  }
}

export function isKmsError(err: unknown): err is ApiError {
  return isApiError(err) && err.service === 'kms';
}
