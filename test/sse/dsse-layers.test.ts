/** DSSE-KMS is two layers of AES-256-GCM under two independent data keys: checked on the stored bytes with pyca/cryptography; multipart, part GETs, UploadPartCopy and copies to and from DSSE-KMS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand,
  UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { CreateKeyCommand, DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { serverSuite } from '../helpers/suite.js';
import { blobPath, objectParts } from '../helpers/data-dir.js';
import { run } from '../helpers/python-tools.js';
import { toolPresent } from '../helpers/required-tools.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY } from '../helpers/start-server.js';
import { decodeRecord } from '../../src/sse/sealed-key-record.js';

const HAS_PYCA = toolPresent('python3', ['-c', 'from cryptography.hazmat.primitives.ciphers.aead import AESGCM'], 'python3 with pyca/cryptography is not installed (apt-get install python3-cryptography)');
const suite = serverSuite('dsse-layers');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function kms(): KMSClient {
  return new KMSClient({ endpoint: suite.server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
}

async function body(key: string, extra: { Range?: string; PartNumber?: number } = {}): Promise<Buffer> {
  const r = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key, ...extra }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

/**
 * FORMAT.md's DSSE-KMS layout, written again in Python with pyca/cryptography: opens the record's two data
 * keys with the two KEKs, then every package of the blob layer by layer, and says what each key alone gives.
 */
const OPEN_TWO_LAYERS = `
import hashlib, hmac, json, struct, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.exceptions import InvalidTag
kek1, kek2, rec = (bytes.fromhex(a) for a in sys.argv[1:4])
path, bucket, key, write_id = sys.argv[4:8]
lp = lambda b: struct.pack('>I', len(b)) + b
fields, at = [], 3
while at < len(rec):
    n = struct.unpack('>I', rec[at:at + 4])[0]; fields.append((at, rec[at + 4:at + 4 + n])); at += 4 + n
assert rec[:3] == bytes([4, 3, 8]) and len(fields) == 8 and fields[4][1] == b'\\x02', 'not a two-layer DSSE-KMS record'
salt = fields[5][1]
aad = rec[:fields[6][0]] + lp(b'strongroom/dsse-kms/v4') + lp(bucket.encode()) + lp(key.encode()) + lp(write_id.encode()) + lp(b'1')
rk = lambda kek, i: hmac.new(kek, b'strongroom/dsse-kms/record-key/v4/layer-%d' % i + salt, hashlib.sha256).digest()
k1 = AESGCM(rk(kek1, 1)).decrypt(b'\\0' * 12, fields[6][1], aad)
k2 = AESGCM(rk(kek2, 2)).decrypt(b'\\0' * 12, fields[7][1], aad)
blob = open(path, 'rb').read()
h1, h2 = b'SRB\\x01\\0\\0\\0\\0', b'SRB\\x02\\0\\0\\0\\0'
assert blob[:8] == h2, 'not a format-2 blob'
n = (len(blob) - 8 + 65567) // 65568
plain, layer1, key1_alone_opened = b'', b'', False
for i in range(n):
    pkg = blob[8 + i * 65568: 8 + (i + 1) * 65568]
    nonce = b'\\0' * 7 + struct.pack('>I', i) + (b'\\x01' if i == n - 1 else b'\\x00')
    try:
        AESGCM(k1).decrypt(nonce, pkg, h2); key1_alone_opened = True
    except InvalidTag:
        pass
    inner = AESGCM(k2).decrypt(nonce, pkg, h2)
    layer1 += inner[:-16]
    plain += AESGCM(k1).decrypt(nonce, inner, h1)
print(json.dumps({'plain': hashlib.sha256(plain).hexdigest(), 'layer1': layer1[:4096].hex(), 'key1Alone': key1_alone_opened, 'packages': n}))
`;

