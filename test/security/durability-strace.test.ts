/** Durability observed at the syscall level: every acknowledged PUT's blob fsync (after its last data write), rename, directory fsync, WAL sync and its audit record's journal commit and sync come before its 200 reaches the socket. */
// kill -9 keeps the page cache, so a crash test cannot see a missing fsync; strace can.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { rawRequest } from '../helpers/raw-request.js';
import { bucketName } from '../helpers/clients.js';
import { objectParts } from '../helpers/data-dir.js';
import { fdPath, startTracedServer, straceUnavailable, succeeded, type SyscallEvent } from '../helpers/strace.js';

const unavailable = straceUnavailable();
// CI installs strace (.ci/run); there a missing strace is a failure, not a reason to skip the guard.
const inCi = process.env.CI === 'true';
const skip = unavailable !== undefined && !inCi ? `skipped: ${unavailable}` : false;

const SYNCS = new Set(['fsync', 'fdatasync']);
const WRITES = new Set(['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2']);
const SOCKET_WRITES = new Set(['write', 'writev', 'sendto', 'sendmsg']);
const READS = new Set(['read', 'readv', 'recvfrom']);

/** The first successful event that starts after `after` ends (and ends before `before` starts) and matches; fails naming the missing step. */
function next(events: SyscallEvent[], after: SyscallEvent, what: string, match: (e: SyscallEvent) => boolean, before?: SyscallEvent): SyscallEvent {
  const found = events.find((e) => e.start > after.end && succeeded(e) && match(e) && (before === undefined || e.end < before.start));
  assert.ok(found, `${what}: not found after trace line ${after.end + 1}${before ? ` and before line ${before.start + 1}` : ''}`);
  return found;
}

interface Acked { key: string; etag: string; blobId: string }

/** Asserts the chain one acknowledged PUT must show, in trace order, between its request and its answer. */
function assertDurableBeforeAnswer(events: SyscallEvent[], bucket: string, put: Acked): void {
  const request = events.find((e) => READS.has(e.name) && succeeded(e) && e.args.includes(`"PUT /${bucket}/${put.key} HTTP/1.1`));
  assert.ok(request, `the request read of ${put.key} is in the trace`);
  const socket = fdPath(request)!;
  assert.match(socket, /^socket:/, `${put.key}: the request came from a socket`);
  // The answer: the first write to that socket after the request was read.
  const answer = events.find((e) => e.start > request.end && SOCKET_WRITES.has(e.name) && fdPath(e) === socket);
  assert.ok(answer, `${put.key}: the answer write is in the trace`);
  assert.ok(answer.args.includes('HTTP/1.1 200 OK') && answer.args.includes(put.etag), `${put.key}: the first write after the request is its 200 with ETag ${put.etag}`);
  let committedAfter = request;
  if (put.blobId !== '') {
    // The blob's fsync and its rename → shard-directory fsync run side by side (stores/fs/fs-blob-store.ts,
    // ARCHITECTURE "Atomic replace"): the fd's path is the temporary one or, once renamed, the final one.
    const shard = put.blobId.slice(0, 2);
    const blobFile = (e: SyscallEvent) => { const p = fdPath(e) ?? ''; return p.endsWith(`/blobs/.tmp/${put.blobId}`) || p.endsWith(`/blobs/${shard}/${put.blobId}`); };
    // Every data write to the blob comes before the fsync that makes it durable.
    const lastDataWrite = events.filter((e) => e.start > request.end && e.end < answer.start && WRITES.has(e.name) && succeeded(e) && blobFile(e)).at(-1);
    assert.ok(lastDataWrite, `${put.key}: the blob's data writes are in the trace`);
    const blobSync = next(events, lastDataWrite, `${put.key}: fsync of the blob ${put.blobId} after its last data write`, (e) => SYNCS.has(e.name) && blobFile(e), answer);
    const rename = next(events, request, `${put.key}: rename of .tmp/${put.blobId} into its shard`, (e) => /rename/.test(e.name) && e.args.includes(`/blobs/.tmp/${put.blobId}"`) && e.args.includes(`/blobs/${shard}/${put.blobId}"`), answer);
    // The shard directory's own entry: made, then the blob root fsynced, before the 200 (a new shard lost in a
    // power cut would take every blob renamed into it along).
    const made = events.find((e) => /^mkdir/.test(e.name) && succeeded(e) && e.args.includes(`/blobs/${shard}"`));
    assert.ok(made, `${put.key}: the mkdir of its shard blobs/${shard} is in the trace`);
    next(events, made, `${put.key}: fsync of the blob root after its shard blobs/${shard} was made`, (e) => SYNCS.has(e.name) && /\/blobs>?$/.test(fdPath(e) ?? ''), answer);
    const dirSync = next(events, rename, `${put.key}: fsync of the shard directory blobs/${shard} after the rename`, (e) => SYNCS.has(e.name) && (fdPath(e) ?? '').endsWith(`/blobs/${shard}`), answer);
    // The commit may start only once both are done.
    committedAfter = blobSync.end > dirSync.end ? blobSync : dirSync;
  }
  const walWrite = next(events, committedAfter, `${put.key}: a write to meta.sqlite-wal (the commit)${put.blobId ? ' after the blob is durable' : ''}`, (e) => WRITES.has(e.name) && (fdPath(e) ?? '').endsWith('/meta.sqlite-wal'), answer);
  // The audit trail (issue 13): the PUT's CloudTrail record (strace shows the JSON's quotes escaped, \") is a row of
  // meta.sqlite's audit_journal, written into the WAL by the same commit as the object's row (or a later one).
  const recordWrite = next(events, committedAfter, `${put.key}: a write of its PutObject record into meta.sqlite-wal (the journal row)${put.blobId ? ' after the blob is durable' : ''}`,
    (e) => WRITES.has(e.name) && (fdPath(e) ?? '').endsWith('/meta.sqlite-wal') && e.args.includes('\\"eventName\\":\\"PutObject\\"') && e.args.includes(`\\"key\\":\\"${put.key}\\"`), answer);
  const lastWrite = recordWrite.end > walWrite.end ? recordWrite : walWrite;
  // Group commits write the WAL under synchronous=NORMAL and sync it with the barrier's fdatasync on the thread pool
  // (stores/fs/wal-sync.ts); without that fdatasync nothing syncs meta.sqlite-wal before the 200 and this step fails.
  next(events, lastWrite, `${put.key}: fsync/fdatasync of meta.sqlite-wal after the commit and its record were written`, (e) => SYNCS.has(e.name) && (fdPath(e) ?? '').endsWith('/meta.sqlite-wal'), answer);
}

