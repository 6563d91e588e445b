/** The service and region a request's SigV4 credential scope names, read before authentication so the right router (and error format) takes the request. */
import type { IncomingHttpHeaders } from 'node:http';

export interface CredentialScope { readonly service: string; readonly region: string }

/**
 * From `Authorization: AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, …` or the
 * `X-Amz-Credential` query parameter; undefined for SigV2, anonymous and malformed requests (auth/ judges
 * those, as S3). Only chooses a router: nothing here is trusted until auth/ verifies the same scope.
 */
export function credentialScope(headers: IncomingHttpHeaders, query: URLSearchParams): CredentialScope | undefined {
  const authz = headers.authorization;
  const credential = authz?.startsWith('AWS4-HMAC-SHA256 ') ? /Credential=([^,\s]+)/.exec(authz)?.[1] : query.get('X-Amz-Credential') ?? undefined;
  const parts = credential?.split('/');
  if (!parts || parts.length !== 5) return undefined;
  return { region: parts[2]!, service: parts[3]! };
}
