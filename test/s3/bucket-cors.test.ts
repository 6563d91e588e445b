/** Bucket CORS: Put/Get/DeleteBucketCors with the SDK, validation, anonymous preflights answered from the rules, CORS headers on actual requests (signed, presigned, POST form, errors). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  DeleteBucketCorsCommand, GetBucketCorsCommand, PutBucketCorsCommand, PutObjectCommand, S3ServiceException, type CORSRule,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { s3Client } from '../helpers/clients.js';

const suite = serverSuite('cors');
const PAGE = 'https://app.example.com';
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
const NOT_ALLOWED = 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.';

const RULES: CORSRule[] = [
  { ID: 'uploads', AllowedOrigins: [PAGE, 'http://*.example.org'], AllowedMethods: ['PUT', 'POST', 'GET'], AllowedHeaders: ['content-type', 'x-amz-meta-*'], ExposeHeaders: ['ETag', 'x-amz-request-id'], MaxAgeSeconds: 600 },
  { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
];

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** An unsigned request, as a browser sends a preflight (no credentials, no signature). */
function plain(method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(suite.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const preflight = (path: string, origin: string | undefined, method: string | undefined, requestHeaders?: string) => plain('OPTIONS', path, {
  ...(origin === undefined ? {} : { origin }),
  ...(method === undefined ? {} : { 'access-control-request-method': method }),
  ...(requestHeaders === undefined ? {} : { 'access-control-request-headers': requestHeaders }),
});

const message = (body: string) => /<Message>([^<]*)<\/Message>/.exec(body)?.[1]?.replace(/&apos;/g, '\'');

test('GetBucketCors on a bucket without rules is NoSuchCORSConfiguration; a preflight there is refused', async () => {
  await assert.rejects(suite.s3.send(new GetBucketCorsCommand({ Bucket: suite.bucket })),
    (e: S3ServiceException) => e.name === 'NoSuchCORSConfiguration' && e.$metadata.httpStatusCode === 404 && e.message === 'The CORS configuration does not exist');
  const r = await preflight(`/${suite.bucket}/k`, PAGE, 'PUT');
  assert.equal(r.status, 403);
  assert.equal(errorCode(r.body), 'AccessForbidden');
  assert.equal(message(r.body), 'CORSResponse: CORS is not enabled for this bucket.');
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  const missing = await preflight('/no-such-bucket-cors/k', PAGE, 'PUT');
  assert.equal(missing.status, 403);
  assert.equal(message(missing.body), 'CORSResponse: Bucket not found');
});

test('PutBucketCors, GetBucketCors returns the rules as put, DeleteBucketCors removes them', async () => {
  const put = await suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: RULES } }));
  assert.equal(put.$metadata.httpStatusCode, 200);
  const got = await suite.s3.send(new GetBucketCorsCommand({ Bucket: suite.bucket }));
  assert.deepEqual(got.CORSRules, RULES);
  const del = await suite.s3.send(new DeleteBucketCorsCommand({ Bucket: suite.bucket }));
  assert.equal(del.$metadata.httpStatusCode, 204);
  await assert.rejects(suite.s3.send(new GetBucketCorsCommand({ Bucket: suite.bucket })), (e: S3ServiceException) => e.name === 'NoSuchCORSConfiguration');
  // Deleting again is still 204, as S3 answers.
  assert.equal((await suite.s3.send(new DeleteBucketCorsCommand({ Bucket: suite.bucket }))).$metadata.httpStatusCode, 204);
});

