/** GetObjectAttributes (GET ?attributes): the attributes asked for, parts with their checksums and paging, versions, SSE-C keys, and S3's errors, through @aws-sdk/client-s3, raw requests and boto3. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectAttributesCommand,
  HeadObjectCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutObjectCommand, UploadPartCommand,
  type GetObjectAttributesCommandInput, type S3Client,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { errorCode, rawRequest } from '../helpers/raw-request.js';
import { BOTO3_MISSING, HAS_BOTO3, python } from '../helpers/python-tools.js';
import { clientFor, createUser, refused } from '../helpers/policy-rig.js';
import { recordsOf, trailBytes } from '../helpers/audit-trail.js';

const ALL = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
const KEY = randomBytes(32);
const OTHER = randomBytes(32);
const b64 = (b: Buffer) => b.toString('base64');
const md5b64 = (b: Buffer) => createHash('md5').update(b).digest('base64');
const triple = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64(k) });
const MIB5 = 5 * 1024 * 1024;

/** A second server as shipped (no --allow-insecure-sse-c): SSE-C over plain HTTP is refused. */
let strict: TestServer | undefined;
let strictS3: S3Client | undefined;
const strictBucket = bucketName('goa-strict');
/** A client that sends no checksum unless one is asked for: objects without an additional checksum. */
let bare: S3Client | undefined;

const suite = serverSuite('get-object-attributes', async (s) => {
  // SSE-C writes are blocked on new buckets until PutBucketEncryption unblocks them.
  await s.s3.send(new PutBucketEncryptionCommand({ Bucket: s.bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  bare = s3Client(s.server, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  strict = await startServer();
  strictS3 = s3Client(strict);
  await strictS3.send(new CreateBucketCommand({ Bucket: strictBucket }));
}, { args: ['--allow-insecure-sse-c'] });

after(async () => {
  bare?.destroy();
  strictS3?.destroy();
  await strict?.stop();
});

/** The SDK's error as status, code, message and headers. */
async function failure(p: Promise<unknown>): Promise<{ status: number | undefined; code: string | undefined; message: string | undefined; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { $metadata?: { httpStatusCode?: number }; name?: string; Code?: string; message?: string; $response?: { headers?: Record<string, string> } };
    return { status: err.$metadata?.httpStatusCode, code: err.Code ?? err.name, message: err.message, headers: err.$response?.headers ?? {} };
  }
  throw new Error('the request succeeded');
}

const attributes = (input: Partial<GetObjectAttributesCommandInput> & { Key: string }, client = suite.s3) =>
  client.send(new GetObjectAttributesCommand({ Bucket: suite.bucket, ObjectAttributes: [...ALL], ...input }));

/** Uploads `sizes` as parts (with `checksum` when given) and completes; the parts' answers. */
async function multipart(client: S3Client, Key: string, sizes: readonly number[], extra: Record<string, unknown> = {}) {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key, ...extra }));
  const parts = [];
  for (const [i, size] of sizes.entries()) {
    const sse = 'SSECustomerKey' in extra ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: extra['SSECustomerKey'] as string } : {};
    const checksum = extra['ChecksumAlgorithm'] ? { ChecksumAlgorithm: extra['ChecksumAlgorithm'] as 'CRC32' } : {};
    const r = await client.send(new UploadPartCommand({ Bucket: suite.bucket, Key, UploadId, PartNumber: i + 1, Body: randomBytes(size), ...sse, ...checksum }));
    parts.push({ PartNumber: i + 1, ETag: r.ETag!, ChecksumCRC32: r.ChecksumCRC32, size });
  }
  const done = await client.send(new CompleteMultipartUploadCommand({
    Bucket: suite.bucket, Key, UploadId, ...('SSECustomerKey' in extra ? triple(KEY) : {}),
    MultipartUpload: { Parts: parts.map(({ PartNumber, ETag, ChecksumCRC32 }) => ({ PartNumber, ETag, ...(ChecksumCRC32 ? { ChecksumCRC32 } : {}) })) },
  }));
  return { parts, done };
}

