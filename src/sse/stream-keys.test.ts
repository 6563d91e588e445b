/** Data keys in the stream ciphers: never visible through util.inspect or JSON, wiped on success, on error and when abandoned. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Envelope, type ObjectBinding } from './envelope.js';
import { EncryptStream } from './encrypt-stream.js';
import { DecryptStream } from './decrypt-stream.js';
import { packageSpan } from './range-math.js';
import { HEADER } from './package-format.js';
import { KeyManager } from '../kms/key-manager.js';
import { Secret } from '../common/secret.js';
import type { Random } from '../common/random.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteKeyStore } from '../stores/sqlite/sqlite-key-store.js';
import { SqliteKmsStore } from '../stores/sqlite/sqlite-kms-store.js';

const binding: ObjectBinding = { bucket: 'b', key: 'k', writeId: 'w1', partNumber: 1 };

/** A CSPRNG that remembers the 32-byte values it handed out: a write draws its data key first, then its sealed record's salt. */
function recordingRandom(): Random & { keys: Buffer[] } {
  const keys: Buffer[] = [];
  return { keys, bytes: (n) => { const b = randomBytes(n); if (n === 32) keys.push(b); return b; } };
}

async function setup() {
  const db = openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'strongroom-streamkeys-')), 'meta.sqlite'));
  const random = recordingRandom();
  const keys = await KeyManager.open({ store: new SqliteKeyStore(db), kmsStore: new SqliteKmsStore(db), rootKey: new Secret(randomBytes(32)), clock: { now: () => new Date() }, random, rotationDays: 365 });
  return { envelope: new Envelope(keys, random), random };
}

/** Every text form a key's bytes could take in a dump. */
function forms(key: Buffer): string[] {
  return [key.toString('hex'), key.toString('base64'), inspect(key).slice(8, 8 + 3 * 12), JSON.stringify(key).slice(20, 60)];
}

function assertNoKey(object: unknown, key: Buffer, what: string): void {
  const dumps = [inspect(object, { depth: 6, showHidden: true, getters: true }), JSON.stringify(object, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? ''];
  for (const dump of dumps) for (const form of forms(key)) assert.ok(!dump.includes(form), `${what} shows its key as ${form}`);
}

async function sink(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out);
}

test('util.inspect and JSON.stringify of encrypt and decrypt streams show no key bytes', async () => {
  const { envelope, random } = await setup();
  const drawn = random.keys.length;
  const write = await envelope.beginWrite({ kind: 'sse-s3' }, binding, { principal: undefined, requestId: 'test' });
  const dataKey = Buffer.from(random.keys[drawn]!);
  assertNoKey(write.encrypt, dataKey, 'the encrypt stream');
  assertNoKey(write, dataKey, 'the write session');
  const blob = await sink(Readable.from([Buffer.from('hello')]).pipe(write.encrypt));
  const read = await envelope.openRead(write.sealedKey, binding, 5);
  assertNoKey(read.decrypt, dataKey, 'the decrypt stream');
  assertNoKey(read, dataKey, 'the read session');
  assertNoKey(envelope, dataKey, 'the envelope');
  assert.equal((await sink(Readable.from([blob.subarray(read.cipherStart)]).pipe(read.decrypt))).toString(), 'hello');
});

test('the decrypt stream wipes its key: after the last byte, on a tag failure, and when abandoned (the blob never opened)', async () => {
  const key = new Secret(randomBytes(32));
  const keyCopy = new Secret(Buffer.from(key.reveal()));
  const plain = Buffer.from('some plaintext');
  const enc = new EncryptStream(keyCopy, () => undefined);
  const blob = await sink(Readable.from([plain]).pipe(enc));
  const span = packageSpan(plain.length, 0, plain.length - 1);
  const range = { start: 0, end: plain.length - 1 };

  const ok = new Secret(Buffer.from(key.reveal()));
  assert.deepEqual(await sink(Readable.from([blob.subarray(HEADER.length)]).pipe(new DecryptStream(ok, span, plain.length, range, () => undefined))), plain);
  assert.ok(ok.wiped, 'not wiped after a complete read');

  const tampered = Buffer.from(blob);
  tampered[HEADER.length + 2]! ^= 1;
  const bad = new Secret(Buffer.from(key.reveal()));
  await assert.rejects(sink(Readable.from([tampered.subarray(HEADER.length)]).pipe(new DecryptStream(bad, span, plain.length, range, () => undefined))), /package authentication failed/);
  assert.ok(bad.wiped, 'not wiped after a tag failure');

  const abandoned = new Secret(Buffer.from(key.reveal()));
  const stream = new DecryptStream(abandoned, span, plain.length, range, () => undefined);
  stream.destroy(new Error('ENOENT: the blob could not be opened'));
  await finished(stream).catch(() => undefined);
  assert.ok(abandoned.wiped, 'not wiped when destroyed before any input');
});

test('the encrypt stream wipes its key when finished and when the write fails', async () => {
  const done = new Secret(randomBytes(32));
  await sink(Readable.from([Buffer.from('x')]).pipe(new EncryptStream(done, () => undefined)));
  assert.ok(done.wiped, 'not wiped after the last package');
  const failed = new Secret(randomBytes(32));
  const stream = new EncryptStream(failed, () => undefined);
  stream.destroy(new Error('client went away'));
  await finished(stream).catch(() => undefined);
  assert.ok(failed.wiped, 'not wiped after a failed write');
});