test('DSSE-KMS stores two layers: pyca/cryptography opens the blob with data key 2 to a layer that is still ciphertext, which only data key 1 opens; key 1 alone opens nothing', { skip: !HAS_PYCA && 'python3 with pyca/cryptography is not installed' }, async () => {
  const key = (await kms().send(new CreateKeyCommand({ Description: 'dsse layers' }))).KeyMetadata!;
  const data = randomBytes(150_000);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'layers', Body: data, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: key.KeyId }));
  const [part] = objectParts(suite.server.dataDir, suite.bucket, 'layers');
  assert.ok(part && part.blob_id);
  const record = decodeRecord(part.sealed_key);
  assert.ok(record.kind === 'dsse-kms');
  // The two KEKs, asked of the KMS as S3 does (same context); everything after is Python's.
  const context = JSON.parse(record.context) as Record<string, string>;
  const keks = [];
  for (const blob of record.ciphertextBlobs) keks.push(Buffer.from((await kms().send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }))).Plaintext!));
  assert.ok(!keks[0]!.equals(keks[1]!), 'two independent KMS data keys');
  const r = await run('python3', ['-c', OPEN_TWO_LAYERS, keks[0]!.toString('hex'), keks[1]!.toString('hex'), part.sealed_key.toString('hex'),
    blobPath(suite.server.dataDir, part.blob_id), suite.bucket, 'layers', part.write_id], process.env);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { plain: string; layer1: string; key1Alone: boolean; packages: number };
  assert.equal(out.packages, 3);
  assert.equal(out.plain, sha256(data), 'both layers opened give the object');
  assert.equal(out.key1Alone, false, 'data key 1 does not open the stored bytes');
  const layer1 = Buffer.from(out.layer1, 'hex');
  assert.equal(layer1.length, 4096);
  assert.ok(!layer1.equals(data.subarray(0, 4096)) && data.indexOf(layer1.subarray(0, 32)) === -1, 'data key 2 alone reveals only ciphertext');
  assert.equal(readFileSync(blobPath(suite.server.dataDir, part.blob_id)).length, 8 + data.length + 3 * 32);
});

test('DSSE-KMS multipart with UploadPartCopy from a DSSE-KMS source range, GET ?partNumber, ranges across parts, and copies to and from DSSE-KMS (in place too)', async () => {
  const key = (await kms().send(new CreateKeyCommand({ Description: 'dsse multipart' }))).KeyMetadata!;
  const source = randomBytes(200_000);
  await suite.s3.send(new PutObjectCommand({ Bucket: suite.bucket, Key: 'dsse-src', Body: source, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: key.KeyId }));
  const created = await suite.s3.send(new CreateMultipartUploadCommand({ Bucket: suite.bucket, Key: 'dsse-mp', ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: key.Arn }));
  assert.equal(created.ServerSideEncryption, 'aws:kms:dsse');
  const first = randomBytes(5 * 1024 * 1024 + 7);
  const p1 = await suite.s3.send(new UploadPartCommand({ Bucket: suite.bucket, Key: 'dsse-mp', UploadId: created.UploadId, PartNumber: 1, Body: first }));
  const p2 = await suite.s3.send(new UploadPartCopyCommand({ Bucket: suite.bucket, Key: 'dsse-mp', UploadId: created.UploadId, PartNumber: 2, CopySource: `${suite.bucket}/dsse-src`, CopySourceRange: 'bytes=65530-140009' }));
  await suite.s3.send(new CompleteMultipartUploadCommand({ Bucket: suite.bucket, Key: 'dsse-mp', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] } }));
  const second = source.subarray(65530, 140010);
  const whole = Buffer.concat([first, second]);
  assert.equal(sha256(await body('dsse-mp')), sha256(whole));
  assert.ok((await body('dsse-mp', { PartNumber: 2 })).equals(second));
  assert.equal(sha256(await body('dsse-mp', { PartNumber: 1 })), sha256(first));
  const cross = `bytes=${first.length - 5}-${first.length + 70_000}`;
  assert.ok((await body('dsse-mp', { Range: cross })).equals(whole.subarray(first.length - 5, first.length + 70_001)));
  for (const part of objectParts(suite.server.dataDir, suite.bucket, 'dsse-mp')) {
    const record = decodeRecord(part.sealed_key);
    assert.ok(record.kind === 'dsse-kms' && record.dataLayers === 2, `part ${part.part_number} has two data layers`);
    assert.equal(readFileSync(blobPath(suite.server.dataDir, part.blob_id)).subarray(0, 4).toString('hex'), '53524202');
  }

  await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 'dsse-to-s3', CopySource: `${suite.bucket}/dsse-src`, ServerSideEncryption: 'AES256' }));
  assert.ok((await body('dsse-to-s3')).equals(source));
  const back = await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 's3-to-dsse', CopySource: `${suite.bucket}/dsse-to-s3`, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: key.KeyId }));
  assert.equal(back.ServerSideEncryption, 'aws:kms:dsse');
  assert.ok((await body('s3-to-dsse')).equals(source));
  // Onto itself, changing only the encryption: a two-layer blob has no single data key to reseal, so it is rewritten.
  const inPlace = await suite.s3.send(new CopyObjectCommand({ Bucket: suite.bucket, Key: 's3-to-dsse', CopySource: `${suite.bucket}/s3-to-dsse`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.KeyId }));
  assert.equal(inPlace.ServerSideEncryption, 'aws:kms');
  assert.equal((await suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 's3-to-dsse' }))).ServerSideEncryption, 'aws:kms');
  assert.ok((await body('s3-to-dsse')).equals(source));
});
