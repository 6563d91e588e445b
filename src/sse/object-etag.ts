/** The opaque ETag of SSE-KMS, DSSE-KMS and SSE-C writes: an HMAC of the plaintext MD5 under a key derived from the write's data key, so it reveals nothing about the data (as S3's is not the MD5). */
import { createHmac } from 'node:crypto';
import { Secret } from '../common/secret.js';

/** FROZEN: the domain of the per-write ETag key (docs/FORMAT.md). */
const ETAG_KEY_DOMAIN = 'strongroom/etag-key/v1';

/** The per-write ETag key: HMAC-SHA256(data key, domain), never the data key itself. */
export function etagKey(dataKey: Secret): Secret {
  return new Secret(createHmac('sha256', dataKey.reveal()).update(ETAG_KEY_DOMAIN, 'utf8').digest());
}

/** Hex of HMAC-SHA256(ETag key, MD5) cut to 16 bytes: 32 hex digits, like an MD5, so multipart ETags combine as usual. */
export function opaqueEtag(key: Secret, md5: Buffer): string {
  return createHmac('sha256', key.reveal()).update(md5).digest().subarray(0, 16).toString('hex');
}
