/** The server's Node flags are the same however it is started: `npm start`, the `strongroom` bin, the bench and the test servers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { serverNodeFlags } from '../../bench/launch-flags.js';

const root = new URL('../../', import.meta.url);

test('npm start and the bin shebang give the server the same Node flags, and they are in effect', () => {
  const flags = serverNodeFlags();
  assert.ok(flags.includes('--max-semi-space-size=4') && flags.includes('--heap-growing-percent=100'), `npm start's flags: ${flags.join(' ')}`);
  for (const file of ['src/main.ts', 'dist/main.js']) {
    const shebang = readFileSync(new URL(file, root), 'utf8').split('\n')[0]!;
    assert.equal(shebang, `#!/usr/bin/env -S node ${flags.join(' ')}`, file);
  }
  // The flag does what it is there for: V8's young generation stays at 2 x 4 MB however much is allocated.
  const probe = spawnSync(process.execPath, [...flags, '-e', `
    let keep = []; for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
    const ns = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(ns.space_size);`], { encoding: 'utf8' });
  assert.equal(probe.status, 0, probe.stderr);
  assert.ok(Number(probe.stdout) <= 9 * 1024 * 1024, `new space ${probe.stdout.trim()} bytes`);
});
