/** One server, one SDK client and one fresh bucket per test file: the setup most integration suites share. */
import { after, before } from 'node:test';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { startServer, type StartOptions, type TestServer } from './start-server.js';
import { bucketName, s3Client } from './clients.js';

export interface Suite {
  readonly server: TestServer;
  readonly s3: S3Client;
  readonly bucket: string;
}

/**
 * Registers before/after hooks that start a server, create the bucket, run `setup` (in the same hook:
 * Node 20 does not order separate root-level before hooks), and stop everything afterwards.
 */
export function serverSuite(label: string, setup?: (suite: Suite) => Promise<void>, options?: StartOptions): Suite {
  let server: TestServer | undefined;
  let s3: S3Client | undefined;
  const bucket = bucketName(label);
  before(async () => {
    server = await startServer(options);
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await setup?.(suite);
  });
  after(async () => {
    s3?.destroy();
    await server?.stop();
  });
  const suite: Suite = {
    get server() { if (!server) throw new Error('the suite server is not started yet'); return server; },
    get s3() { if (!s3) throw new Error('the suite client is not created yet'); return s3; },
    bucket,
  };
  return suite;
}
