/** Over TLS a record carries tlsDetails (tlsVersion, cipherSuite, clientProvidedHostHeader) and S3's additionalEventData.CipherSuite; over plain HTTP neither. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bucketName, s3Client } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/start-server.js';
import { trailRecords } from '../helpers/audit-trail.js';

let server: TestServer;
before(async () => {
  server = await startServer({ args: ['--listen-tls', '127.0.0.1:0', '--tls-self-signed'] });
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
