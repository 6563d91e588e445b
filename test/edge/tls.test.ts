/** TLS built in: HTTPS beside HTTP, the self-signed development certificate, real clients trusting it, SIGHUP reload, and the connection deadlines and caps on the TLS listener. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ensureSelfSignedCertificate } from '../../src/config/self-signed-cert.js';
import { bucketName, s3Client } from '../helpers/clients.js';
import { aws, awsEnv, AWS_CLI_MISSING, HAS_AWS_CLI, run } from '../helpers/python-tools.js';
import { startServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';
import { eventually } from '../helpers/slow-client.js';

const withinMs = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;

/** The certificate the HTTPS listener presents to a new connection (not verified: we only look at it). */
function servedCertificate(tlsUrl: string): Promise<{ fingerprint256: string; socket: TLSSocket }> {
  const u = new URL(tlsUrl);
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false, servername: 'localhost' }, () => {
      resolve({ fingerprint256: socket.getPeerCertificate().fingerprint256, socket });
    });
    socket.once('error', reject);
  });
}

/** A TCP connection to the listener that tracks when the server closes it. */
function tcpConnection(url: string): Promise<{ closed: Promise<void>; write: (b: Buffer | string) => void; destroy: () => void }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connectTcp(Number(u.port), u.hostname, () => resolve({ closed, write: (b) => socket.write(b), destroy: () => socket.destroy() }));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', () => {});
    socket.once('error', reject);
  });
}

