/** XML request bodies written as Go's encoding/xml writes them: numeric character references decode as XML 1.0 requires. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';

const suite = serverSuite('xml-refs');

const deleteObjects = (xml: string) => rawRequest(suite.server.url, {
  method: 'POST', path: `/${suite.bucket}?delete`, body: xml,
  headers: { 'content-md5': createHash('md5').update(xml).digest('base64'), 'content-type': 'application/xml' },
});

/** Keys present among `names` (each test checks only its own objects). */
const present = async (names: string[]) => ((await suite.s3.send(new ListObjectsV2Command({ Bucket: suite.bucket }))).Contents ?? [])
  .map((o) => o.Key!).filter((k) => names.includes(k)).sort();

test('DeleteObjects naming keys with &#39; &#34; &#xA; (as Go writes them) deletes those objects', async () => {
  const names = ["it's.txt", 'say "hi".txt', 'line\nbreak.txt', 'a&b<c>.txt'];
  for (const Key of names) {
    await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key, Body: Key }));
  }
  // The exact bytes rclone (Go encoding/xml) sends for these keys.
  const xml = '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>it&#39;s.txt</Key></Object>'
    + '<Object><Key>say &#34;hi&#34;.txt</Key></Object><Object><Key>line&#xA;break.txt</Key></Object>'
    + '<Object><Key>a&amp;b&lt;c&gt;.txt</Key></Object><Quiet>false</Quiet></Delete>';
  const r = await deleteObjects(xml);
  assert.equal(r.status, 200, r.body);
  const deleted = [...r.body.matchAll(/<Deleted><Key>([^<]*)<\/Key><\/Deleted>/g)].map((m) => m[1]).sort();
  assert.deepEqual(deleted, ['a&amp;b&lt;c&gt;.txt', 'it&apos;s.txt', 'line\nbreak.txt', 'say &quot;hi&quot;.txt']);
  assert.deepEqual(await present(names), []);
});

test('predefined entities and decimal/hex references decode once, never twice', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: '&#34;literal', Body: 'x' }));
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: '"quoted\'', Body: 'x' }));
  const r = await deleteObjects('<Delete><Object><Key>&amp;#34;literal</Key></Object><Object><Key>&quot;quoted&apos;</Key></Object></Delete>');
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(await present(['&#34;literal', '"quoted\'']), []);
});

test('an undefined entity or a reference to a character XML forbids is MalformedXML and deletes nothing', async () => {
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'keep', Body: 'x' }));
  for (const bad of ['&nbsp;', '&foo;', '&#0;', '&#xD800;', '&#x110000;', '&#;', '&#x;', '&#12a;']) {
    const r = await deleteObjects(`<Delete><Object><Key>keep${bad}</Key></Object><Object><Key>keep</Key></Object></Delete>`);
    assert.deepEqual([r.status, errorCode(r.body)], [400, 'MalformedXML'], bad);
  }
  assert.deepEqual(await present(['keep']), ['keep']);
});

test('CompleteMultipartUpload with ETags written as &#34;…&#34; (rclone, minio-go) completes', async () => {
  const Key = 'go-complete.bin';
  const { UploadId } = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key }));
  const body = Buffer.alloc(1024, 'g');
  const { ETag } = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key, UploadId, PartNumber: 1, Body: body }));
  assert.match(ETag!, /^"[0-9a-f]{32}"$/);
  const xml = '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part>'
    + `<ETag>&#34;${ETag!.slice(1, -1)}&#34;</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`;
  const r = await rawRequest(suite.server.url, { method: 'POST', path: `/${suite.bucket}/${Key}?uploadId=${encodeURIComponent(UploadId!)}`, body: xml });
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /<ETag>&quot;[0-9a-f]{32}-1&quot;<\/ETag>/);
  assert.equal((await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key }))).ContentLength, 1024);
});