test('invalid CORS configurations are refused with S3\'s codes and store nothing', async () => {
  const cases: Array<[string, CORSRule[] | string, string, string?]> = [
    ['unsupported method', [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }], 'InvalidRequest', 'Found unsupported HTTP method in CORS config. Unsupported method is PATCH'],
    ['lower-case method', [{ AllowedOrigins: ['*'], AllowedMethods: ['get'] }], 'InvalidRequest', 'Found unsupported HTTP method in CORS config. Unsupported method is get'],
    ['two wildcards in an origin', [{ AllowedOrigins: ['http://*.*.example.com'], AllowedMethods: ['GET'] }], 'InvalidRequest', 'AllowedOrigin "http://*.*.example.com" can not have more than one wildcard.'],
    ['two wildcards in a header', [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], AllowedHeaders: ['x-*-*'] }], 'InvalidRequest', 'AllowedHeader "x-*-*" can not have more than one wildcard.'],
    ['no rule', '<CORSConfiguration></CORSConfiguration>', 'MalformedXML'],
    ['no AllowedMethod', '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>', 'MalformedXML'],
    ['no AllowedOrigin', '<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>', 'MalformedXML'],
    ['MaxAgeSeconds not a number', '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule></CORSConfiguration>', 'MalformedXML'],
    ['unknown element', '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedColour>red</AllowedColour></CORSRule></CORSConfiguration>', 'MalformedXML'],
    ['wrong root', '<CORSRules><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSRules>', 'MalformedXML'],
    ['101 rules', Array.from({ length: 101 }, (): CORSRule => ({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] })), 'InvalidRequest'],
  ];
  for (const [label, rules, code, msg] of cases) {
    if (typeof rules === 'string') {
      const r = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}?cors`, body: rules, headers: { 'content-type': 'application/xml' } });
      assert.equal(r.status, 400, `${label}: ${r.body}`);
      assert.equal(errorCode(r.body), code, label);
    } else {
      await assert.rejects(suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: rules } })),
        (e: S3ServiceException) => {
          assert.equal(e.name, code, label);
          assert.equal(e.$metadata.httpStatusCode, 400, label);
          if (msg !== undefined) assert.equal(e.message, msg, label);
          return true;
        });
    }
    await assert.rejects(suite.s3.send(new GetBucketCorsCommand({ Bucket: suite.bucket })), (e: S3ServiceException) => e.name === 'NoSuchCORSConfiguration', label);
  }
  // Exactly 100 rules are accepted.
  await suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: Array.from({ length: 100 }, (): CORSRule => ({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] })) } }));
  assert.equal((await suite.s3.send(new GetBucketCorsCommand({ Bucket: suite.bucket }))).CORSRules?.length, 100);
  await suite.s3.send(new DeleteBucketCorsCommand({ Bucket: suite.bucket }));
});

test('preflights are answered anonymously from the rules', async () => {
  await suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: RULES } }));
  const ok = await preflight(`/${suite.bucket}/photos/a.jpg`, PAGE, 'PUT', 'Content-Type, X-Amz-Meta-Owner');
  assert.equal(ok.status, 200, ok.body);
  assert.equal(ok.headers['access-control-allow-origin'], PAGE);
  assert.equal(ok.headers['access-control-allow-credentials'], 'true');
  assert.equal(ok.headers['access-control-allow-methods'], 'PUT, POST, GET');
  assert.equal(ok.headers['access-control-allow-headers'], 'content-type, x-amz-meta-owner');
  assert.equal(ok.headers['access-control-expose-headers'], 'ETag, x-amz-request-id');
  assert.equal(ok.headers['access-control-max-age'], '600');
  assert.equal(ok.headers['vary'], VARY);
  assert.equal(ok.body, '');

  // One wildcard in an origin; the bucket itself as the target (a POST form goes there).
  const sub = await preflight(`/${suite.bucket}`, 'http://uploads.example.org', 'POST');
  assert.equal(sub.status, 200, sub.body);
  assert.equal(sub.headers['access-control-allow-origin'], 'http://uploads.example.org');
  assert.equal(sub.headers['access-control-allow-headers'], undefined);

  // A rule whose origin is * answers *, without credentials.
  const star = await preflight(`/${suite.bucket}/a`, 'https://anyone.test', 'HEAD');
  assert.equal(star.status, 200, star.body);
  assert.equal(star.headers['access-control-allow-origin'], '*');
  assert.equal(star.headers['access-control-allow-credentials'], undefined);
  assert.equal(star.headers['access-control-allow-methods'], 'HEAD');
  assert.equal(star.headers['access-control-max-age'], undefined);
});

test('preflights no rule allows are AccessForbidden; without Origin or method they are BadRequest', async () => {
  await suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: RULES } }));
  for (const [label, origin, method, headers] of [
    ['origin not listed', 'https://evil.example.net', 'PUT', undefined],
    ['origin differs in scheme', 'http://app.example.com', 'PUT', undefined],
    ['method not allowed', PAGE, 'DELETE', undefined],
    ['header not allowed', PAGE, 'PUT', 'content-type, x-amz-acl'],
    ['wildcard needs its prefix', 'https://uploads.example.org', 'PUT', undefined],
  ] as const) {
    const r = await preflight(`/${suite.bucket}/k`, origin, method, headers);
    assert.equal(r.status, 403, label);
    assert.equal(errorCode(r.body), 'AccessForbidden', label);
    assert.equal(message(r.body), NOT_ALLOWED, label);
    assert.match(r.body, new RegExp(`<Method>${method}</Method>`), label);
    assert.match(r.body, /<ResourceType>OBJECT<\/ResourceType>/, label);
    assert.equal(r.headers['access-control-allow-origin'], undefined, label);
  }
  const noOrigin = await preflight(`/${suite.bucket}/k`, undefined, 'PUT');
  assert.equal(noOrigin.status, 400);
  assert.equal(errorCode(noOrigin.body), 'BadRequest');
  assert.equal(message(noOrigin.body), 'Insufficient information. Origin request header needed.');
  const noMethod = await preflight(`/${suite.bucket}/k`, PAGE, undefined);
  assert.equal(noMethod.status, 400);
  assert.equal(errorCode(noMethod.body), 'BadRequest');
  assert.equal(message(noMethod.body), 'Invalid Access-Control-Request-Method: null');
  const badMethod = await preflight(`/${suite.bucket}/k`, PAGE, 'PATCH');
  assert.equal(badMethod.status, 400);
  assert.equal(message(badMethod.body), 'Invalid Access-Control-Request-Method: PATCH');
});

test('actual requests from an allowed origin carry the CORS headers: signed, presigned, POST form and errors; others carry none', async () => {
  await suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: RULES } }));
  const signed = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/signed`, body: 'hello', headers: { origin: PAGE } });
  assert.equal(signed.status, 200, signed.body);
  assert.equal(signed.headers['access-control-allow-origin'], PAGE);
  assert.equal(signed.headers['access-control-allow-credentials'], 'true');
  assert.equal(signed.headers['access-control-allow-methods'], 'PUT, POST, GET');
  assert.equal(signed.headers['access-control-expose-headers'], 'ETag, x-amz-request-id');
  assert.equal(signed.headers['access-control-max-age'], '600');
  assert.equal(signed.headers['vary'], VARY);

  // No Origin: not a cross-origin request, no CORS headers. A method no rule allows for that origin: none either.
  const noOrigin = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/signed` });
  assert.equal(noOrigin.status, 200);
  assert.equal(noOrigin.headers['access-control-allow-origin'], undefined);
  const deleteFromPage = await rawRequest(suite.server.url, { method: 'DELETE', path: `/${suite.bucket}/other`, headers: { origin: PAGE } });
  assert.equal(deleteFromPage.status, 204);
  assert.equal(deleteFromPage.headers['access-control-allow-origin'], undefined);
  const otherOrigin = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/signed`, headers: { origin: 'https://evil.example.net' } });
  assert.equal(otherOrigin.status, 200);
  assert.equal(otherOrigin.headers['access-control-allow-origin'], undefined);

  // Presigned PUT, sent with an Origin as a browser does.
  const presigner = s3Client(suite.server);
  const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: suite.bucket, Key: 'presigned' }), { expiresIn: 300 });
  presigner.destroy();
  const presigned = await fetch(url, { method: 'PUT', body: 'via url', headers: { origin: PAGE } });
  assert.equal(presigned.status, 200, await presigned.text());
  assert.equal(presigned.headers.get('access-control-allow-origin'), PAGE);

  // A POST form (the bucket as target) from a wildcard origin.
  const form = new FormData();
  form.set('key', 'posted');
  form.set('file', new Blob(['form body']));
  const anonymousPost = await fetch(`${suite.server.url}/${suite.bucket}`, { method: 'POST', body: form, headers: { origin: 'http://a.example.org' } });
  await anonymousPost.text();
  // Refused (no policy, no signature) — but the page may read the error, so the CORS headers are there.
  assert.equal(anonymousPost.status, 403);
  assert.equal(anonymousPost.headers.get('access-control-allow-origin'), 'http://a.example.org');

  // An error answer of a signed request from an allowed origin carries them too.
  const missing = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/no-such-key`, headers: { origin: PAGE } });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['access-control-allow-origin'], PAGE);
});
