/** boto3, unchanged: threaded transfers, and presigned URLs that plain curl can use until they expire. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { BOTO3_MISSING, HAS_BOTO3, python, run } from '../helpers/python-tools.js';

let server: TestServer;
const work = mkdtempSync(join(tmpdir(), 'strongroom-boto3-'));
const bucket = bucketName('boto3');

before(async () => {
  if (!HAS_BOTO3) return;
  server = await startServer();
  const s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared/report.txt', Body: 'quarterly numbers' }));
  s3.destroy();
});
after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const client = `
import boto3, os, sys
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
`;

test('upload_file / download_file of 30 MiB with 4 threads and 8 MiB chunks', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const src = join(work, 'thirty.bin');
  writeFileSync(src, randomBytes(30 * 1024 * 1024));
  const r = await python(server, `${client}
from boto3.s3.transfer import TransferConfig
cfg = TransferConfig(multipart_threshold=8*1024*1024, multipart_chunksize=8*1024*1024, max_concurrency=4, use_threads=True)
s3.upload_file(sys.argv[1], sys.argv[2], 'thirty.bin', Config=cfg)
s3.download_file(sys.argv[2], 'thirty.bin', sys.argv[1] + '.back', Config=cfg)
head = s3.head_object(Bucket=sys.argv[2], Key='thirty.bin')
print(head['ServerSideEncryption'], head['ETag'])
`, [src, bucket]);
  assert.equal(r.code, 0, r.stderr);
  const [sse, etag] = r.stdout.trim().split(' ');
  assert.equal(sse, 'AES256');
  assert.match(etag!, /-4"$/);
  const digest = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  assert.equal(digest(`${src}.back`), digest(src));
});

test('a boto3 presigned GET works with plain curl, then answers 403 "Request has expired"', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(server, `${client}
print(s3.generate_presigned_url('get_object', Params={'Bucket': sys.argv[1], 'Key': 'shared/report.txt'}, ExpiresIn=10))
`, [bucket]);
  assert.equal(r.code, 0, r.stderr);
  const url = r.stdout.trim();
  const out = join(work, 'curl.out');
  const curl = (u: string) => run('curl', ['-s', '-o', out, '-w', '%{http_code}', u], process.env);
  const first = await curl(url);
  assert.equal(first.stdout, '200');
  assert.equal(readFileSync(out, 'utf8'), 'quarterly numbers');
  // Wait until just past the URL's own expiry (python start-up on a loaded machine can take seconds, so a short ExpiresIn flaked).
  const expires = Number(new URL(url).searchParams.get('Expires'));
  assert.ok(expires > 0, url);
  await sleep(Math.max(0, expires * 1000 - Date.now()) + 1500);
  const late = await curl(url);
  assert.equal(late.stdout, '403');
  const body = readFileSync(out, 'utf8');
  assert.match(body, /<Code>AccessDenied<\/Code>/);
  assert.match(body, /Request has expired/);
  // A tampered signature is refused even before expiry.
  const fresh = (await python(server, `${client}
print(s3.generate_presigned_url('get_object', Params={'Bucket': sys.argv[1], 'Key': 'shared/report.txt'}, ExpiresIn=300))
`, [bucket])).stdout.trim();
  // boto3's default presigned URLs are SigV2 (Signature=…); flip the first signature character.
  const tampered = fresh.replace(/([?&](?:X-Amz-)?Signature=)(.)/, (_m, p: string, c: string) => `${p}${c === 'A' ? 'B' : 'A'}`);
  assert.notEqual(tampered, fresh);
  assert.equal((await curl(tampered)).stdout, '403');
  assert.match(readFileSync(out, 'utf8'), /SignatureDoesNotMatch/);
});

test('a boto3 presigned PUT works with requests', async (t) => {
  if (!HAS_BOTO3) return t.skip(BOTO3_MISSING);
  const r = await python(server, `${client}
import requests
url = s3.generate_presigned_url('put_object', Params={'Bucket': sys.argv[1], 'Key': 'uploaded.txt'}, ExpiresIn=60)
resp = requests.put(url, data=b'sent by requests')
print(resp.status_code, resp.headers.get('x-amz-server-side-encryption'))
print(s3.get_object(Bucket=sys.argv[1], Key='uploaded.txt')['Body'].read().decode())
`, [bucket]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['200 AES256', 'sent by requests']);
});
