/** Runs s3rver (the Node.js S3 server peer) in its own process on a free port. */
import S3rver from 's3rver';

/** The data directory is the launcher's (bench/targets.ts), which removes it when it stops this process. */
const directory = process.argv[2];
if (!directory) throw new Error('usage: s3rver-server.ts DIR');
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
const address = await server.run();
process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
