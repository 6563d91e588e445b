/** AWS SDK clients pointed at a test server, path-style, with the test root credentials. */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, type TestServer } from './start-server.js';

export function s3Client(server: Pick<TestServer, 'url'>, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.url,
    region: TEST_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
    maxAttempts: 1,
    ...extra,
  });
}

/** A unique, valid bucket name for one test. */
export function bucketName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
}
