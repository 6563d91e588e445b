// Holds N idle connections to 127.0.0.1:PORT, each a stalled anonymous POST form, for HOLD ms (used by idle-connections.mjs).
import { connect } from 'node:net';
const [port, n, holdMs] = process.argv.slice(2).map(Number);
let open = 0, closed = 0; const socks = [];
for (let i = 0; i < n; i++) {
  const s = connect({ port, host: '127.0.0.1' });
  s.on('error', () => {}); s.on('close', () => { closed++; });
  s.on('connect', () => { open++; s.write(`POST /bucket HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000000\r\n\r\n--b\r\n`); });
  socks.push(s);
  if (i % 500 === 0) await new Promise((r) => setImmediate(r));
}
await new Promise((r) => setTimeout(r, holdMs));
console.log(JSON.stringify({ opened: open, closedByServerOrRefused: closed }));
process.exit(0);
