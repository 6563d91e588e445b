/** SSE request headers → a typed SseRequest; which operations accept them; SSE response headers. */
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import type { EncryptionInfo } from '../stores/meta-store.js';
import { header } from './metadata-headers.js';

export type SseRequest =
  | { readonly kind: 'none' }
  | { readonly kind: 'sse-s3' }
  | { readonly kind: 'sse-kms'; readonly dsse: boolean; readonly keyId: string | undefined; readonly context: string | undefined; readonly bucketKey: boolean | undefined }
  | { readonly kind: 'sse-c'; readonly algorithm: string; readonly keyBase64: string | undefined; readonly keyMd5: string | undefined };

const SSE = 'x-amz-server-side-encryption';
const SSE_KMS_HEADERS = [`${SSE}-aws-kms-key-id`, `${SSE}-context`, `${SSE}-bucket-key-enabled`];
const SSE_C_HEADERS = [`${SSE}-customer-algorithm`, `${SSE}-customer-key`, `${SSE}-customer-key-md5`];

/** How much SSE an operation takes (SSE-REFERENCE.md, "Which operation takes which header"). */
export type SseAcceptance = 'all' | 'customer-only' | 'none';

/**
 * Parses the SSE headers of a request. Operations that do not take `x-amz-server-side-encryption`
 * refuse it with InvalidArgument, as S3 does, instead of ignoring it.
 */
export function parseSseRequest(headers: IncomingHttpHeaders, acceptance: SseAcceptance): SseRequest {
  const algorithm = header(headers, SSE);
  const hasKmsHeader = SSE_KMS_HEADERS.some((h) => headers[h] !== undefined);
  const hasCustomer = SSE_C_HEADERS.some((h) => headers[h] !== undefined);
  if (acceptance !== 'all' && (algorithm !== undefined || hasKmsHeader)) {
    throw s3Error('InvalidArgument', {
      message: 'x-amz-server-side-encryption header is not supported for this operation.',
      details: { ArgumentName: SSE, ArgumentValue: algorithm ?? '' },
    });
  }
  if (hasCustomer) {
    if (acceptance === 'none') {
      throw s3Error('InvalidArgument', { message: 'Server Side Encryption with Customer provided key is not supported for this operation.' });
    }
    if (algorithm !== undefined) {
      throw s3Error('InvalidArgument', {
        message: 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
        details: { ArgumentName: SSE, ArgumentValue: algorithm },
      });
    }
    return parseCustomerHeaders(headers);
  }
  if (algorithm === undefined) {
    if (hasKmsHeader) {
      throw s3Error('InvalidArgument', {
        message: 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        details: { ArgumentName: SSE, ArgumentValue: 'null' },
      });
    }
    return { kind: 'none' };
  }
  if (algorithm === 'AES256') {
    if (hasKmsHeader && headers[`${SSE}-bucket-key-enabled`] === undefined) {
      throw s3Error('InvalidArgument', {
        message: 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        details: { ArgumentName: SSE, ArgumentValue: algorithm },
      });
    }
    return { kind: 'sse-s3' };
  }
  if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') {
    const bucketKey = header(headers, `${SSE}-bucket-key-enabled`);
    return {
      kind: 'sse-kms', dsse: algorithm === 'aws:kms:dsse',
      keyId: header(headers, `${SSE}-aws-kms-key-id`),
      context: header(headers, `${SSE}-context`),
      bucketKey: bucketKey === undefined ? undefined : bucketKey.toLowerCase() === 'true',
    };
  }
  throw s3Error('InvalidArgument', {
    message: 'The encryption method specified is not supported',
    details: { ArgumentName: SSE, ArgumentValue: algorithm },
  });
}

function parseCustomerHeaders(headers: IncomingHttpHeaders): SseRequest {
  const algorithm = header(headers, `${SSE}-customer-algorithm`);
  const keyBase64 = header(headers, `${SSE}-customer-key`);
  const keyMd5 = header(headers, `${SSE}-customer-key-md5`);
  if (algorithm === undefined) {
    throw s3Error('InvalidArgument', { message: 'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.' });
  }
  if (algorithm !== 'AES256') throw s3Error('InvalidEncryptionAlgorithmError', { details: { ArgumentName: `${SSE}-customer-algorithm`, ArgumentValue: algorithm } });
  if (keyBase64 === undefined) {
    throw s3Error('InvalidArgument', { message: 'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.' });
  }
  return { kind: 'sse-c', algorithm, keyBase64, keyMd5 };
}

/** Response headers describing how an object is encrypted; `withContext` only for PUT/COPY/CreateMultipartUpload. */
export function sseResponseHeaders(info: EncryptionInfo, withContext = false): Record<string, string> {
  const out: Record<string, string> = {};
  if (info.algorithm === 'SSE-C') {
    out[`${SSE}-customer-algorithm`] = 'AES256';
    if (info.customerKeyMd5) out[`${SSE}-customer-key-md5`] = info.customerKeyMd5;
    return out;
  }
  out[SSE] = info.algorithm;
  if (info.kmsKeyArn) out[`${SSE}-aws-kms-key-id`] = info.kmsKeyArn;
  if (withContext && info.kmsContext) out[`${SSE}-context`] = info.kmsContext;
  if (info.bucketKeyEnabled) out[`${SSE}-bucket-key-enabled`] = 'true';
  return out;
}
