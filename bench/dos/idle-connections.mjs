// DoS reproduction of issue 7 (run by hand: `node bench/dos/idle-connections.mjs` after `npm run build`): 20,200 idle anonymous POST forms from 127.0.0.1, held by two client processes (one process may hold only 20,000 fds here), while a client on 127.0.0.9 is served; prints server fds, peak RSS and temp files left.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os'; import { join } from 'node:path';
import http from 'node:http';
const dir = mkdtempSync(join(tmpdir(), 'flood-'));
const child = spawn(process.execPath, [new URL('../../dist/main.js', import.meta.url).pathname, 'serve', '--listen', '127.0.0.1:0', '--data', dir], { env: { ...process.env, STRONGROOM_ROOT_ACCESS_KEY: 'AKIAFLOOD', STRONGROOM_ROOT_SECRET_KEY: 'floodsecretfloodsecret' }, stdio: ['ignore', 'pipe', 'pipe'] });
const url = await new Promise((res) => child.stdout.on('data', (d) => { const m = /listening on (\S+)/.exec(String(d)); if (m) res(m[1]); }));
const port = new URL(url).port;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
let peak = rss(); let peakFds = 0;
const sampler = setInterval(() => { peak = Math.max(peak, rss()); peakFds = Math.max(peakFds, readdirSync(`/proc/${child.pid}/fd`).length); }, 200);
const holders = [0, 1].map(() => spawn(process.execPath, [new URL('./idle-connection-holder.mjs', import.meta.url).pathname, port, '10100', '20000'], { stdio: ['ignore', 'pipe', 'inherit'] }));
const outs = holders.map((h) => new Promise((res) => { let o = ''; h.stdout.on('data', (d) => { o += d; }); h.on('exit', () => res(o.trim())); }));
await new Promise((r) => setTimeout(r, 8000));
const served = [];
for (let i = 0; i < 10; i++) {
  const t = Date.now();
  const status = await new Promise((res) => http.get({ host: '127.0.0.1', localAddress: '127.0.0.9', port: Number(port), path: '/' }, (r) => { r.resume(); r.on('end', () => res(r.statusCode)); }).on('error', (e) => res(String(e))));
  served.push(`${status}/${Date.now() - t}ms`);
}
const fdsDuring = readdirSync(`/proc/${child.pid}/fd`).length;
console.log('holders:', await Promise.all(outs));
clearInterval(sampler);
console.log(JSON.stringify({ concurrentClientDuringFlood: served, serverFdsDuring: fdsDuring, peakServerFds: peakFds, peakRssMB: Math.round(peak) }));
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
const tmp = join(dir, 'blobs', '.tmp');
console.log('tmp files left:', existsSync(tmp) ? readdirSync(tmp).length : 0);