test('a plain object: ETag without quotes, size, STANDARD, Last-Modified; no Checksum or ObjectParts when it has none; only the attributes asked for', async () => {
  await bare!.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'plain', Body: 'hello attributes' }));
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'plain' }));
  const r = await attributes({ Key: 'plain' });
  assert.equal(r.ETag, head.ETag!.replace(/"/g, ''));
  assert.equal(r.ObjectSize, 16);
  assert.equal(r.StorageClass, 'STANDARD');
  assert.equal(r.LastModified?.getTime(), head.LastModified?.getTime());
  assert.equal(r.Checksum, undefined);
  assert.equal(r.ObjectParts, undefined);
  assert.equal(r.VersionId, undefined, 'a never-versioned bucket answers no x-amz-version-id');
  assert.equal(r.DeleteMarker, undefined);
  const some = await attributes({ Key: 'plain', ObjectAttributes: ['ObjectSize'] });
  assert.deepEqual([some.ObjectSize, some.ETag, some.StorageClass], [16, undefined, undefined]);
  // The wire: S3's root element and namespace, the ETag without quotes.
  const raw = await rawRequest(suite.server.url, { method: 'GET', path: `/${suite.bucket}/plain?attributes`, headers: { 'x-amz-object-attributes': 'ETag,ObjectSize' } });
  assert.equal(raw.status, 200, raw.body);
  assert.match(raw.body, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<GetObjectAttributesResponse xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"><ETag>[0-9a-f]{32}<\/ETag><ObjectSize>16<\/ObjectSize><\/GetObjectAttributesResponse>$/);
});

test('checksummed objects: Checksum carries the object\'s CRC32 or SHA256 and its ChecksumType', async () => {
  const crc = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'crc32', Body: 'abc', ChecksumAlgorithm: 'CRC32' }));
  const sha = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'sha256', Body: 'abc', ChecksumAlgorithm: 'SHA256' }));
  const a = await attributes({ Key: 'crc32', ObjectAttributes: ['Checksum'] });
  assert.deepEqual(a.Checksum, { ChecksumCRC32: crc.ChecksumCRC32, ChecksumType: 'FULL_OBJECT' });
  const b = await attributes({ Key: 'sha256', ObjectAttributes: ['Checksum', 'ObjectParts'] });
  assert.deepEqual(b.Checksum, { ChecksumSHA256: sha.ChecksumSHA256, ChecksumType: 'FULL_OBJECT' });
  assert.equal(b.ObjectParts, undefined, 'a single PUT has no parts');
});

