/** SSE-C keys held against what an object or upload was written with: a read's key, a copy source's key, an upload part's key. */
import { s3Error } from '../common/api-error.js';
import type { Secret } from '../common/secret.js';
import type { EncryptionPlan, Envelope } from '../sse/envelope.js';
import type { EncryptionInfo } from '../stores/meta-store.js';
import { planFor } from './encryption-resolution.js';
import type { CustomerKey, SseRequest } from './sse-headers.js';

const MISSING = 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.';
const NOT_APPLICABLE = 'The encryption parameters are not applicable to this object.';
const WRONG = 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.';
const DID_NOT_MATCH = 'The provided encryption parameters did not match the ones used originally.';
const PART_NEEDS_KEY = 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.';

/** True when `given` is the key `info` (an SSE-C object's or upload's) was written with: its salted check, never a stored key. */
function matches(info: EncryptionInfo, given: CustomerKey, envelope: Envelope): boolean {
  return info.customerKeyHmac !== undefined && envelope.customerKeyMatches(info.customerKeyHmac, given.key);
}

/**
 * The customer key a GET or HEAD of an object needs (undefined for any other encryption). Missing →
 * 400 InvalidRequest; wrong → 403 AccessDenied; a key for an object that has none → 400 InvalidRequest.
 */
export function readKey(info: EncryptionInfo, given: CustomerKey | undefined, envelope: Envelope): Secret | undefined {
  if (info.algorithm !== 'SSE-C') {
    if (given) throw s3Error('InvalidRequest', { message: NOT_APPLICABLE });
    return undefined;
  }
  if (!given) throw s3Error('InvalidRequest', { message: MISSING });
  if (!matches(info, given, envelope)) throw s3Error('AccessDenied', { message: WRONG });
  return given.key;
}

/**
 * The key of an SSE-C copy source, from the copy-source triple: checked always, also when it equals the
 * target key (minio/minio#5625). Missing → 400 as on GET; wrong → 400 InvalidRequest (SSE-REFERENCE.md).
 */
export function copySourceKey(info: EncryptionInfo, given: CustomerKey | undefined, envelope: Envelope): Secret | undefined {
  if (info.algorithm !== 'SSE-C') {
    if (given) throw s3Error('InvalidRequest', { message: NOT_APPLICABLE });
    return undefined;
  }
  if (!given) throw s3Error('InvalidRequest', { message: MISSING });
  if (!matches(info, given, envelope)) throw s3Error('InvalidRequest', { message: DID_NOT_MATCH });
  return given.key;
}

/** The plan of a part of `upload`: an SSE-C upload needs the same key on every part, and no other upload takes one. */
export function partPlan(upload: EncryptionInfo, sse: SseRequest, envelope: Envelope): EncryptionPlan {
  if (upload.algorithm !== 'SSE-C') {
    if (sse.kind === 'sse-c') throw s3Error('InvalidRequest', { message: PART_NEEDS_KEY });
    return planFor(upload);
  }
  if (sse.kind !== 'sse-c') throw s3Error('InvalidRequest', { message: PART_NEEDS_KEY });
  if (!matches(upload, sse, envelope)) throw s3Error('InvalidRequest', { message: DID_NOT_MATCH });
  return { kind: 'sse-c', key: sse.key, keyMd5: sse.keyMd5 };
}
