/** Over TLS a record carries tlsDetails (tlsVersion, cipherSuite, clientProvidedHostHeader) and S3's additionalEventData.CipherSuite; over plain HTTP neither. An accepted SSE-C write records SSEApplied SSE_C and never its key. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bucketName, s3Client } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { trailBytes, trailRecords } from '../helpers/audit-trail.js';

let server: TestServer;
before(async () => {
  server = await startServer({ args: ['--listen-tls', '127.0.0.1:0', '--tls-self-signed', '--sse-c-default', 'allowed'] });
});
after(async () => {
  await server.stop();
});

test('a PUT over HTTPS is recorded with tlsDetails and CipherSuite; the same PUT over HTTP without them', async () => {
  const ca = readFileSync(join(server.dataDir, 'tls', 'localhost.crt'));
  const tlsUrl = server.tlsUrl!;
  const https = s3Client({ url: tlsUrl }, { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) });
  const http = s3Client(server);
  const bucket = bucketName('trail-tls');
  try {
    await https.send(new CreateBucketCommand({ Bucket: bucket }));
    await https.send(new PutObjectCommand({ Bucket: bucket, Key: 'over-tls', Body: 'x' }));
    await http.send(new PutObjectCommand({ Bucket: bucket, Key: 'over-http', Body: 'x' }));
  } finally {
    https.destroy();
    http.destroy();
  }
  const put = (key: string) => trailRecords(server.dataDir).find((r) => r['eventName'] === 'PutObject' && r['requestParameters']['key'] === key)!;
  const tls = put('over-tls');
  assert.match(tls['tlsDetails']['tlsVersion'], /^TLSv1\.[23]$/);
  assert.match(tls['tlsDetails']['cipherSuite'], /^(TLS_AES_|TLS_CHACHA20_|ECDHE-)/);
  assert.equal(tls['tlsDetails']['clientProvidedHostHeader'], new URL(tlsUrl).host);
  assert.equal(tls['additionalEventData']['CipherSuite'], tls['tlsDetails']['cipherSuite']);
  const plain = put('over-http');
  assert.equal(plain['tlsDetails'], undefined);
  assert.equal(plain['additionalEventData']['CipherSuite'], undefined);
});

test('an accepted SSE-C PUT over HTTPS is recorded with SSEApplied SSE_C; the customer key and its MD5 appear nowhere in the trail', async () => {
  const ca = readFileSync(join(server.dataDir, 'tls', 'localhost.crt'));
  const https = s3Client({ url: server.tlsUrl! }, { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) });
  const bucket = bucketName('trail-ssec');
  const key = randomBytes(32);
  try {
    await https.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = await https.send(new PutObjectCommand({ Bucket: bucket, Key: 'ssec', Body: 'secret body', SSECustomerAlgorithm: 'AES256', SSECustomerKey: key as never }));
    assert.equal(put.$metadata.httpStatusCode, 200);
  } finally {
    https.destroy();
  }
  const r = trailRecords(server.dataDir).find((x) => x['eventName'] === 'PutObject' && x['requestParameters']['key'] === 'ssec')!;
  assert.equal(r['additionalEventData']['SSEApplied'], 'SSE_C');
  assert.equal(r['errorCode'], undefined);
  const trail = trailBytes(server.dataDir);
  for (const [what, value] of [['key (base64)', key.toString('base64')], ['key (hex)', key.toString('hex')], ['key MD5', createHash('md5').update(key).digest('base64')]] as const) {
    assert.equal(trail.indexOf(value), -1, `the SSE-C ${what} is in the trail`);
  }
});
