/** The measured operations: PUT/GET by size and concurrency, small-object latency, multipart, listing, range reads. */
import { randomBytes, createHash } from 'node:crypto';
import { percentile, runConcurrent, send, type Target } from './client.js';
import { cpuWindow } from './proc-cpu.js';

/** `cpuUsPerOp`: the server's CPU time (all its threads) per operation, when its pid is known. */
export interface Throughput { mbps: number; opsps: number; p50: number; p99: number; cpuUsPerOp?: number }

/** The SSE-C triple (sent on every PUT and GET of an SSE-C target), or none. */
const customerKeyHeaders = (t: Target): Record<string, string> => (t.sseC === undefined ? {} : {
  'x-amz-server-side-encryption-customer-algorithm': 'AES256',
  'x-amz-server-side-encryption-customer-key': t.sseC.key,
  'x-amz-server-side-encryption-customer-key-md5': t.sseC.keyMd5,
});
const sseHeaders = (t: Target): Record<string, string> => (t.sseC !== undefined ? customerKeyHeaders(t) : t.sse ? { 'x-amz-server-side-encryption': 'AES256' } : {});

export async function createBucket(t: Target, bucket: string): Promise<void> {
  const r = await send(t, 'PUT', `/${bucket}`, {}, {});
  if (r.status !== 200 && r.status !== 409) throw new Error(`${t.name}: CreateBucket ${r.status} ${r.text}`);
}

/** PUTs `ops` objects of `size` bytes, then GETs them back and checks every body's SHA-256. */
export async function putGet(t: Target & { pid?: number }, bucket: string, size: number, concurrency: number, ops: number, encryption?: Record<string, string>): Promise<{ put: Throughput; get: Throughput }> {
  const body = randomBytes(size);
  const expected = createHash('sha256').update(body).digest('hex');
  const prefix = `pg-${size}-${concurrency}-${Date.now()}`;
  let cpu = t.pid === undefined ? undefined : cpuWindow(t.pid);
  const put = await runConcurrent(ops, concurrency, async (i) => {
    const r = await send(t, 'PUT', `/${bucket}/${prefix}/${i}`, {}, { 'content-type': 'application/octet-stream', ...(encryption ?? sseHeaders(t)) }, body);
    if (r.status !== 200) throw new Error(`${t.name}: PUT ${r.status} ${r.text}`);
  });
  const putCpu = cpu?.().server.totalMs;
  cpu = t.pid === undefined ? undefined : cpuWindow(t.pid);
  const get = await runConcurrent(ops, concurrency, async (i) => {
    const r = await send(t, 'GET', `/${bucket}/${prefix}/${i}`, {}, customerKeyHeaders(t));
    if (r.status !== 200 || r.sha256 !== expected) throw new Error(`${t.name}: GET ${r.status} returned wrong bytes`);
  });
  const getCpu = cpu?.().server.totalMs;
  const summarize = (x: { latencies: number[]; seconds: number }, cpuMs: number | undefined): Throughput => ({
    mbps: (ops * size) / x.seconds / 1e6, opsps: ops / x.seconds, p50: percentile(x.latencies, 50), p99: percentile(x.latencies, 99),
    cpuUsPerOp: cpuMs === undefined ? undefined : (cpuMs * 1000) / ops,
  });
  return { put: summarize(put, putCpu), get: summarize(get, getCpu) };
}

/** Bare server: same client, same sizes; GET asks for the size in the path. */
export async function bareputGet(t: Target, size: number, concurrency: number, ops: number): Promise<{ put: Throughput; get: Throughput }> {
  const body = randomBytes(size);
  const put = await runConcurrent(ops, concurrency, async () => { await send(t, 'PUT', '/b/k', {}, {}, body); });
  const get = await runConcurrent(ops, concurrency, async () => {
    const r = await send(t, 'GET', `/b/${size}`, {}, {});
    if (r.bytes !== size) throw new Error('bare GET size');
  });
  const s = (x: { latencies: number[]; seconds: number }): Throughput => ({ mbps: (ops * size) / x.seconds / 1e6, opsps: ops / x.seconds, p50: percentile(x.latencies, 50), p99: percentile(x.latencies, 99) });
  return { put: s(put), get: s(get) };
}

