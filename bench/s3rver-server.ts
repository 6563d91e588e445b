/** Runs s3rver (the Node.js S3 server peer) in its own process on a free port. */
import S3rver from 's3rver';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')) });
const address = await server.run();
process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
