/** The CI switch: with STRONGROOM_REQUIRE_TOOLS=1 a missing client fails the test file that needs it; without it the test skips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../..', import.meta.url).pathname;
const probe = `import('./test/helpers/required-tools.ts').then((m) => console.log(m.toolPresent('strongroom-no-such-client', [], 'the test client is missing')))`;

function load(env: Record<string, string>) {
  const { STRONGROOM_REQUIRE_TOOLS: _, ...rest } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: ROOT, env: { ...rest, NODE_OPTIONS: '', ...env }, encoding: 'utf8' });
}

test('a missing client is a skip by default and a failure when STRONGROOM_REQUIRE_TOOLS=1', () => {
  const relaxed = load({});
  assert.equal(relaxed.status, 0, relaxed.stderr);
  assert.equal(relaxed.stdout.trim(), 'false');
  const strict = load({ STRONGROOM_REQUIRE_TOOLS: '1' });
  assert.notEqual(strict.status, 0);
  assert.match(strict.stderr, /the test client is missing; STRONGROOM_REQUIRE_TOOLS=1/);
});

test('.ci/run installs the clients the tests use and sets the switch', () => {
  const ci = readFileSync(`${ROOT}.ci/run`, 'utf8');
  for (const pkg of ['awscli', 'python3-boto3', 'curl', 'rclone', 's3cmd', 'chromium']) assert.match(ci, new RegExp(`\\(${pkg}[ )]`), pkg);
  assert.match(ci, /^export STRONGROOM_REQUIRE_TOOLS=1$/m);
});