/** Multipart upload of `total` bytes in `partSize` parts, `concurrency` parts at a time. */
export async function multipart(t: Target, bucket: string, total: number, partSize: number, concurrency: number): Promise<number> {
  const key = `mp-${Date.now()}`;
  const init = await send(t, 'POST', `/${bucket}/${key}`, { uploads: '' }, sseHeaders(t));
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.text)?.[1];
  if (!uploadId) throw new Error(`${t.name}: CreateMultipartUpload ${init.status} ${init.text}`);
  const part = randomBytes(partSize);
  const n = Math.ceil(total / partSize);
  const etags: string[] = [];
  const started = performance.now();
  await runConcurrent(n, concurrency, async (i) => {
    const r = await send(t, 'PUT', `/${bucket}/${key}`, { partNumber: String(i + 1), uploadId }, {}, part);
    if (r.status !== 200) throw new Error(`${t.name}: UploadPart ${r.status}`);
    etags[i] = `"${createHash('md5').update(part).digest('hex')}"`;
  });
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await send(t, 'POST', `/${bucket}/${key}`, { uploadId }, {}, Buffer.from(xml));
  if (done.status !== 200) throw new Error(`${t.name}: Complete ${done.status} ${done.text}`);
  return (n * partSize) / ((performance.now() - started) / 1000) / 1e6;
}

/** Creates `count` small keys, then pages through them with ListObjectsV2; returns pages per second. */
export async function listing(t: Target, bucket: string, count: number): Promise<{ pagesPerSecond: number; keys: number }> {
  await fillListing(t, bucket, count);
  return listPass(t, bucket);
}

/** PUTs `count` one-byte keys list/0000000… (16 at a time) for listPass. */
export async function fillListing(t: Target, bucket: string, count: number): Promise<void> {
  const body = Buffer.from('x');
  await runConcurrent(count, 16, async (i) => { await send(t, 'PUT', `/${bucket}/list/${String(i).padStart(7, '0')}`, {}, {}, body); });
}

/** One ListObjectsV2 pass over list/ (1,000 keys a page): pages per second and keys seen. */
export async function listPass(t: Target, bucket: string): Promise<{ pagesPerSecond: number; keys: number }> {
  let token: string | undefined;
  let pages = 0;
  let keys = 0;
  const started = performance.now();
  do {
    const q: Record<string, string> = { 'list-type': '2', prefix: 'list/' };
    if (token) q['continuation-token'] = token;
    const r = await send(t, 'GET', `/${bucket}`, q, {});
    pages++;
    keys += (r.text.match(/<Key>/g) ?? []).length;
    token = /<NextContinuationToken>([^<]+)</.exec(r.text)?.[1];
  } while (token);
  return { pagesPerSecond: pages / ((performance.now() - started) / 1000), keys };
}

/**
 * A versioned bucket with `count` keys × `versions` versions each (versioning enabled first), then the same
 * ListObjectsV2 paging: the noncurrent versions must not slow the listing of current objects.
 */
export async function versionedListing(t: Target, bucket: string, count: number, versions: number): Promise<{ pagesPerSecond: number; keys: number }> {
  await createBucket(t, bucket);
  const v = await send(t, 'PUT', `/${bucket}`, { versioning: '' }, {}, Buffer.from('<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>'));
  if (v.status !== 200) throw new Error(`${t.name}: PutBucketVersioning ${v.status} ${v.text}`);
  const body = Buffer.from('x');
  for (let round = 0; round < versions - 1; round++) {
    await runConcurrent(count, 16, async (i) => { await send(t, 'PUT', `/${bucket}/list/${String(i).padStart(7, '0')}`, {}, {}, body); });
  }
  return listing(t, bucket, count);
}

/** Latency of 1-byte range GETs (median of `n`) on a key. */
export async function rangeLatency(t: Target, bucket: string, key: string, offset: number, n = 30): Promise<number> {
  const { latencies } = await runConcurrent(n, 1, async () => {
    const r = await send(t, 'GET', `/${bucket}/${key}`, {}, { range: `bytes=${offset}-${offset}` });
    if (r.status !== 206 || r.bytes !== 1) throw new Error(`${t.name}: range GET ${r.status}`);
  });
  return percentile(latencies, 50);
}

/** PUTs an object of `size` bytes streamed from a repeated 1 MiB block. */
export async function putLarge(t: Target, bucket: string, key: string, size: number): Promise<void> {
  const block = randomBytes(1 << 20);
  const blocks = Array.from({ length: Math.ceil(size / block.length) }, (_, i) => (i === Math.ceil(size / block.length) - 1 && size % block.length ? block.subarray(0, size % block.length) : block));
  const r = await send(t, 'PUT', `/${bucket}/${key}`, {}, sseHeaders(t), blocks);
  if (r.status !== 200) throw new Error(`${t.name}: PUT large ${r.status} ${r.text}`);
}
