/** A real browser (headless Chromium, Debian's package) uploading from a page on another origin: the preflight, a presigned PUT and a POST form pass through the bucket's CORS rules, or are refused by them. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, HeadObjectCommand, PutBucketCorsCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { serverSuite } from '../helpers/suite.js';
import { toolPresent } from '../helpers/required-tools.js';
import { signedFields } from '../helpers/post-form.js';

const CHROMIUM_MISSING = 'chromium is not installed on this machine (apt-get install chromium)';
const HAS_CHROMIUM = toolPresent('chromium', ['--version'], CHROMIUM_MISSING);

const suite = serverSuite('browser-cors');
const profiles = mkdtempSync(join(tmpdir(), 'strongroom-chromium-'));

/** Serves one HTML page at / on 127.0.0.1; the browser loads it as http://localhost:PORT, another origin than the bucket's 127.0.0.1. */
interface PageServer { readonly origin: string; html: string; close(): Promise<void> }

async function pageServer(): Promise<PageServer> {
  const page = { html: '' };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    set html(h: string) { page.html = h; },
    get html() { return page.html; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the page is told to do; it writes one line per step into <pre id="out">. */
interface PagePlan {
  put?: { url: string; body: string };
  form?: { url: string; fields: Record<string, string>; body: string };
}

function pageHtml(plan: PagePlan): string {
  const json = JSON.stringify(plan).replace(/</g, '\\u003c');
  return `<!doctype html><html><body><pre id="out">pending</pre>
<script type="application/json" id="plan">${json}</script>
<script>
const plan = JSON.parse(document.getElementById('plan').textContent);
(async () => {
  const lines = [];
  if (plan.put) {
    try {
      // PUT and a non-safelisted Content-Type: the browser must ask with a preflight first.
      const r = await fetch(plan.put.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: plan.put.body });
      lines.push('put ' + r.status + ' etag=' + r.headers.get('etag'));
    } catch (e) { lines.push('put ' + e.name + ': ' + e.message); }
  }
  if (plan.form) {
    const f = new FormData();
    for (const [k, v] of Object.entries(plan.form.fields)) f.append(k, v);
    f.append('file', new Blob([plan.form.body], { type: 'text/plain' }), 'note.txt');
    try {
      const r = await fetch(plan.form.url, { method: 'POST', body: f });
      lines.push('post ' + r.status);
    } catch (e) { lines.push('post ' + e.name + ': ' + e.message); }
  }
  document.getElementById('out').textContent = lines.join('\\n');
})();
</script></body></html>`;
}

let runs = 0;

/** Loads the page in headless Chromium and returns the text the page wrote into #out once its fetches are done. */
function browse(url: string): Promise<string> {
  const profile = join(profiles, `p${runs++}`);
  return new Promise((resolve, reject) => {
    const child = spawn('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`,
      '--virtual-time-budget=10000', '--dump-dom', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let dom = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { dom += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const out = /<pre id="out">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
      if (out === undefined) reject(new Error(`chromium exited ${code} without the page's output:\n${dom}\n${err.slice(-2000)}`));
      else resolve(out.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    });
  });
}

let allowed: PageServer | undefined;
let refused: PageServer | undefined;

before(async () => {
  if (!HAS_CHROMIUM) return;
  allowed = await pageServer();
  refused = await pageServer();
});
after(async () => {
  await allowed?.close();
  await refused?.close();
  rmSync(profiles, { recursive: true, force: true });
});

async function presignedPut(key: string): Promise<string> {
  return getSignedUrl(suite.s3, new PutObjectCommand({ Bucket: suite.bucket, Key: key }), { expiresIn: 300 });
}

async function stored(key: string): Promise<string | undefined> {
  try {
    const got = await suite.s3.send(new GetObjectCommand({ Bucket: suite.bucket, Key: key }));
    return await got.Body!.transformToString();
  } catch (e) {
    if ((e as S3ServiceException).name === 'NoSuchKey') return undefined;
    throw e;
  }
}

test('a page on an allowed origin uploads with a presigned PUT (preflighted) and a POST form, and reads the exposed ETag', async (t) => {
  if (!HAS_CHROMIUM) return t.skip(CHROMIUM_MISSING);
  const page = allowed!;
  await suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: [
    { AllowedOrigins: [page.origin], AllowedMethods: ['PUT', 'POST'], AllowedHeaders: ['content-type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 60 },
  ] } }));
  const fields = signedFields(suite.bucket, [['starts-with', '$key', 'from-form/'], ['starts-with', '$Content-Type', '']], { key: 'from-form/note.txt' });
  page.html = pageHtml({
    put: { url: await presignedPut('from-page.txt'), body: 'uploaded by a browser' },
    form: { url: `${suite.server.url}/${suite.bucket}`, fields, body: 'posted by a browser' },
  });
  const out = await browse(`${page.origin}/`);
  const [put, post] = out.split('\n');
  assert.match(put ?? '', /^put 200 etag="[0-9a-f]{32}"$/, out);
  assert.equal(post, 'post 204', out);
  assert.equal(await stored('from-page.txt'), 'uploaded by a browser');
  assert.equal(await stored('from-form/note.txt'), 'posted by a browser');
});

test('a page on an origin no rule lists has its preflight refused: the fetch fails and nothing is stored', async (t) => {
  if (!HAS_CHROMIUM) return t.skip(CHROMIUM_MISSING);
  await suite.s3.send(new PutBucketCorsCommand({ Bucket: suite.bucket, CORSConfiguration: { CORSRules: [
    { AllowedOrigins: [allowed!.origin], AllowedMethods: ['PUT', 'POST'], AllowedHeaders: ['content-type'] },
  ] } }));
  refused!.html = pageHtml({ put: { url: await presignedPut('from-other-origin.txt'), body: 'must not arrive' } });
  const out = await browse(`${refused!.origin}/`);
  assert.match(out, /^put TypeError: Failed to fetch$/, out);
  await assert.rejects(suite.s3.send(new HeadObjectCommand({ Bucket: suite.bucket, Key: 'from-other-origin.txt' })), (e: S3ServiceException) => e.$metadata.httpStatusCode === 404);
});
