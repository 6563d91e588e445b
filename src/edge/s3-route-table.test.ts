/** The route table against the request lines of the AWS S3 API reference (and botocore's model of them). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchS3Route, S3_ROUTES, type S3Target } from './s3-route-table.js';
import { resolveBucketAndKey } from './bucket-addressing.js';

/** [request line as in the API reference, headers present, expected operation]. */
const DOC_EXAMPLES: ReadonlyArray<readonly [string, string[], string]> = [
  ['GET / HTTP/1.1', [], 'ListBuckets'],
  ['PUT /examplebucket HTTP/1.1', [], 'CreateBucket'],
  ['HEAD /examplebucket HTTP/1.1', [], 'HeadBucket'],
  ['DELETE /examplebucket HTTP/1.1', [], 'DeleteBucket'],
  ['GET /examplebucket?location HTTP/1.1', [], 'GetBucketLocation'],
  ['GET /examplebucket?versioning HTTP/1.1', [], 'GetBucketVersioning'],
  ['PUT /examplebucket?versioning HTTP/1.1', [], 'PutBucketVersioning'],
  ['PUT /examplebucket?object-lock HTTP/1.1', [], 'PutObjectLockConfiguration'],
  ['GET /examplebucket?object-lock HTTP/1.1', [], 'GetObjectLockConfiguration'],
  ['PUT /examplebucket/my-image.jpg?retention HTTP/1.1', [], 'PutObjectRetention'],
  ['GET /examplebucket/my-image.jpg?retention HTTP/1.1', [], 'GetObjectRetention'],
  ['PUT /examplebucket/my-image.jpg?legal-hold HTTP/1.1', [], 'PutObjectLegalHold'],
  ['GET /examplebucket/my-image.jpg?legal-hold HTTP/1.1', [], 'GetObjectLegalHold'],
  ['PUT /examplebucket?encryption HTTP/1.1', [], 'PutBucketEncryption'],
  ['GET /examplebucket?encryption HTTP/1.1', [], 'GetBucketEncryption'],
  ['DELETE /examplebucket?encryption HTTP/1.1', [], 'DeleteBucketEncryption'],
  ['PUT /examplebucket/my-image.jpg?encryption HTTP/1.1', [], 'UpdateObjectEncryption'],
  ['PUT /examplebucket?policy HTTP/1.1', [], 'PutBucketPolicy'],
  ['GET /examplebucket?policy HTTP/1.1', [], 'GetBucketPolicy'],
  ['DELETE /examplebucket?policy HTTP/1.1', [], 'DeleteBucketPolicy'],
  ['GET /examplebucket?policyStatus HTTP/1.1', [], 'GetBucketPolicyStatus'],
  ['PUT /examplebucket?cors HTTP/1.1', [], 'PutBucketCors'],
  ['GET /examplebucket?cors HTTP/1.1', [], 'GetBucketCors'],
  ['DELETE /examplebucket?cors HTTP/1.1', [], 'DeleteBucketCors'],
  ['PUT /examplebucket?tagging HTTP/1.1', [], 'PutBucketTagging'],
  ['GET /examplebucket?tagging HTTP/1.1', [], 'GetBucketTagging'],
  ['DELETE /examplebucket?tagging HTTP/1.1', [], 'DeleteBucketTagging'],
  ['PUT /examplebucket?ownershipControls HTTP/1.1', [], 'PutBucketOwnershipControls'],
  ['GET /examplebucket?ownershipControls HTTP/1.1', [], 'GetBucketOwnershipControls'],
  ['DELETE /examplebucket?ownershipControls HTTP/1.1', [], 'DeleteBucketOwnershipControls'],
  ['PUT /examplebucket?publicAccessBlock HTTP/1.1', [], 'PutPublicAccessBlock'],
  ['GET /examplebucket?publicAccessBlock HTTP/1.1', [], 'GetPublicAccessBlock'],
  ['DELETE /examplebucket?publicAccessBlock HTTP/1.1', [], 'DeletePublicAccessBlock'],
  ['PUT /examplebucket?acl HTTP/1.1', [], 'PutBucketAcl'],
  ['GET /examplebucket?acl HTTP/1.1', [], 'GetBucketAcl'],
  ['PUT /examplebucket/my-image.jpg?acl HTTP/1.1', [], 'PutObjectAcl'],
  ['GET /examplebucket/my-image.jpg?acl HTTP/1.1', [], 'GetObjectAcl'],
  ['PUT /examplebucket/my-image.jpg HTTP/1.1', [], 'PutObject'],
  ['GET /examplebucket/my-image.jpg HTTP/1.1', [], 'GetObject'],
  ['GET /examplebucket/my-image.jpg?partNumber=2 HTTP/1.1', [], 'GetObject'],
  ['GET /examplebucket/my-image.jpg?response-content-type=text/plain HTTP/1.1', [], 'GetObject'],
  ['HEAD /examplebucket/my-image.jpg HTTP/1.1', [], 'HeadObject'],
  ['GET /examplebucket/my-image.jpg?attributes HTTP/1.1', ['x-amz-object-attributes'], 'GetObjectAttributes'],
  ['GET /examplebucket/my-image.jpg?attributes&versionId=3HL4kqtJvjVBH40Nrjfkd HTTP/1.1', ['x-amz-object-attributes'], 'GetObjectAttributes'],
  ['DELETE /examplebucket/my-image.jpg HTTP/1.1', [], 'DeleteObject'],
  ['POST /examplebucket?delete HTTP/1.1', [], 'DeleteObjects'],
  ['GET /examplebucket?prefix=photos/&delimiter=/ HTTP/1.1', [], 'ListObjects'],
  ['GET /examplebucket?list-type=2&max-keys=2 HTTP/1.1', [], 'ListObjectsV2'],
  ['PUT /examplebucket/copy.jpg HTTP/1.1', ['x-amz-copy-source'], 'CopyObject'],
  ['PUT /examplebucket/example?tagging HTTP/1.1', [], 'PutObjectTagging'],
  ['GET /examplebucket/example?tagging HTTP/1.1', [], 'GetObjectTagging'],
  ['DELETE /examplebucket/example?tagging HTTP/1.1', [], 'DeleteObjectTagging'],
  ['POST /examplebucket/example-object?uploads HTTP/1.1', [], 'CreateMultipartUpload'],
  ['PUT /examplebucket/my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR HTTP/1.1', [], 'UploadPart'],
  ['PUT /examplebucket/newobject?partNumber=2&uploadId=VCVsb2FkIElE HTTP/1.1', ['x-amz-copy-source'], 'UploadPartCopy'],
  ['POST /examplebucket/example-object?uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIRRwbG9hZA HTTP/1.1', [], 'CompleteMultipartUpload'],
  ['DELETE /examplebucket/example-object?uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ HTTP/1.1', [], 'AbortMultipartUpload'],
  ['GET /examplebucket/example-object?uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA&max-parts=2&part-number-marker=1 HTTP/1.1', [], 'ListParts'],
  ['GET /examplebucket?uploads&max-uploads=3 HTTP/1.1', [], 'ListMultipartUploads'],
  ['GET /examplebucket?versions HTTP/1.1', [], 'ListObjectVersions'],
  ['GET /examplebucket?versions&key-marker=key2&version-id-marker=null&max-keys=3 HTTP/1.1', [], 'ListObjectVersions'],
  ['POST /examplebucket HTTP/1.1', [], 'PostObject'],
];

