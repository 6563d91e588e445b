/** Listing request parameters shared by the list operations: max-keys style limits and encoding-type=url. */
import { s3Error } from '../common/api-error.js';

/** max-keys: an integer ≥ 0; S3 never returns more than 1,000. */
export function parseMaxKeys(raw: string | null, name = 'max-keys'): number {
  if (raw === null || raw === '') return 1000;
  if (!/^-?\d+$/.test(raw)) throw s3Error('InvalidArgument', { message: `Provided ${name} not an integer or within integer range`, details: { ArgumentName: name, ArgumentValue: raw } });
  const n = Number(raw);
  if (n < 0) throw s3Error('InvalidArgument', { message: 'Argument maxKeys must be an integer between 0 and 2147483647', details: { ArgumentName: name, ArgumentValue: raw } });
  return Math.min(n, 1000);
}

/** encoding-type=url: S3 form-encodes names (space as '+', '/' kept); any other value is refused. */
export function listingEncoder(raw: string | null): (s: string) => string {
  if (raw === null) return (s) => s;
  if (raw !== 'url') throw s3Error('InvalidArgument', { message: 'Invalid Encoding Method specified in Request', details: { ArgumentName: 'encoding-type', ArgumentValue: raw } });
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/').replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
