/** Hostile XML bodies (deep nesting, __proto__/constructor/prototype names) answer MalformedXML; unsafe response-* overrides answer InvalidArgument; never a 500. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand, PutObjectTaggingCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { formBody, postForm, signedFields } from '../helpers/post-form.js';

const suite = serverSuite('xml-overrides', async (s) => {
  await s.s3.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'obj', Body: 'payload' }));
});

const TAGS = '<TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>';
const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;

/** XML bodies that must answer 400 MalformedXML, each with why. */
const HOSTILE: Array<[string, string]> = [
  ['nesting 40 deep (over the 32 limit) beside a valid TagSet', `<Tagging>${TAGS}${nested(40)}</Tagging>`],
  ['nesting 100,000 deep', `<Tagging>${nested(100_000)}</Tagging>`],
  ['a __proto__ element', `<Tagging><__proto__><polluted>yes</polluted></__proto__>${TAGS}</Tagging>`],
  ['a constructor element', `<Tagging>${TAGS}<constructor><prototype><polluted>yes</polluted></prototype></constructor></Tagging>`],
  ['a prototype element inside a Tag', '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><prototype>x</prototype></Tag></TagSet></Tagging>'],
  ['a __proto__ root', '<__proto__><TagSet/></__proto__>'],
  ['a namespaced __proto__ (prefixes are stripped)', `<Tagging xmlns:p="urn:x">${TAGS}<p:__proto__>x</p:__proto__></Tagging>`],
];

test('hostile XML bodies answer 400 MalformedXML (raw signed PutObjectTagging and PutBucketEncryption)', async () => {
  for (const [why, xml] of HOSTILE) {
    const res = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/obj?tagging`, body: xml, headers: { 'content-type': 'application/xml' } });
    assert.equal(res.status, 400, `${why}: ${res.body.slice(0, 300)}`);
    assert.equal(errorCode(res.body), 'MalformedXML', why);
  }
  const deepEncryption = `<ServerSideEncryptionConfiguration>${nested(10_000)}</ServerSideEncryptionConfiguration>`;
  const enc = await rawRequest(suite.server.url, {
    method: 'PUT', path: `/${suite.bucket}?encryption`, body: deepEncryption,
    headers: { 'content-md5': createHash('md5').update(deepEncryption).digest('base64') },
  });
  assert.equal(enc.status, 400, enc.body);
  assert.equal(errorCode(enc.body), 'MalformedXML');
  // Nothing was polluted or stored: the object still has no tags, and the server answers normally.
  const tags = await suite.s3.send(new GetObjectTaggingCommand({ Bucket: suite.bucket, Key: 'obj' }));
  assert.deepEqual(tags.TagSet, []);
});

test('a nesting of 32 is still accepted', async () => {
  // Tagging(1) > TagSet(2) > Tag(3) > Key(4) plus an ignored element nested to depth 32 in all.
  const xml = `<Tagging>${TAGS}${nested(31)}</Tagging>`;
  const res = await rawRequest(suite.server.url, { method: 'PUT', path: `/${suite.bucket}/obj?tagging`, body: xml });
  assert.equal(res.status, 200, res.body);
  const tags = await suite.s3.send(new GetObjectTaggingCommand({ Bucket: suite.bucket, Key: 'obj' }));
  assert.deepEqual(tags.TagSet, [{ Key: 'k', Value: 'v' }]);
});

test('hostile XML sent through the SDK (body swapped after serialization) answers MalformedXML', async () => {
  for (const [why, xml] of HOSTILE.slice(0, 4)) {
    const cmd = new PutObjectTaggingCommand({ Bucket: suite.bucket, Key: 'obj', Tagging: { TagSet: [{ Key: 'sdk', Value: 'sdk' }] } });
    cmd.middlewareStack.add((next) => async (args) => {
      (args.request as { body: unknown }).body = xml;
      return next(args);
    }, { step: 'build', priority: 'high' });
    const err = await suite.s3.send(cmd).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof S3ServiceException, `${why}: ${String(err)}`);
    assert.equal(err.name, 'MalformedXML', why);
    assert.equal(err.$metadata.httpStatusCode, 400, why);
  }
});

test('the POST form tagging field is parsed by the same bounded reader', async () => {
  const fields = { key: 'form-tagged', tagging: `<Tagging><__proto__>x</__proto__>${TAGS}</Tagging>` };
  const res = await postForm(`${suite.server.url}/${suite.bucket}`, formBody(signedFields(suite.bucket, [{ key: 'form-tagged' }, ['starts-with', '$tagging', '']], fields), 'x'));
  assert.equal(res.status, 400, res.body);
  assert.equal(errorCode(res.body), 'MalformedXML');
});

const OVERRIDES = ['response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding'];
const BAD_VALUES: Array<[string, string]> = [
  ['CR/LF', 'a\r\nX-Injected: 1'],
  ['LF', 'a\nb'],
  ['NUL', 'a\0b'],
  ['a control character', 'a\x01b'],
  ['non-Latin-1', 'attachment; filename="☃.txt"'],
];

test('response-* overrides with CR/LF, NUL, controls or non-Latin-1 answer 400 InvalidArgument (raw signed GET and HEAD)', async () => {
  for (const param of OVERRIDES) {
    for (const [why, value] of BAD_VALUES) {
      const path = `/${suite.bucket}/obj?${param}=${encodeURIComponent(value)}`;
      const res = await rawRequest(suite.server.url, { method: 'GET', path });
      assert.equal(res.status, 400, `${param} ${why}: ${res.body}`);
      assert.equal(errorCode(res.body), 'InvalidArgument', `${param} ${why}`);
      assert.equal(res.headers['x-injected'], undefined);
      const head = await rawRequest(suite.server.url, { method: 'HEAD', path });
      assert.equal(head.status, 400, `HEAD ${param} ${why}`);
    }
  }
});

test('response-* overrides through the SDK: unsafe ones are InvalidArgument, Latin-1 ones are honoured', async () => {
  const bad = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'obj', ResponseContentType: 'text/plain\r\nX-Injected: 1' })).then(() => undefined, (e: unknown) => e);
  assert.ok(bad instanceof S3ServiceException, String(bad));
  assert.equal(bad.name, 'InvalidArgument');
  assert.equal(bad.$metadata.httpStatusCode, 400);
  const wide = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: 'obj', ResponseContentDisposition: 'attachment; filename="☃.txt"' })).then(() => undefined, (e: unknown) => e);
  assert.ok(wide instanceof S3ServiceException, String(wide));
  assert.equal(wide.name, 'InvalidArgument');

  const good = await suite.s3.send(new GetObjectCommand({
    Bucket: suite.bucket, Key: 'obj', ResponseContentType: 'text/plain', ResponseContentDisposition: 'attachment; filename="café.txt"', ResponseCacheControl: 'no-store',
  }));
  assert.equal(await good.Body!.transformToString(), 'payload');
  assert.equal(good.ContentType, 'text/plain');
  assert.equal(good.ContentDisposition, 'attachment; filename="café.txt"');
  assert.equal(good.CacheControl, 'no-store');
});