test('each acknowledged PUT (blob and inline) is fsynced, renamed, directory-synced, committed and its audit record synced before its 200 is written', { skip, timeout: 120_000 }, async () => {
  assert.equal(unavailable, undefined, `CI=true but ${unavailable}: .ci/run installs strace, so this guard must run`);
  const server = await startTracedServer();
  let events: SyscallEvent[] = [];
  const bucket = bucketName('strace');
  const acked: Acked[] = [];
  try {
    assert.equal((await rawRequest(server.url, { method: 'PUT', path: `/${bucket}` })).status, 200);
    // Two large (blob files) and two small (inline in SQLite) PUTs, one after the other so each chain is its own.
    for (const [key, size] of [['large-1', 600_000], ['small-1', 100], ['large-2', 300_000], ['small-2', 2_000]] as const) {
      const body = randomBytes(size);
      const res = await rawRequest(server.url, { method: 'PUT', path: `/${bucket}/${key}`, body });
      assert.equal(res.status, 200, `PUT ${key}: ${res.body}`);
      const etag = String(res.headers.etag).replaceAll('"', '');
      assert.equal(etag, createHash('md5').update(body).digest('hex'));
      const parts = objectParts(server.dataDir, bucket, key);
      assert.equal(parts.length, 1);
      acked.push({ key, etag, blobId: parts[0]!.blob_id });
    }
  } finally {
    events = await server.stop();
  }
  assert.ok(acked[0]!.blobId !== '' && acked[2]!.blobId !== '', 'the large PUTs took the blob-file path');
  assert.ok(acked[1]!.blobId === '' && acked[3]!.blobId === '', 'the small PUTs took the inline path');
  for (const put of acked) assertDurableBeforeAnswer(events, bucket, put);
  // The first blob write makes every shard and syncs the blob root once: not once per shard a process touches first.
  const rootSyncs = events.filter((e) => SYNCS.has(e.name) && succeeded(e) && /\/blobs$/.test(fdPath(e) ?? ''));
  assert.equal(rootSyncs.length, 1, `the blob root is fsynced once in a fresh process, not per new shard: ${rootSyncs.length}`);
});
