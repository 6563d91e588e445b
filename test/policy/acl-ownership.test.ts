/** Object Ownership, Block Public Access, ACLs and --legacy-bucket-defaults: x-amz-acl public-read and anonymous (unsigned) reads on legacy, default and ObjectWriter buckets. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketOwnershipControlsCommand, DeletePublicAccessBlockCommand, GetBucketAclCommand,
  GetBucketOwnershipControlsCommand, GetObjectAclCommand, GetPublicAccessBlockCommand, HeadObjectCommand,
  PutBucketAclCommand, PutBucketOwnershipControlsCommand, PutBucketPolicyCommand, PutObjectAclCommand, PutObjectCommand,
  PutPublicAccessBlockCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { refused } from '../helpers/policy-rig.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
let modern: TestServer;
let legacy: TestServer;
let s3: S3Client;
let s3Legacy: S3Client;

before(async () => {
  [modern, legacy] = await Promise.all([startServer(), startServer({ args: ['--legacy-bucket-defaults'] })]);
  s3 = s3Client(modern);
  s3Legacy = s3Client(legacy);
});
after(async () => {
  s3?.destroy();
  s3Legacy?.destroy();
  await Promise.all([modern?.stop(), legacy?.stop()]);
});

async function newBucket(client: S3Client, label: string, ownership?: 'ObjectWriter' | 'BucketOwnerPreferred' | 'BucketOwnerEnforced'): Promise<string> {
  const bucket = bucketName(label);
  await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: ownership }));
  return bucket;
}

/** An unsigned request, as a browser or curl sends it. */
const anonymous = (server: TestServer, path: string) => fetch(`${server.url}${path}`);

test('--legacy-bucket-defaults: the server says so at start; x-amz-acl public-read on a PUT makes an anonymous GET work', async () => {
  assert.match(legacy.stderr(), /--legacy-bucket-defaults: new buckets get Object Ownership ObjectWriter/);
  assert.doesNotMatch(modern.stderr(), /legacy-bucket-defaults/);
  const bucket = await newBucket(s3Legacy, 'legacy');
  await s3Legacy.send(new PutObjectCommand({ Bucket: bucket, Key: 'public.txt', Body: 'for everyone', ACL: 'public-read' }));
  await s3Legacy.send(new PutObjectCommand({ Bucket: bucket, Key: 'private.txt', Body: 'mine' }));
  const res = await anonymous(legacy, `/${bucket}/public.txt`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'for everyone');
  assert.equal((await anonymous(legacy, `/${bucket}/private.txt`)).status, 403);
  // READ on an object does not list the bucket.
  assert.equal((await anonymous(legacy, `/${bucket}?list-type=2`)).status, 403);
  const acl = await s3Legacy.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'public.txt' }));
  assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === ALL_USERS && g.Permission === 'READ'), JSON.stringify(acl.Grants));
  assert.ok(acl.Grants?.some((g) => g.Grantee?.ID === acl.Owner?.ID && g.Permission === 'FULL_CONTROL'));
  // Pre-2023 buckets have neither setting.
  await refused(s3Legacy.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })), 'OwnershipControlsNotFoundError', 404);
  await refused(s3Legacy.send(new GetPublicAccessBlockCommand({ Bucket: bucket })), 'NoSuchPublicAccessBlockConfiguration', 404);
});

test('a default bucket: BucketOwnerEnforced and all four blocks on; a public-read PUT is 400 AccessControlListNotSupported and stores nothing', async () => {
  const bucket = await newBucket(s3, 'enforced');
  assert.equal((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'BucketOwnerEnforced');
  assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration,
    { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  await refused(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'x', ACL: 'public-read' })), 'AccessControlListNotSupported', 400);
  await refused(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'x', GrantRead: `uri="${ALL_USERS}"` })), 'AccessControlListNotSupported', 400);
  await refused(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a.txt' })), 'NotFound', 404);
  // bucket-owner-full-control is what ACL-disabled buckets accept.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b.txt', Body: 'x', ACL: 'bucket-owner-full-control' }));
  await refused(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'b.txt', ACL: 'public-read' })), 'AccessControlListNotSupported', 400);
  await refused(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' })), 'AccessControlListNotSupported', 400);
  assert.equal((await anonymous(modern, `/${bucket}/b.txt`)).status, 403);
  // CreateBucket with a public ACL and the default ownership.
  await refused(s3.send(new CreateBucketCommand({ Bucket: bucketName('enforced-acl'), ACL: 'public-read' })), 'InvalidBucketAclWithObjectOwnership', 400);
});

