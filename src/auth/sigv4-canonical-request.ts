/** SigV4 canonical request pieces (URI, query, headers) and the signing-key derivation, per the AWS SigV4 spec for S3. */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { Secret } from '../common/secret.js';

/** HMAC-SHA256 and hex SHA-256, the two primitives of SigV4. */
export const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
export const sha256hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** AWS URI encoding: unreserved characters stay, everything else %XX upper-case. */
export function uriEncode(s: string, encodeSlash = true): string {
  let out = '';
  for (const ch of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(ch);
    if (/[A-Za-z0-9\-._~]/.test(c) || (c === '/' && !encodeSlash)) out += c;
    else out += '%' + ch.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function decodeComponent(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, '%20')); } catch { throw s3Error('InvalidURI'); }
}

/** Canonical query: each name and value decoded then AWS-encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    if (k === omit) continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** S3 canonical URI: the path decoded once and re-encoded, slashes kept, no normalization. */
export function canonicalUri(rawPath: string): string {
  let decoded: string;
  try { decoded = decodeURIComponent(rawPath); } catch { throw s3Error('InvalidURI'); }
  return uriEncode(decoded, false) || '/';
}

export function canonicalHeaders(headers: IncomingHttpHeaders, names: readonly string[]): string {
  return names.map((n) => {
    // Own properties only: a signed name such as `constructor` must read as absent, not as Object.prototype's.
    const v = Object.hasOwn(headers, n) ? headers[n] : undefined;
    const value = Array.isArray(v) ? v.map((x) => x.trim()).join(',') : (v ?? '');
    return `${n}:${value.trim().replace(/\s+/g, ' ')}\n`;
  }).join('');
}

/**
 * Derived signing keys by scope and secret: the four HMACs would otherwise run on every request, although
 * a key holds for a whole day (AWS SDKs cache it the same way). Bounded; the secret is part of the cache
 * key, so a changed or rotated secret never meets an old entry. Kept as Secret so nothing prints them.
 */
const SIGNING_KEYS = new Map<string, Secret>();
const SIGNING_KEYS_MAX = 256;

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${date}\n${region}\n${service}\n${secret}`;
  const cached = SIGNING_KEYS.get(cacheKey);
  if (cached) return cached.reveal();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  // Evicted, not wiped: an aws-chunked upload still verifying its chunks may hold the key.
  if (SIGNING_KEYS.size >= SIGNING_KEYS_MAX) SIGNING_KEYS.delete(SIGNING_KEYS.keys().next().value!);
  SIGNING_KEYS.set(cacheKey, new Secret(key));
  return key;
}
