/** A bucket's CORS rules: the stored form, S3's matching of a request against them, and the Access-Control-* headers of a matched rule. */
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html ("How does Amazon S3 evaluate the CORS configuration")

export interface CorsRule {
  readonly id?: string;
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

/** The only methods a CORS rule may allow. */
export const CORS_METHODS: readonly string[] = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'];

/** The bucket config name the rules are stored under (JSON of CorsRule[]). */
export const CORS_CONFIG = 'cors';

/** S3 lists these in Vary on every answer a rule shaped, preflight or not. */
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/**
 * `pattern` with at most one `*` (S3 refuses more when the rules are put) against `value`: the `*` stands
 * for any run of characters. Prefix and suffix comparison, no regular expression built from stored text.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  return value.length >= prefix.length + suffix.length && value.startsWith(prefix) && value.endsWith(suffix);
}

/** The header names of an Access-Control-Request-Headers value, lower-cased, empty entries dropped. */
export function requestedHeaders(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
}

/**
 * The first rule that allows `origin` with `method` and every one of `headers` (lower-case; a preflight's
 * Access-Control-Request-Headers, none for an actual request). Origins compare case-sensitively, header
 * names case-insensitively, as S3 does.
 */
export function matchCorsRule(rules: readonly CorsRule[], origin: string, method: string, headers: readonly string[]): CorsRule | undefined {
  return rules.find((rule) =>
    rule.allowedMethods.includes(method)
    && rule.allowedOrigins.some((o) => wildcardMatch(o, origin))
    && headers.every((h) => rule.allowedHeaders.some((a) => wildcardMatch(a.toLowerCase(), h))));
}

/**
 * The Access-Control-* headers of a matched rule. A rule that allows every origin (`*`) answers `*` and
 * no credentials; otherwise the request's own origin, with credentials allowed.
 */
export function corsHeaders(rule: CorsRule, origin: string, headers: readonly string[]): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const out: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: VARY,
  };
  if (!anyOrigin) out['access-control-allow-credentials'] = 'true';
  if (headers.length > 0) out['access-control-allow-headers'] = headers.join(', ');
  if (rule.exposeHeaders.length > 0) out['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.maxAgeSeconds);
  return out;
}
