/** Every row of SSE-REFERENCE.md's SSE-C error table, with its exact status, code and message, through @aws-sdk/client-s3 and through boto3. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand,
  PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { serverSuite } from '../helpers/suite.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { BOTO3_MISSING, HAS_BOTO3, python } from '../helpers/python-tools.js';


/** A second server as shipped: no --allow-insecure-sse-c, so SSE-C over plain HTTP is refused. */
let strict: TestServer | undefined;
let strictS3: S3Client | undefined;
const strictBucket = bucketName('sse-c-strict');
/** A bucket left as new buckets are made: it blocks SSE-C writes. */
const blockingBucket = bucketName('sse-c-blocking');

const KEY = randomBytes(32);
const OTHER = randomBytes(32);
const b64 = (b: Buffer) => b.toString('base64');
const md5b64 = (b: Buffer) => createHash('md5').update(b).digest('base64');
let sseUpload = '';
let plainUpload = '';

// One setup hook (Node 20 does not order separate root-level before hooks): the suite's.
const suite = serverSuite('sse-c-errors', async (s) => {
  await s.s3.send(new PutBucketEncryptionCommand({ Bucket: s.bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  strict = await startServer();
  strictS3 = s3Client(strict);
  await strictS3.send(new CreateBucketCommand({ Bucket: strictBucket }));
  // Unblocked, so the refusal seen is the secure-connection one (a blocking bucket answers its 403 first).
  await strictS3.send(new PutBucketEncryptionCommand({ Bucket: strictBucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  const { s3, bucket } = s;
  await s3.send(new CreateBucketCommand({ Bucket: blockingBucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ssec-object', Body: 'secret', SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64(KEY) }));
  sseUpload = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'ssec-upload', SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64(KEY) }))).UploadId!;
  plainUpload = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'plain-upload' }))).UploadId!;
}, { args: ['--allow-insecure-sse-c'] });


after(async () => {
  strictS3?.destroy();
  await strict?.stop();
});

type Op = 'PutObject' | 'GetObject' | 'HeadObject' | 'CopyObject' | 'UploadPart';

/** One row: what is sent (client parameters, then header edits before signing) and the exact answer. */
interface Row {
  readonly name: string;
  readonly op: Op;
  readonly server?: 'strict';
  readonly bucket?: 'blocking';
  readonly key: string;
  readonly params: Record<string, string>;
  readonly setHeaders?: Record<string, string>;
  readonly dropHeaders?: readonly string[];
  readonly uploadId?: 'sse' | 'plain';
  readonly copyFrom?: string;
  /** status, code, message (undefined: the table gives none; HEAD answers carry no body). */
  readonly expect: readonly [number, string, string | undefined];
}

const triple = (k: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64(k) });
const MD5_HEADER = 'x-amz-server-side-encryption-customer-key-md5';
const ROWS: readonly Row[] = [
  { name: 'SSE-C triple + x-amz-server-side-encryption', op: 'PutObject', key: 'r1', params: { ...triple(KEY), ServerSideEncryption: 'AES256' },
    expect: [400, 'InvalidArgument', 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified'] },
  { name: 'algorithm ≠ AES256', op: 'PutObject', key: 'r2', params: { ...triple(KEY), SSECustomerAlgorithm: 'AES128' },
    expect: [400, 'InvalidEncryptionAlgorithmError', 'The Encryption request you specified is not valid. Supported value: AES256.'] },
  { name: 'key without algorithm', op: 'PutObject', key: 'r3', params: { SSECustomerKey: b64(KEY) },
    expect: [400, 'InvalidArgument', 'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.'] },
  { name: 'algorithm without key', op: 'PutObject', key: 'r4', params: { SSECustomerAlgorithm: 'AES256' },
    expect: [400, 'InvalidArgument', 'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.'] },
  { name: 'key not 256-bit', op: 'PutObject', key: 'r5', params: triple(randomBytes(16)),
    expect: [400, 'InvalidArgument', 'The secret key was invalid for the specified algorithm.'] },
  { name: 'MD5 missing on PUT', op: 'PutObject', key: 'r6', params: triple(KEY), dropHeaders: [MD5_HEADER],
    expect: [400, 'InvalidArgument', 'The secret key was invalid for the specified algorithm.'] },
  { name: 'MD5 mismatch', op: 'PutObject', key: 'r7', params: triple(KEY), setHeaders: { [MD5_HEADER]: md5b64(OTHER) },
    expect: [400, 'InvalidArgument', 'The calculated MD5 hash of the key did not match the hash that was provided.'] },
  { name: 'GET of an SSE-C object without the key', op: 'GetObject', key: 'ssec-object', params: {},
    expect: [400, 'InvalidRequest', 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.'] },
  { name: 'HEAD of an SSE-C object without the key', op: 'HeadObject', key: 'ssec-object', params: {}, expect: [400, 'BadRequest', undefined] },
  { name: 'copy-source of an SSE-C object without the key', op: 'CopyObject', key: 'r8', copyFrom: 'ssec-object', params: {},
    expect: [400, 'InvalidRequest', 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.'] },
  { name: 'GET with a wrong key', op: 'GetObject', key: 'ssec-object', params: triple(OTHER),
    expect: [403, 'AccessDenied', 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.'] },
  { name: 'UploadPart without the SSE-C the upload was initiated with', op: 'UploadPart', key: 'ssec-upload', uploadId: 'sse', params: {},
    expect: [400, 'InvalidRequest', 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.'] },
  { name: 'UploadPart with SSE-C when the upload had none', op: 'UploadPart', key: 'plain-upload', uploadId: 'plain', params: triple(KEY),
    expect: [400, 'InvalidRequest', 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.'] },
  { name: 'UploadPart with a different SSE-C key', op: 'UploadPart', key: 'ssec-upload', uploadId: 'sse', params: triple(OTHER),
    expect: [400, 'InvalidRequest', 'The provided encryption parameters did not match the ones used originally.'] },
  { name: 'SSE-C write on a bucket that blocks SSE-C', op: 'PutObject', bucket: 'blocking', key: 'r9', params: triple(KEY), expect: [403, 'AccessDenied', undefined] },
  { name: 'SSE-C over plain HTTP', op: 'PutObject', server: 'strict', key: 'r10', params: triple(KEY),
    expect: [400, 'InvalidRequest', 'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.'] },
];

function target(row: Row): { url: string; bucket: string } {
  if (row.server === 'strict') return { url: strict!.url, bucket: strictBucket };
  return { url: suite.server.url, bucket: row.bucket === 'blocking' ? blockingBucket : suite.bucket };
}

/** Header edits at the SDK's build step, after its SSE-C middleware and before signing. */
function edit<T extends { middlewareStack: { add: (...a: never[]) => void } }>(command: T, row: Row): T {
  (command.middlewareStack.add as (m: unknown, o: unknown) => void)((next: (a: unknown) => Promise<unknown>) => async (args: { request: { headers: Record<string, string> } }) => {
    const headers = args.request.headers;
    for (const name of row.dropHeaders ?? []) for (const h of Object.keys(headers)) if (h.toLowerCase() === name) delete headers[h];
    for (const [name, value] of Object.entries(row.setHeaders ?? {})) {
      for (const h of Object.keys(headers)) if (h.toLowerCase() === name) delete headers[h];
      headers[name] = value;
    }
    return next(args);
  }, { step: 'build', name: 'sseCRowHeaders' });
  return command;
}

function sdkCommand(row: Row, bucket: string) {
  const base = { Bucket: bucket, Key: row.key, ...row.params } as never;
  switch (row.op) {
    case 'PutObject': return new PutObjectCommand({ ...(base as object), Body: 'x' } as never);
    case 'GetObject': return new GetObjectCommand(base);
    case 'HeadObject': return new HeadObjectCommand(base);
    case 'CopyObject': return new CopyObjectCommand({ ...(base as object), CopySource: `${bucket}/${row.copyFrom!}` } as never);
    case 'UploadPart': return new UploadPartCommand({ ...(base as object), UploadId: row.uploadId === 'sse' ? sseUpload : plainUpload, PartNumber: 1, Body: 'x' } as never);
  }
}

test('the SSE-C error table through @aws-sdk/client-s3: every row answers with the exact status, code and message', async () => {
  for (const row of ROWS) {
    const { bucket } = target(row);
    const client = row.server === 'strict' ? strictS3! : suite.s3;
    await assert.rejects(client.send(edit(sdkCommand(row, bucket) as never, row) as never), (e: { $metadata?: { httpStatusCode?: number }; name?: string; message?: string }) => {
      assert.equal(e.$metadata?.httpStatusCode, row.expect[0], row.name);
      if (row.op !== 'HeadObject') assert.equal(e.name, row.expect[1], row.name);
      if (row.expect[2] !== undefined) assert.equal(e.message, row.expect[2], row.name);
      return true;
    }, row.name);
  }
  // Nothing was stored by any refused write.
  for (const row of ROWS.filter((r) => r.op === 'PutObject' || r.op === 'CopyObject')) {
    const { bucket } = target(row);
    const client = row.server === 'strict' ? strictS3! : suite.s3;
    await assert.rejects(client.send(new HeadObjectCommand({ Bucket: bucket, Key: row.key })), (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 404, row.name);
  }
});

/** Runs every row with boto3; header edits on `before-sign`, after botocore's own SSE-C handling. */
const BOTO3_SCRIPT = `
import base64, json, sys, boto3
from botocore.config import Config
rows = json.loads(sys.argv[1])
out = []
for row in rows:
    c = boto3.client('s3', endpoint_url=row['url'], config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
    def edit(request, row=row, **kw):
        for name in row.get('dropHeaders', []):
            for h in list(request.headers.keys()):
                if h.lower() == name: del request.headers[h]
        for name, value in row.get('setHeaders', {}).items():
            for h in list(request.headers.keys()):
                if h.lower() == name: del request.headers[h]
            request.headers[name] = value
    c.meta.events.register('before-sign.s3.*', edit)
    p = dict(row['params'])
    if 'SSECustomerKey' in p: p['SSECustomerKey'] = base64.b64decode(p['SSECustomerKey'])
    p.update(Bucket=row['bucket'], Key=row['key'])
    try:
        op = row['op']
        if op == 'PutObject': c.put_object(Body=b'x', **p)
        elif op == 'GetObject': c.get_object(**p)
        elif op == 'HeadObject': c.head_object(**p)
        elif op == 'CopyObject': c.copy_object(CopySource={'Bucket': row['bucket'], 'Key': row['copyFrom']}, **p)
        elif op == 'UploadPart': c.upload_part(UploadId=row['uploadIdValue'], PartNumber=1, Body=b'x', **p)
        out.append({'name': row['name'], 'ok': True})
    except c.exceptions.ClientError as e:
        out.append({'name': row['name'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'code': e.response['Error'].get('Code'), 'message': e.response['Error'].get('Message')})
print(json.dumps(out))
`;

test('the SSE-C error table through boto3: every row answers with the exact status, code and message', { skip: HAS_BOTO3 ? false : BOTO3_MISSING }, async () => {
  const rows = ROWS.map((r) => ({ ...r, ...target(r), uploadIdValue: r.uploadId === 'sse' ? sseUpload : plainUpload }));
  const run = await python(suite.server, BOTO3_SCRIPT, [JSON.stringify(rows)]);
  assert.equal(run.code, 0, run.stderr);
  const results = JSON.parse(run.stdout) as Array<{ name: string; ok?: boolean; status?: number; code?: string; message?: string }>;
  assert.equal(results.length, ROWS.length);
  for (const [i, row] of ROWS.entries()) {
    const r = results[i]!;
    assert.equal(r.ok, undefined, `${row.name}: succeeded`);
    assert.equal(r.status, row.expect[0], row.name);
    // botocore names a body-less HEAD error by its status ('400').
    assert.equal(r.code, row.op === 'HeadObject' ? '400' : row.expect[1], row.name);
    if (row.expect[2] !== undefined) assert.equal(r.message, row.expect[2], row.name);
  }
});
