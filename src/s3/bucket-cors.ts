/** PutBucketCors, GetBucketCors, DeleteBucketCors; the anonymous preflight (OPTIONS) answered from the rules, and the CORS headers of actual requests. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
import type { IncomingHttpHeaders } from 'node:http';
import { s3Error } from '../common/api-error.js';
import { xmlChildren, xmlText, type XmlElement } from '../common/xml-reader.js';
import { toXml } from '../common/xml-writer.js';
import type { MetaStore } from '../stores/meta-store.js';
import { CORS_CONFIG, CORS_METHODS, corsHeaders, matchCorsRule, requestedHeaders, type CorsRule } from './cors-rules.js';
import { header } from './metadata-headers.js';
import { requireBucket } from './object-names.js';
import { readXmlBody } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';

/** S3's limit on the rules of one configuration. */
const MAX_RULES = 100;
const RULE_ELEMENTS = new Set(['ID', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds']);
const NOT_ALLOWED = 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.';

export async function putBucketCors(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const doc = await readXmlBody(req.body, 'CORSConfiguration');
  const rules = parseRules(doc);
  await ctx.meta.putBucketConfig(bucket.name, CORS_CONFIG, JSON.stringify(rules));
  return { status: 200 };
}

export async function getBucketCors(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  const rules = await loadCorsRules(ctx.meta, bucket.name);
  if (rules === undefined) throw s3Error('NoSuchCORSConfiguration', { resource: `/${bucket.name}`, details: { BucketName: bucket.name } });
  const body = toXml('CORSConfiguration', {
    CORSRule: rules.map((r) => ({
      ID: r.id,
      AllowedHeader: [...r.allowedHeaders],
      AllowedMethod: [...r.allowedMethods],
      AllowedOrigin: [...r.allowedOrigins],
      ExposeHeader: [...r.exposeHeaders],
      MaxAgeSeconds: r.maxAgeSeconds,
    })),
  });
  return { status: 200, headers: { 'content-type': 'application/xml' }, body };
}

export async function deleteBucketCors(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const bucket = await requireBucket(req, ctx);
  await ctx.meta.putBucketConfig(bucket.name, CORS_CONFIG, undefined);
  return { status: 204 };
}

/**
 * A browser's preflight, answered before (and without) authentication: a preflight never carries
 * credentials. The checks run in S3's order: Origin present, bucket exists, rules exist, requested method
 * valid, then the first matching rule; no match is 403 AccessForbidden.
 */
export async function corsPreflight(bucket: string | undefined, key: string | undefined, headers: IncomingHttpHeaders, meta: MetaStore): Promise<S3Response> {
  const origin = header(headers, 'origin');
  if (origin === undefined) throw s3Error('BadRequest', { message: 'Insufficient information. Origin request header needed.' });
  const method = header(headers, 'access-control-request-method');
  const forbidden = (message: string, resourceType: string) => s3Error('AccessForbidden', { message, details: { Method: method ?? 'OPTIONS', ResourceType: resourceType } });
  if (bucket === undefined || (await meta.getBucket(bucket)) === undefined) throw forbidden('CORSResponse: Bucket not found', 'BUCKET');
  const rules = await loadCorsRules(meta, bucket);
  if (rules === undefined) throw forbidden('CORSResponse: CORS is not enabled for this bucket.', 'BUCKET');
  if (method === undefined || !CORS_METHODS.includes(method)) throw s3Error('BadRequest', { message: `Invalid Access-Control-Request-Method: ${method ?? 'null'}` });
  const requested = requestedHeaders(header(headers, 'access-control-request-headers'));
  const rule = matchCorsRule(rules, origin, method, requested);
  if (rule === undefined) throw forbidden(NOT_ALLOWED, key === undefined ? 'BUCKET' : 'OBJECT');
  return { status: 200, headers: corsHeaders(rule, origin, requested) };
}

/**
 * The Access-Control-* headers for an actual (non-preflight) request: only with an Origin header and a
 * rule allowing that origin and the request's method; undefined otherwise. Costs nothing without Origin.
 */
export async function actualRequestCorsHeaders(method: string, bucket: string | undefined, headers: IncomingHttpHeaders, meta: MetaStore): Promise<Record<string, string> | undefined> {
  const origin = header(headers, 'origin');
  if (origin === undefined || bucket === undefined) return undefined;
  const rules = await loadCorsRules(meta, bucket);
  const rule = rules === undefined ? undefined : matchCorsRule(rules, origin, method, []);
  return rule === undefined ? undefined : corsHeaders(rule, origin, []);
}

async function loadCorsRules(meta: MetaStore, bucket: string): Promise<CorsRule[] | undefined> {
  const raw = await meta.getBucketConfig(bucket, CORS_CONFIG);
  return raw === undefined ? undefined : (JSON.parse(raw) as CorsRule[]);
}

function parseRules(doc: XmlElement): CorsRule[] {
  if (typeof doc !== 'object' || Array.isArray(doc) || Object.keys(doc).some((k) => k !== 'CORSRule')) throw s3Error('MalformedXML');
  const rules = xmlChildren(doc, 'CORSRule');
  if (rules.length === 0) throw s3Error('MalformedXML');
  if (rules.length > MAX_RULES) throw s3Error('InvalidRequest', { message: `The number of CORS rules should not exceed allowed limit of ${MAX_RULES} rules.` });
  return rules.map(parseRule);
}

function parseRule(rule: XmlElement): CorsRule {
  if (typeof rule !== 'object' || Array.isArray(rule) || Object.keys(rule).some((k) => !RULE_ELEMENTS.has(k))) throw s3Error('MalformedXML');
  const texts = (name: string) => xmlChildren(rule, name).map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return '';
    throw s3Error('MalformedXML');
  });
  const allowedOrigins = texts('AllowedOrigin');
  const allowedMethods = texts('AllowedMethod');
  if (allowedOrigins.length === 0 || allowedMethods.length === 0) throw s3Error('MalformedXML');
  for (const m of allowedMethods) {
    if (!CORS_METHODS.includes(m)) throw s3Error('InvalidRequest', { message: `Found unsupported HTTP method in CORS config. Unsupported method is ${m}` });
  }
  const allowedHeaders = texts('AllowedHeader');
  for (const [name, values] of [['AllowedOrigin', allowedOrigins], ['AllowedHeader', allowedHeaders]] as const) {
    const bad = values.find((v) => v.indexOf('*') !== v.lastIndexOf('*'));
    if (bad !== undefined) throw s3Error('InvalidRequest', { message: `${name} "${bad}" can not have more than one wildcard.` });
  }
  const maxAge = xmlText(rule, 'MaxAgeSeconds');
  if (maxAge !== undefined && !/^\d{1,9}$/.test(maxAge.trim())) throw s3Error('MalformedXML');
  const id = xmlText(rule, 'ID');
  return {
    ...(id === undefined ? {} : { id }),
    allowedOrigins,
    allowedMethods,
    allowedHeaders,
    exposeHeaders: texts('ExposeHeader'),
    ...(maxAge === undefined ? {} : { maxAgeSeconds: Number(maxAge.trim()) }),
  };
}
