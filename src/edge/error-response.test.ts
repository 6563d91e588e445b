/** errorResponse: operating-system failures are logged by their code without a stack; clients see an opaque InternalError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorResponse } from './error-response.js';

const ctx = { requestId: 'REQ1', hostId: 'HOST', sourceIp: '127.0.0.1', secure: false, startedAt: 0 };

test('ENOSPC is logged as ENOSPC (one line, no stack) and answered 500 InternalError', () => {
  const logged: Array<[string, Record<string, unknown> | undefined]> = [];
  const err = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const res = errorResponse(err, ctx, (m, f) => logged.push([m, f]));
  assert.equal(res.status, 500);
  assert.match(String(res.body), /<Code>InternalError<\/Code>/);
  assert.doesNotMatch(String(res.body), /ENOSPC|space/);
  assert.equal(logged.length, 1);
  const [message, fields] = logged[0]!;
  assert.match(message, /ENOSPC/);
  assert.equal(fields?.['code'], 'ENOSPC');
  assert.equal(fields?.['requestId'], 'REQ1');
  assert.doesNotMatch(JSON.stringify(fields), /\\n\s+at /, 'no stack');
});

test('a bug (no errno code) is still logged with its stack as an internal error', () => {
  const logged: string[] = [];
  errorResponse(new TypeError('x is undefined'), ctx, (m, f) => logged.push(`${m} ${JSON.stringify(f)}`));
  assert.match(logged[0]!, /^internal error .*TypeError: x is undefined\\n\s+at /);
});
