/** aws-chunked decoder bounds: trailer count and bytes, chunk-header line length, chunk sizes against the declared decoded length. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { AwsChunkedDecoder } from './aws-chunked-decoder.js';

/** Feeds `pieces` through an unsigned decoder; returns what it emitted and the error it ended with, if any. */
async function decode(pieces: Array<string | Buffer>, opts: { trailer?: boolean; expected?: number } = {}) {
  const decoder = new AwsChunkedDecoder(undefined, opts.trailer ?? true, opts.expected);
  Readable.from(pieces.map((p) => Buffer.from(p))).pipe(decoder);
  // Flowing mode: every byte the decoder lets through is counted, even when an error follows.
  const out: Buffer[] = [];
  decoder.on('data', (c: Buffer) => out.push(c));
  const error = await new Promise<{ code?: string } | undefined>((resolve) => {
    decoder.once('end', () => resolve(undefined));
    decoder.once('error', (e) => resolve(e as { code?: string }));
  });
  return { data: Buffer.concat(out), error, decoder };
}

const lines = (n: number, make = (i: number) => `x-amz-t${i}:v`) => Array.from({ length: n }, (_, i) => `${make(i)}\r\n`).join('');

test('a normal trailer is collected', async () => {
  const r = await decode(['5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n'], { expected: 5 });
  assert.equal(r.error, undefined);
  assert.equal(r.data.toString(), 'hello');
  assert.deepEqual({ ...r.decoder.trailers }, { 'x-amz-checksum-crc32': 'NhCmhg==' });
});

test('16 trailer lines pass, the 17th is MalformedTrailerError', async () => {
  assert.equal((await decode([`0\r\n${lines(16)}\r\n`])).error, undefined);
  const r = await decode([`0\r\n${lines(17)}\r\n`]);
  assert.equal(r.error?.code, 'MalformedTrailerError');
});

test('a trailer section over 16 KiB is MalformedTrailerError, even in lines that are each short enough', async () => {
  const r = await decode([`0\r\n${lines(5, (i) => `x-amz-t${i}:${'v'.repeat(4000)}`)}\r\n`]);
  assert.equal(r.error?.code, 'MalformedTrailerError');
});

test('millions of trailer lines stop at the cap without reading them all', async () => {
  const many = Buffer.from(lines(100_000));
  let fed = 0;
  const source = Readable.from((function* () { yield Buffer.from('0\r\n'); for (let i = 0; i < 50; i++) { fed++; yield many; } })());
  const decoder = new AwsChunkedDecoder(undefined, true, undefined);
  source.pipe(decoder);
  await assert.rejects(async () => { for await (const _ of decoder) { /* drain */ } }, { code: 'MalformedTrailerError' });
  assert.ok(fed < 5, `fed ${fed} pieces`);
});

test('a trailer named __proto__ or repeated is refused, and never reaches the prototype', async () => {
  const proto = await decode(['0\r\n__proto__:x\r\n\r\n']);
  assert.equal(proto.error?.code, 'MalformedTrailerError');
  const dup = await decode(['0\r\nx-amz-checksum-crc32:a\r\nx-amz-checksum-crc32:b\r\n\r\n']);
  assert.equal(dup.error?.code, 'MalformedTrailerError');
});

test('a chunk-header line over 1 KiB is refused, whether or not its CRLF arrived in the same piece', async () => {
  const long = `5;${'x'.repeat(2000)}\r\nhello\r\n0\r\n\r\n`;
  assert.equal((await decode([long], { trailer: false })).error?.code, 'IncompleteBody');
  assert.equal((await decode([long.slice(0, 1500), long.slice(1500)], { trailer: false })).error?.code, 'IncompleteBody');
});

test('a chunk size beyond 5 GiB is refused at its header', async () => {
  const r = await decode(['ffffffffffffffff\r\n', 'abc'], { trailer: false });
  assert.equal(r.error?.code, 'IncompleteBody');
  assert.equal(r.data.length, 0);
});

test('a chunk that would pass x-amz-decoded-content-length fails at its header: no excess byte is emitted', async () => {
  const one = await decode([`${(1024 * 1024).toString(16)}\r\n`, Buffer.alloc(64 * 1024)], { trailer: false, expected: 1 });
  assert.equal(one.error?.code, 'IncompleteBody');
  assert.equal(one.data.length, 0);
  const split = await decode(['8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n'], { trailer: false, expected: 10 });
  assert.equal(split.error?.code, 'IncompleteBody');
  assert.ok(split.data.length <= 10, `emitted ${split.data.length} bytes`);
});

test('a body shorter than x-amz-decoded-content-length is IncompleteBody at its end', async () => {
  const r = await decode(['5\r\nhello\r\n0\r\n\r\n'], { trailer: false, expected: 6 });
  assert.equal(r.error?.code, 'IncompleteBody');
});
