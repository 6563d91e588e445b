/** AWS SDK clients pointed at a test server, path-style, with the test root credentials. */
import { Agent } from 'node:http';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, type TestServer } from './start-server.js';

/**
 * A keep-alive agent with a timeout of its own: only then does Node's agent honour the server's
 * `Keep-Alive: timeout=5` hint and drop a pooled connection 1 s before it (docs/ARCHITECTURE.md, "Reusing an
 * idle connection"). Without it, a connection idle for the server's 6 s (a test waiting on rclone, a busy
 * machine) can be reused just as the server closes it: "socket hang up", with retries off (maxAttempts 1).
 */
export const testHttpAgent = (): Agent => new Agent({ keepAlive: true, timeout: 30_000 });

export function s3Client(server: Pick<TestServer, 'url'>, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.url,
    region: TEST_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
    maxAttempts: 1,
    requestHandler: { httpAgent: testHttpAgent() },
    ...extra,
  });
}

/** A unique, valid bucket name for one test. */
export function bucketName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
}
