/** Path-style vs virtual-hosted-style addressing: which bucket and key a request names. */
import { s3Error } from '../common/api-error.js';

export interface Addressed { readonly bucket: string | undefined; readonly key: string | undefined }

/**
 * With `domain` set, a Host of `<bucket>.<domain>` addresses the bucket by name and the whole path is
 * the key; otherwise the first path segment is the bucket. Percent-decoding happens once, here.
 */
export function resolveBucketAndKey(rawPath: string, host: string | undefined, domain: string | undefined): Addressed {
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (domain && hostname.endsWith(`.${domain}`)) {
    const bucket = hostname.slice(0, -(domain.length + 1));
    const key = decode(rawPath.slice(1));
    return { bucket, key: key === '' ? undefined : key };
  }
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (path === '') return { bucket: undefined, key: undefined };
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decode(path), key: undefined };
  const key = decode(path.slice(slash + 1));
  return { bucket: decode(path.slice(0, slash)), key: key === '' ? undefined : key };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw s3Error('InvalidURI');
  }
}