test('an ObjectWriter bucket with Block Public Access on: a public-read PUT is 403 AccessDenied (BlockPublicAcls); with the block deleted it works; IgnorePublicAcls hides it again', async () => {
  const bucket = await newBucket(s3, 'writer', 'ObjectWriter');
  assert.equal((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'ObjectWriter');
  await refused(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'x', ACL: 'public-read' })), 'AccessDenied', 403);
  await refused(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a.txt' })), 'NotFound', 404);
  // A private ACL is not public: accepted.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'p.txt', Body: 'x', ACL: 'private' }));

  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  await refused(s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })), 'NoSuchPublicAccessBlockConfiguration', 404);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'open', ACL: 'public-read' }));
  assert.equal((await anonymous(modern, `/${bucket}/a.txt`)).status, 200);

  await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
  assert.deepEqual((await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration,
    { BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false });
  assert.equal((await anonymous(modern, `/${bucket}/a.txt`)).status, 403);
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
  assert.equal((await anonymous(modern, `/${bucket}/a.txt`)).status, 200);

  // BucketOwnerEnforced: ACLs no longer count.
  await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  assert.equal((await anonymous(modern, `/${bucket}/a.txt`)).status, 403);
  await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: bucket }));
  await refused(s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })), 'OwnershipControlsNotFoundError', 404);
  assert.equal((await anonymous(modern, `/${bucket}/a.txt`)).status, 200);
});

const publicPolicy = (bucket: string) => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
});

test('a public bucket policy on a default bucket is 403 AccessDenied (BlockPublicPolicy); RestrictPublicBuckets makes a stored one grant anonymous nothing', async () => {
  const bucket = await newBucket(s3, 'bpp');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'x' }));
  await refused(s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy(bucket) })), 'AccessDenied', 403);
  await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicPolicy: false, RestrictPublicBuckets: true } }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy(bucket) }));
  assert.equal((await anonymous(modern, `/${bucket}/a.txt`)).status, 403);
  await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicPolicy: true } }));
  assert.equal((await anonymous(modern, `/${bucket}/a.txt`)).status, 200);
});

test('bucket ACLs: a public-read bucket ACL lets anonymous list a legacy bucket; x-amz-grant-read uri= on a PUT; canned and grant headers together are InvalidRequest', async () => {
  const bucket = await newBucket(s3Legacy, 'bucket-acl');
  await s3Legacy.send(new PutObjectCommand({ Bucket: bucket, Key: 'g.txt', Body: 'granted', GrantRead: `uri="${ALL_USERS}"` }));
  assert.equal((await anonymous(legacy, `/${bucket}/g.txt`)).status, 200);
  await refused(s3Legacy.send(new PutObjectCommand({ Bucket: bucket, Key: 'h.txt', Body: 'x', ACL: 'public-read', GrantRead: `uri="${ALL_USERS}"` })), 'InvalidRequest', 400);
  assert.equal((await anonymous(legacy, `/${bucket}?list-type=2`)).status, 403);
  await s3Legacy.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
  const acl = await s3Legacy.send(new GetBucketAclCommand({ Bucket: bucket }));
  assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === ALL_USERS && g.Permission === 'READ'));
  const list = await anonymous(legacy, `/${bucket}?list-type=2`);
  assert.equal(list.status, 200);
  assert.match(await list.text(), /<Key>g\.txt<\/Key>/);
  // A bucket ACL granting others blocks BucketOwnerEnforced until it is removed.
  await refused(s3Legacy.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } })), 'InvalidBucketAclWithObjectOwnership', 400);
  await s3Legacy.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' }));
  assert.equal((await anonymous(legacy, `/${bucket}?list-type=2`)).status, 403);
  // PutObjectAcl with an AccessControlPolicy body.
  await s3Legacy.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'g.txt', AccessControlPolicy: { Owner: acl.Owner, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: acl.Owner!.ID }, Permission: 'FULL_CONTROL' }] } }));
  assert.equal((await anonymous(legacy, `/${bucket}/g.txt`)).status, 403);
});
