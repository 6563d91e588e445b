/** SSE request headers → a typed SseRequest; which operations accept them; SSE response headers. */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { Secret } from '../common/secret.js';
import { timingSafeEqualString } from '../common/timing-safe.js';
import type { EncryptionInfo } from '../stores/meta-store.js';
import { header } from './metadata-headers.js';

export type SseRequest =
  | { readonly kind: 'none' }
  | { readonly kind: 'sse-s3' }
  | { readonly kind: 'sse-kms'; readonly dsse: boolean; readonly keyId: string | undefined; readonly context: string | undefined; readonly bucketKey: boolean | undefined }
  | ({ readonly kind: 'sse-c' } & CustomerKey);

/** An SSE-C key as a request gave it: the key a Secret from the moment it is parsed, and the MD5 the client sent (echoed back). */
export interface CustomerKey { readonly key: Secret; readonly keyMd5: string }

/**
 * Whether the request came over TLS, and whether the operator allowed SSE-C without it (`--allow-insecure-sse-c`).
 * `own`: hands a parsed customer key to the request, which wipes it when it ends and drops the header it came from.
 */
export interface Transport { readonly secure: boolean; readonly allowInsecureSseC?: boolean; readonly own?: (secret: Secret, fromHeader: string) => void }

const SSE = 'x-amz-server-side-encryption';
const SSE_KMS_HEADERS = [`${SSE}-aws-kms-key-id`, `${SSE}-context`, `${SSE}-bucket-key-enabled`];
const SSE_C_HEADERS = [`${SSE}-customer-algorithm`, `${SSE}-customer-key`, `${SSE}-customer-key-md5`];
const COPY_SOURCE = 'x-amz-copy-source-server-side-encryption';
const COPY_SOURCE_C_HEADERS = [`${COPY_SOURCE}-customer-algorithm`, `${COPY_SOURCE}-customer-key`, `${COPY_SOURCE}-customer-key-md5`];

/** The MD5 an SSE-C request sent, for the response to echo; undefined for any other request. */
export const customerKeyMd5 = (sse: SseRequest): string | undefined => (sse.kind === 'sse-c' ? sse.keyMd5 : undefined);

export const transportOf = (req: { readonly secure: boolean; readonly ownSecret?: (secret: Secret, fromHeader: string) => void }, ctx: { readonly allowInsecureSseC?: boolean }): Transport =>
  ({ secure: req.secure, allowInsecureSseC: ctx.allowInsecureSseC, own: req.ownSecret });

/** How much SSE an operation takes (SSE-REFERENCE.md, "Which operation takes which header"). */
export type SseAcceptance = 'all' | 'customer-only' | 'none';

/**
 * Parses the SSE headers of a request. Operations that do not take `x-amz-server-side-encryption`
 * refuse it with InvalidArgument, as S3 does, instead of ignoring it.
 */
export function parseSseRequest(headers: IncomingHttpHeaders, acceptance: SseAcceptance, transport: Transport): SseRequest {
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
    requireSecure(transport);
    return { kind: 'sse-c', ...parseCustomerKey(headers, SSE, transport) };
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

/**
 * The copy-source triple of CopyObject and UploadPartCopy (the key of an SSE-C source), validated as the
 * target's; undefined when the request has none.
 */
export function parseCopySourceCustomerKey(headers: IncomingHttpHeaders, transport: Transport): CustomerKey | undefined {
  if (!COPY_SOURCE_C_HEADERS.some((h) => headers[h] !== undefined)) return undefined;
  requireSecure(transport);
  return parseCustomerKey(headers, COPY_SOURCE, transport);
}

/** Any SSE-C header over plain HTTP is refused first, before the key is even parsed, unless the operator allowed it. */
function requireSecure(transport: Transport): void {
  if (!transport.secure && !transport.allowInsecureSseC) {
    throw s3Error('InvalidRequest', { message: 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.' });
  }
}

/**
 * Validates a customer-key triple (SSE-REFERENCE.md's SSE-C table) before any body byte is read. The key
 * becomes a Secret at once, owned by the request (`transport.own`); no message or detail ever carries it.
 */
function parseCustomerKey(headers: IncomingHttpHeaders, prefix: string, transport: Transport): CustomerKey {
  const algorithm = header(headers, `${prefix}-customer-algorithm`);
  const keyBase64 = header(headers, `${prefix}-customer-key`);
  const keyMd5 = header(headers, `${prefix}-customer-key-md5`);
  if (algorithm === undefined) {
    throw s3Error('InvalidArgument', {
      message: 'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.',
      details: { ArgumentName: `${prefix}-customer-algorithm`, ArgumentValue: 'null' },
    });
  }
  if (algorithm !== 'AES256') throw s3Error('InvalidEncryptionAlgorithmError', { details: { ArgumentName: `${prefix}-customer-algorithm`, ArgumentValue: algorithm } });
  if (keyBase64 === undefined) {
    throw s3Error('InvalidArgument', {
      message: 'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.',
      details: { ArgumentName: `${prefix}-customer-key`, ArgumentValue: 'null' },
    });
  }
  const raw = Buffer.from(keyBase64.trim(), 'base64');
  // Strict base64 of exactly 256 bits; the MD5 must be there to check the key against.
  if (raw.length !== 32 || raw.toString('base64') !== keyBase64.trim() || keyMd5 === undefined) {
    raw.fill(0);
    throw s3Error('InvalidArgument', { message: 'The secret key was invalid for the specified algorithm.', details: { ArgumentName: `${prefix}-customer-key` } });
  }
  const key = new Secret(raw);
  // The request owns the key from here: wiped when it ends (answered, failed or aborted), whatever path it takes.
  transport.own?.(key, `${prefix}-customer-key`);
  if (!timingSafeEqualString(createHash('md5').update(key.reveal()).digest('base64'), keyMd5.trim())) {
    key.wipe();
    throw s3Error('InvalidArgument', { message: 'The calculated MD5 hash of the key did not match the hash that was provided.', details: { ArgumentName: `${prefix}-customer-key-md5` } });
  }
  return { key, keyMd5: keyMd5.trim() };
}

/**
 * Response headers describing how an object is encrypted; `withContext` only for PUT/COPY/CreateMultipartUpload.
 * SSE-C echoes the key MD5 of the request (the object keeps none); `customerKeyMd5` is that request's.
 */
export function sseResponseHeaders(info: EncryptionInfo, withContext = false, customerKeyMd5?: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (info.algorithm === 'SSE-C') {
    out[`${SSE}-customer-algorithm`] = 'AES256';
    const md5 = customerKeyMd5 ?? info.customerKeyMd5;
    if (md5) out[`${SSE}-customer-key-md5`] = md5;
    return out;
  }
  out[SSE] = info.algorithm;
  if (info.kmsKeyArn) out[`${SSE}-aws-kms-key-id`] = info.kmsKeyArn;
  if (withContext && info.kmsContext) out[`${SSE}-context`] = info.kmsContext;
  if (info.bucketKeyEnabled) out[`${SSE}-bucket-key-enabled`] = 'true';
  return out;
}