test('a multipart object with CRC32: TotalPartsCount, each part with its size and checksum, paged by MaxParts and PartNumberMarker (malformed values ignored); the composite checksum without its -N', async () => {
  const { parts, done } = await multipart(suite.s3, 'mp-crc', [MIB5, MIB5, 7], { ChecksumAlgorithm: 'CRC32' });
  const all = await attributes({ Key: 'mp-crc' });
  assert.equal(all.ETag, done.ETag!.replace(/"/g, ''));
  assert.equal(all.ObjectSize, 2 * MIB5 + 7);
  assert.deepEqual(all.Checksum, { ChecksumCRC32: done.ChecksumCRC32!.replace(/-3$/, ''), ChecksumType: 'COMPOSITE' });
  assert.match(done.ChecksumCRC32!, /-3$/);
  const expected = parts.map((p) => ({ PartNumber: p.PartNumber, Size: p.size, ChecksumCRC32: p.ChecksumCRC32 }));
  assert.ok(expected.every((p) => p.ChecksumCRC32 !== undefined));
  assert.deepEqual(all.ObjectParts, { TotalPartsCount: 3, PartNumberMarker: '0', NextPartNumberMarker: '3', MaxParts: 1000, IsTruncated: false, Parts: expected });
  const first = await attributes({ Key: 'mp-crc', ObjectAttributes: ['ObjectParts'], MaxParts: 2 });
  assert.deepEqual(first.ObjectParts, { TotalPartsCount: 3, PartNumberMarker: '0', NextPartNumberMarker: '2', MaxParts: 2, IsTruncated: true, Parts: expected.slice(0, 2) });
  const rest = await attributes({ Key: 'mp-crc', ObjectAttributes: ['ObjectParts'], MaxParts: 2, PartNumberMarker: first.ObjectParts!.NextPartNumberMarker! });
  assert.deepEqual(rest.ObjectParts, { TotalPartsCount: 3, PartNumberMarker: '2', NextPartNumberMarker: '3', MaxParts: 2, IsTruncated: false, Parts: expected.slice(2) });
  // Values that are no non-negative integer are ignored, as S3 ignores them: the whole list.
  const raw = await rawRequest(suite.server.url, {
    method: 'GET', path: `/${suite.bucket}/mp-crc?attributes`,
    headers: { 'x-amz-object-attributes': 'ObjectParts', 'x-amz-max-parts': 'many', 'x-amz-part-number-marker': '-1' },
  });
  assert.equal(raw.status, 200, raw.body);
  assert.match(raw.body, /<PartNumberMarker>0<\/PartNumberMarker><NextPartNumberMarker>3<\/NextPartNumberMarker><MaxParts>1000<\/MaxParts><IsTruncated>false<\/IsTruncated>/);
  assert.equal(raw.body.match(/<Part>/g)?.length, 3);
});

test('a multipart object without an additional checksum: ObjectParts has TotalPartsCount only (S3 lists no Part without one)', async () => {
  await multipart(bare!, 'mp-bare', [MIB5, 3]);
  const r = await attributes({ Key: 'mp-bare' });
  assert.deepEqual(r.ObjectParts, { TotalPartsCount: 2 });
  assert.equal(r.Checksum, undefined);
  assert.equal(r.ObjectSize, MIB5 + 3);
});

test('versions: versionId names one and answers x-amz-version-id; a delete marker as latest is 404 NoSuchKey with x-amz-delete-marker, named by id 405 MethodNotAllowed', async () => {
  const Bucket = bucketName('goa-versions');
  await suite.s3.send(new CreateBucketCommand({ Bucket }));
  await suite.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const v1 = await suite.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'one' }));
  const v2 = await suite.s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'second' }));
  const old = await attributes({ Bucket, Key: 'k', VersionId: v1.VersionId, ObjectAttributes: ['ObjectSize', 'ETag'] });
  assert.deepEqual([old.VersionId, old.ObjectSize, old.ETag], [v1.VersionId, 3, v1.ETag!.replace(/"/g, '')]);
  const latest = await attributes({ Bucket, Key: 'k', ObjectAttributes: ['ObjectSize'] });
  assert.deepEqual([latest.VersionId, latest.ObjectSize], [v2.VersionId, 6]);
  const marker = await suite.s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
  const gone = await failure(attributes({ Bucket, Key: 'k' }));
  assert.deepEqual([gone.status, gone.code], [404, 'NoSuchKey']);
  assert.equal(gone.headers['x-amz-delete-marker'], 'true');
  assert.equal(gone.headers['x-amz-version-id'], marker.VersionId);
  const named = await failure(attributes({ Bucket, Key: 'k', VersionId: marker.VersionId }));
  assert.deepEqual([named.status, named.code], [405, 'MethodNotAllowed']);
  assert.equal(named.headers['x-amz-delete-marker'], 'true');
  const stillThere = await attributes({ Bucket, Key: 'k', VersionId: v1.VersionId, ObjectAttributes: ['ObjectSize'] });
  assert.equal(stillThere.ObjectSize, 3);
  const unknown = await failure(attributes({ Bucket, Key: 'k', VersionId: '000000000001AAAAAAAAAAAAAAAAAAAA' }));
  assert.deepEqual([unknown.status, unknown.code], [404, 'NoSuchVersion']);
  const missing = await failure(attributes({ Key: 'never-written' }));
  assert.deepEqual([missing.status, missing.code], [404, 'NoSuchKey']);
});

test('SSE-C: the key is required as on HeadObject (missing 400 InvalidRequest, wrong 403 AccessDenied, malformed 400 InvalidArgument); with it the attributes and the parts', async () => {
  const put = await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'ssec', Body: 'customer secret', ...triple(KEY) }));
  const r = await attributes({ Key: 'ssec', ...triple(KEY) });
  assert.deepEqual([r.ETag, r.ObjectSize, r.StorageClass], [put.ETag!.replace(/"/g, ''), 15, 'STANDARD']);
  const missing = await failure(attributes({ Key: 'ssec' }));
  assert.deepEqual([missing.status, missing.code, missing.message], [400, 'InvalidRequest', 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.']);
  const wrong = await failure(attributes({ Key: 'ssec', ...triple(OTHER) }));
  assert.deepEqual([wrong.status, wrong.code, wrong.message], [403, 'AccessDenied', 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.']);
  const noKey = await failure(attributes({ Key: 'ssec', SSECustomerAlgorithm: 'AES256' }));
  assert.deepEqual([noKey.status, noKey.code, noKey.message], [400, 'InvalidArgument', 'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.']);
  const short = await failure(attributes({ Key: 'ssec', ...triple(randomBytes(16)) }));
  assert.deepEqual([short.status, short.code, short.message], [400, 'InvalidArgument', 'The secret key was invalid for the specified algorithm.']);
  // The SDK computes the key MD5 itself: a mismatching one goes by hand.
  const mismatch = await rawRequest(suite.server.url, {
    method: 'GET', path: `/${suite.bucket}/ssec?attributes`,
    headers: {
      'x-amz-object-attributes': 'ETag', 'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': b64(KEY), 'x-amz-server-side-encryption-customer-key-md5': md5b64(OTHER),
    },
  });
  assert.deepEqual([mismatch.status, errorCode(mismatch.body)], [400, 'InvalidArgument']);
  assert.match(mismatch.body, /<Message>The calculated MD5 hash of the key did not match the hash that was provided\.<\/Message>/);
  // S3's GetObjectAttributesOutput has no SSE member: nothing is echoed.
  const echoed = await rawRequest(suite.server.url, {
    method: 'GET', path: `/${suite.bucket}/ssec?attributes`,
    headers: {
      'x-amz-object-attributes': 'ETag', 'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': b64(KEY), 'x-amz-server-side-encryption-customer-key-md5': md5b64(KEY),
    },
  });
  assert.equal(echoed.status, 200, echoed.body);
  assert.deepEqual(Object.keys(echoed.headers).filter((h) => h.startsWith('x-amz-server-side-encryption')), []);
  // A key for an object stored without SSE-C is refused as HeadObject refuses it.
  const notApplicable = await failure(attributes({ Key: 'plain', ...triple(KEY) }));
  assert.deepEqual([notApplicable.status, notApplicable.code], [400, 'InvalidRequest']);
  // An SSE-C multipart object still lists its parts (with their checksums).
  const { parts } = await multipart(suite.s3, 'ssec-mp', [MIB5, 1], { ...triple(KEY), ChecksumAlgorithm: 'CRC32' });
  const mp = await attributes({ Key: 'ssec-mp', ObjectAttributes: ['ObjectParts'], ...triple(KEY) });
  assert.deepEqual(mp.ObjectParts?.Parts, parts.map((p) => ({ PartNumber: p.PartNumber, Size: p.size, ChecksumCRC32: p.ChecksumCRC32 })));
  const mpMissing = await failure(attributes({ Key: 'ssec-mp', ObjectAttributes: ['ObjectParts'] }));
  assert.deepEqual([mpMissing.status, mpMissing.code], [400, 'InvalidRequest']);
});

test('SSE-C over plain HTTP is refused by a server without --allow-insecure-sse-c', async () => {
  const r = await failure(strictS3!.send(new GetObjectAttributesCommand({ Bucket: strictBucket, Key: 'any', ObjectAttributes: ['ETag'], ...triple(KEY) })));
  assert.deepEqual([r.status, r.code, r.message], [400, 'InvalidRequest', 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.']);
});

test('x-amz-object-attributes missing or empty is 400 InvalidRequest; an unknown attribute 400 InvalidArgument naming it', async () => {
  const path = `/${suite.bucket}/plain?attributes`;
  for (const headers of [{}, { 'x-amz-object-attributes': '' }, { 'x-amz-object-attributes': ' , ' }] as Array<Record<string, string>>) {
    const r = await rawRequest(suite.server.url, { method: 'GET', path, headers });
    assert.equal(r.status, 400, JSON.stringify(headers));
    assert.equal(errorCode(r.body), 'InvalidRequest');
    assert.match(r.body, /<Message>The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty<\/Message>/);
  }
  const bad = await rawRequest(suite.server.url, { method: 'GET', path, headers: { 'x-amz-object-attributes': 'ETag,ETags' } });
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad.body), 'InvalidArgument');
  assert.match(bad.body, /<Message>Invalid attribute name specified\.<\/Message>/);
  assert.match(bad.body, /<ArgumentName>x-amz-object-attributes<\/ArgumentName><ArgumentValue>ETags<\/ArgumentValue>/);
  const sdk = await failure(attributes({ Key: 'plain', ObjectAttributes: ['Size' as never] }));
  assert.deepEqual([sdk.status, sdk.code, sdk.message], [400, 'InvalidArgument', 'Invalid attribute name specified.']);
});

test('conditional headers apply as on HeadObject: If-Match that fails is 412, If-None-Match that matches is 304', async () => {
  const path = `/${suite.bucket}/plain?attributes`;
  const base = { 'x-amz-object-attributes': 'ETag' };
  const failed = await rawRequest(suite.server.url, { method: 'GET', path, headers: { ...base, 'if-match': '"0123456789abcdef0123456789abcdef"' } });
  assert.deepEqual([failed.status, errorCode(failed.body)], [412, 'PreconditionFailed']);
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'plain' }));
  const same = await rawRequest(suite.server.url, { method: 'GET', path, headers: { ...base, 'if-none-match': head.ETag! } });
  assert.equal(same.status, 304);
});

test('permissions: s3:GetObject alone is 403 AccessDenied; with s3:GetObjectAttributes 200; a versionId needs s3:GetObjectVersion and s3:GetObjectVersionAttributes', async () => {
  const allow = (actions: string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: `arn:aws:s3:::${suite.bucket}/*` }] });
  const reader = clientFor(suite.server.url, await createUser(suite.server.url, 'goa-reader', { p: allow(['s3:GetObject']) }));
  const attrs = clientFor(suite.server.url, await createUser(suite.server.url, 'goa-attrs', { p: allow(['s3:GetObject', 's3:GetObjectAttributes']) }));
  const versions = clientFor(suite.server.url, await createUser(suite.server.url, 'goa-versions', { p: allow(['s3:GetObjectVersion', 's3:GetObjectVersionAttributes']) }));
  try {
    await refused(attributes({ Key: 'plain' }, reader), 'AccessDenied', 403);
    assert.equal((await attributes({ Key: 'plain', ObjectAttributes: ['ObjectSize'] }, attrs)).ObjectSize, 16);
    await refused(attributes({ Key: 'plain', VersionId: 'null' }, attrs), 'AccessDenied', 403);
    assert.equal((await attributes({ Key: 'plain', VersionId: 'null', ObjectAttributes: ['ObjectSize'] }, versions)).ObjectSize, 16);
  } finally {
    for (const c of [reader, attrs, versions]) c.destroy();
  }
});