function route(line: string, headers: string[]) {
  const [method, target] = line.split(' ') as [string, string];
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  const { bucket, key } = resolveBucketAndKey(path, 'localhost', undefined);
  const kind: S3Target = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';
  return matchS3Route(method, kind, query, (h) => headers.includes(h));
}

test('every request line from the AWS API reference routes to its operation', () => {
  for (const [line, headers, operation] of DOC_EXAMPLES) {
    const m = route(line, headers);
    assert.equal(m.kind, 'route', line);
    assert.equal(m.kind === 'route' && m.route.operation, operation, line);
  }
});

test('every route in the table is exercised by a documented request line', () => {
  const covered = new Set(DOC_EXAMPLES.map(([, , op]) => op));
  for (const r of S3_ROUTES) assert.ok(covered.has(r.operation), `${r.operation} has no AWS example`);
});

test('subresources we do not implement are NotImplemented, never the plain operation', () => {
  for (const line of ['GET /examplebucket?lifecycle HTTP/1.1', 'PUT /examplebucket?website HTTP/1.1', 'GET /examplebucket?logging HTTP/1.1',
    'GET /examplebucket?replication HTTP/1.1', 'GET /examplebucket/photo.jpg?uploadId=x&acl HTTP/1.1', 'DELETE /examplebucket/photo.jpg?retention HTTP/1.1',
    // S3 Metadata table configuration (2025): a PUT on the bucket must not become a CreateBucket that answers 200.
    'PUT /examplebucket?metadataInventoryTable HTTP/1.1', 'PUT /examplebucket?metadataJournalTable HTTP/1.1']) {
    assert.equal(route(line, []).kind, 'not-implemented', line);
  }
});

test('ordinary query parameters do not change the operation', () => {
  const m = route('GET /examplebucket/a?X-Amz-Signature=abc&foo=bar HTTP/1.1', []);
  assert.equal(m.kind === 'route' && m.route.operation, 'GetObject');
});

test('methods the resource does not support are MethodNotAllowed', () => {
  assert.equal(route('POST / HTTP/1.1', []).kind, 'method-not-allowed');
  assert.equal(route('PATCH /examplebucket/a HTTP/1.1', []).kind, 'method-not-allowed');
});

test('virtual-hosted-style addressing takes the bucket from the Host', () => {
  assert.deepEqual(resolveBucketAndKey('/photos/a%20b.jpg', 'examplebucket.s3.local:9000', 's3.local'), { bucket: 'examplebucket', key: 'photos/a b.jpg', virtualHosted: true });
  assert.deepEqual(resolveBucketAndKey('/', 'examplebucket.s3.local', 's3.local'), { bucket: 'examplebucket', key: undefined, virtualHosted: true });
  assert.deepEqual(resolveBucketAndKey('/examplebucket/k%2Bplus+space', 's3.local', 's3.local'), { bucket: 'examplebucket', key: 'k+plus+space', virtualHosted: false });
});
