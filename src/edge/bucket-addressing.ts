/** Path-style vs virtual-hosted-style addressing: which bucket and key a request names. */
import { s3Error } from '../common/api-error.js';

export interface Addressed {
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /** The bucket came from the Host header (virtual-hosted style), not from the path. */
  readonly virtualHosted: boolean;
}

/**
 * With `domain` set, a Host of `<bucket>.<domain>` addresses the bucket by name and the whole path is
 * the key; otherwise the first path segment is the bucket. Percent-decoding happens once, here.
 */
export function resolveBucketAndKey(rawPath: string, host: string | undefined, domain: string | undefined): Addressed {
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (domain && hostname.endsWith(`.${domain}`)) {
    const bucket = hostname.slice(0, -(domain.length + 1));
    const key = decode(rawPath.slice(1));
    return { bucket, key: key === '' ? undefined : key, virtualHosted: true };
  }
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (path === '') return { bucket: undefined, key: undefined, virtualHosted: false };
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decode(path), key: undefined, virtualHosted: false };
  const key = decode(path.slice(slash + 1));
  return { bucket: decode(path.slice(0, slash)), key: key === '' ? undefined : key, virtualHosted: false };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw s3Error('InvalidURI');
  }
}