describe('HTTPS beside HTTP with --tls-self-signed', () => {
  let server: TestServer;
  let certPath: string;
  let ca: Buffer;
  const bucket = bucketName('tls');
  before(async () => {
    server = await startServer({ args: ['--listen-tls', '127.0.0.1:0', '--tls-self-signed', '--headers-timeout', '1'] });
    certPath = join(server.dataDir, 'tls', 'localhost.crt');
    ca = readFileSync(certPath);
  });
  after(async () => {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true }); // a restarted server (last test) keeps its dir on stop()
  });

  test('both endpoints are printed, with how to trust the development certificate', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.tlsUrl ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.stdout(), /^strongroom listening on http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(server.stdout(), /^strongroom listening on https:\/\/127\.0\.0\.1:\d+$/m);
    assert.ok(server.stdout().includes(`export AWS_CA_BUNDLE=${certPath}`), server.stdout());
    assert.ok(server.stderr().includes(`AWS_CA_BUNDLE=${certPath}`), server.stderr());
    assert.ok(server.stderr().includes(`--ca-bundle ${certPath}`), server.stderr());
  });

  test('the self-signed certificate parses (node:crypto, openssl) and names localhost, 127.0.0.1 and ::1; its key is 0600', () => {
    const x509 = new X509Certificate(ca);
    assert.equal(x509.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(x509.issuer, x509.subject, 'self-issued');
    assert.ok(x509.verify(x509.publicKey), 'self-signed: its own key verifies its signature');
    assert.ok(new Date(x509.validTo).getTime() > Date.now() + 300 * 24 * 3600 * 1000);
    assert.equal(statSync(join(server.dataDir, 'tls', 'localhost.key')).mode & 0o777, 0o600);
    if (HAS_OPENSSL) {
      const text = spawnSync('openssl', ['x509', '-in', certPath, '-noout', '-text'], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /Signature Algorithm: ecdsa-with-SHA256/);
      assert.match(text.stdout, /DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
      const verify = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', certPath, certPath], { encoding: 'utf8' });
      assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    }
  });

  test('@aws-sdk/client-s3 over HTTPS with an agent trusting the certificate: put and get', async () => {
    const s3 = s3Client({ url: server.tlsUrl! }, { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca }) }) });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'over-tls', Body: 'sealed in transit too' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'over-tls' }));
      assert.equal(await got.Body!.transformToString(), 'sealed in transit too');
    } finally {
      s3.destroy();
    }
  });

  test('a client that does not trust the certificate refuses the connection', async () => {
    const s3 = s3Client({ url: server.tlsUrl! });
    try {
      await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'over-tls' })), /self[- ]signed certificate/i);
    } finally {
      s3.destroy();
    }
  });

  test('the aws CLI over HTTPS with AWS_CA_BUNDLE, and with --ca-bundle', { skip: !HAS_AWS_CLI && AWS_CLI_MISSING }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strongroom-tls-cli-'));
    try {
      writeFileSync(join(dir, 'in.txt'), 'through the aws CLI over TLS');
      const env = { ...awsEnv({ url: server.tlsUrl! }), AWS_CA_BUNDLE: certPath };
      const put = await run('aws', ['s3', 'cp', join(dir, 'in.txt'), `s3://${bucket}/cli.txt`, '--endpoint-url', server.tlsUrl!], env);
      assert.equal(put.code, 0, put.stderr);
      const get = await run('aws', ['s3', 'cp', `s3://${bucket}/cli.txt`, join(dir, 'out.txt'), '--endpoint-url', server.tlsUrl!], env);
      assert.equal(get.code, 0, get.stderr);
      assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'through the aws CLI over TLS');
      const flag = await aws({ url: server.tlsUrl! }, ['s3api', 'head-object', '--bucket', bucket, '--key', 'cli.txt', '--ca-bundle', certPath]);
      assert.equal(flag.code, 0, flag.stderr);
      // Without the bundle the CLI refuses the certificate.
      const untrusted = await aws({ url: server.tlsUrl! }, ['s3api', 'head-object', '--bucket', bucket, '--key', 'cli.txt']);
      assert.notEqual(untrusted.code, 0);
      assert.match(untrusted.stderr, /SSL|certificate/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('curl --cacert over HTTPS, signed with --aws-sigv4', async () => {
    const r = await run('curl', ['-sS', '--fail-with-body', '--cacert', certPath, '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', `${TEST_ACCESS_KEY}:${TEST_SECRET_KEY}`, '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD',
      `${server.tlsUrl!.replace('127.0.0.1', 'localhost')}/${bucket}/over-tls`], process.env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout, 'sealed in transit too');
  });

  test('a TLS handshake that never completes is closed after the header deadline (slowloris on the handshake)', async () => {
    const idle = await tcpConnection(server.tlsUrl!);
    const partial = await tcpConnection(server.tlsUrl!);
    partial.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a ClientHello record header, then nothing
    try {
      assert.ok(await withinMs(idle.closed, 10_000), 'a silent connection was closed');
      assert.ok(await withinMs(partial.closed, 10_000), 'a half-sent handshake was closed');
    } finally {
      idle.destroy();
      partial.destroy();
    }
  });

  test('after the handshake, a header section that does not arrive in time is answered 400 RequestTimeout over TLS', async () => {
    const { socket } = await servedCertificate(server.tlsUrl!);
    let received = '';
    socket.on('data', (d: Buffer) => { received += d.toString(); });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(`GET /${bucket} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
    assert.ok(await withinMs(closed, 10_000), 'the server closed the connection');
    assert.match(received, /^HTTP\/1\.1 400 /);
    assert.match(received, /<Code>RequestTimeout<\/Code>/);
  });

  test('the certificate is reused across restarts', async () => {
    const before = new X509Certificate(ca).fingerprint256;
    await server.stop({ remove: false });
    server = await startServer({ dataDir: server.dataDir, args: ['--listen-tls', '127.0.0.1:0', '--tls-self-signed', '--headers-timeout', '1'] });
    assert.equal((await servedCertificate(server.tlsUrl!)).fingerprint256, before);
    assert.match(server.stderr(), /reusing the development certificate/);
  });
});

describe('--tls-cert/--tls-key reloaded on SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-tls-files-'));
  const first = ensureSelfSignedCertificate(join(dir, 'a'));
  const second = ensureSelfSignedCertificate(join(dir, 'b'));
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  let server: TestServer;
  before(async () => {
    copyFileSync(first.certPath, certFile);
    copyFileSync(first.keyPath, keyFile);
    server = await startServer({ args: ['--listen-tls', '127.0.0.1:0', '--tls-cert', certFile, '--tls-key', keyFile] });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('new connections get the new certificate after SIGHUP; a pair that does not load keeps the old one', async () => {
    assert.notEqual(first.fingerprint256, second.fingerprint256);
    const before = await servedCertificate(server.tlsUrl!);
    assert.equal(before.fingerprint256, first.fingerprint256);
    copyFileSync(second.certPath, certFile);
    copyFileSync(second.keyPath, keyFile);
    server.process.kill('SIGHUP');
    assert.ok(await eventually(() => /TLS certificate reloaded/.test(server.stderr()), 5000), server.stderr());
    assert.equal((await servedCertificate(server.tlsUrl!)).fingerprint256, second.fingerprint256);
    // The connection opened before the reload still works with its certificate.
    assert.ok(!before.socket.destroyed);
    before.socket.destroy();
    // A key that does not match: refused, the second pair stays in service.
    copyFileSync(first.keyPath, keyFile);
    server.process.kill('SIGHUP');
    assert.ok(await eventually(() => /TLS certificate NOT reloaded/.test(server.stderr()), 5000), server.stderr());
    assert.equal((await servedCertificate(server.tlsUrl!)).fingerprint256, second.fingerprint256);
    assert.equal(server.process.exitCode, null, 'the server keeps running');
  });
});

describe('connection caps on the TLS listener (2 per address)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ args: ['--listen-tls', '127.0.0.1:0', '--tls-self-signed', '--max-connections-per-ip', '2'] });
  });
  after(() => server.stop());

  test('a third connection from the same address is closed before its handshake; the first two are served', async () => {
    const a = await servedCertificate(server.tlsUrl!);
    const b = await servedCertificate(server.tlsUrl!);
    await assert.rejects(servedCertificate(server.tlsUrl!), /socket disconnected|ECONNRESET|socket hang up/i);
    a.socket.destroy();
    b.socket.destroy();
    let served = false;
    for (const end = Date.now() + 5000; !served && Date.now() < end;) {
      try {
        (await servedCertificate(server.tlsUrl!)).socket.destroy();
        served = true;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(served, 'a slot is free again once they close');
  });
});