test('the trail records GetObjectAttributes as a read data event, and never the customer key', async () => {
  const r = await attributes({ Key: 'ssec', ObjectAttributes: ['ETag'], ...triple(KEY) });
  const records = await recordsOf(suite.server.dataDir, r.$metadata.requestId!);
  assert.equal(records.length, 1);
  const record = records[0]!;
  assert.deepEqual([record['eventName'], record['readOnly'], record['managementEvent'], record['eventCategory']], ['GetObjectAttributes', true, false, 'Data']);
  assert.equal(record['requestParameters']['key'], 'ssec');
  const trail = trailBytes(suite.server.dataDir);
  for (const form of [KEY, Buffer.from(b64(KEY)), Buffer.from(KEY.toString('hex'))]) assert.equal(trail.indexOf(form), -1);
});

const BOTO3_SCRIPT = `
import base64, hashlib, json, sys, boto3
from botocore.config import Config
# botocore encodes the customer key and adds its MD5 for GetObject and HeadObject but not for GetObjectAttributes:
# the caller sends both, base64, itself.
bucket, key = sys.argv[1], sys.argv[2]
key_md5 = base64.b64encode(hashlib.md5(base64.b64decode(key)).digest()).decode()
c = boto3.client('s3', config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
out = {}
r = c.get_object_attributes(Bucket=bucket, Key='plain', ObjectAttributes=['ETag', 'ObjectSize', 'StorageClass'])
out['plain'] = {'ETag': r.get('ETag'), 'ObjectSize': r.get('ObjectSize'), 'StorageClass': r.get('StorageClass')}
r = c.get_object_attributes(Bucket=bucket, Key='ssec', ObjectAttributes=['ETag', 'ObjectSize'], SSECustomerAlgorithm='AES256', SSECustomerKey=key, SSECustomerKeyMD5=key_md5)
out['ssec'] = {'ETag': r.get('ETag'), 'ObjectSize': r.get('ObjectSize')}
try:
    c.get_object_attributes(Bucket=bucket, Key='ssec', ObjectAttributes=['ETag'])
    out['ssecMissing'] = 'succeeded'
except c.exceptions.ClientError as e:
    out['ssecMissing'] = [e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error'].get('Code'), e.response['Error'].get('Message')]
r = c.get_object_attributes(Bucket=bucket, Key='mp-crc', ObjectAttributes=['ObjectParts'], MaxParts=1)
out['parts'] = r['ObjectParts']
print(json.dumps(out))
`;

test('boto3 get_object_attributes: a plain object, an SSE-C object with and without its key, a page of parts', { skip: HAS_BOTO3 ? false : BOTO3_MISSING }, async () => {
  const head = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'plain' }));
  const ssec = await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'ssec', ...triple(KEY) }));
  const run = await python(suite.server, BOTO3_SCRIPT, [suite.bucket, b64(KEY)]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(out['plain'], { ETag: head.ETag!.replace(/"/g, ''), ObjectSize: 16, StorageClass: 'STANDARD' });
  assert.deepEqual(out['ssec'], { ETag: ssec.ETag!.replace(/"/g, ''), ObjectSize: 15 });
  assert.deepEqual(out['ssecMissing'], [400, 'InvalidRequest', 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.']);
  const parts = out['parts'] as { TotalPartsCount: number; MaxParts: number; IsTruncated: boolean; NextPartNumberMarker: number; Parts: Array<{ PartNumber: number; Size: number }> };
  assert.deepEqual([parts.TotalPartsCount, parts.MaxParts, parts.IsTruncated, parts.NextPartNumberMarker, parts.Parts.map((p) => [p.PartNumber, p.Size])], [3, 1, true, 1, [[1, MIB5]]]);
});
