/** The ceiling: a bare node:http server that discards PUT bodies and serves GET bodies of the asked size from memory. */
import { createServer } from 'node:http';

const buffer = Buffer.alloc(64 * 1024 * 1024, 7);
const server = createServer((req, res) => {
  if (req.method === 'PUT') {
    req.on('data', () => undefined);
    req.on('end', () => { res.setHeader('etag', '"x"'); res.end(); });
    return;
  }
  const size = Number(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop()?.replace(/\D/g, '') || 0);
  res.setHeader('content-length', size);
  res.end(buffer.subarray(0, size));
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}\n`);
});
