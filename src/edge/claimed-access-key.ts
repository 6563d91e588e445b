/** The access key id a request claims (SigV4 or SigV2, header or query), read without trusting it: for the audit record of a call refused before authentication succeeded. */
import type { IncomingHttpHeaders } from 'node:http';

/** An access key id as AWS forms them; anything else (a pasted secret, junk) is not recorded. */
const KEY_ID = /^[A-Z0-9]{16,128}$/;

export function claimedAccessKeyId(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const authz = headers.authorization ?? '';
  const id = authz.startsWith('AWS4-HMAC-SHA256 ') ? /Credential=([^/,\s]+)\//.exec(authz)?.[1]
    : authz.startsWith('AWS ') ? /^AWS ([^:\s]+):/.exec(authz)?.[1]
    : query.get('X-Amz-Credential')?.split('/')[0] ?? query.get('AWSAccessKeyId') ?? undefined;
  return id !== undefined && KEY_ID.test(id) ? id : undefined;
}
