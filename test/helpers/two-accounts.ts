/** A server whose data directory holds two accounts: the first (the server's root keys) and a second added offline with `strongroom accounts add`. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from './start-server.js';
import { strongroomCommand } from './data-dir.js';
import type { Keys } from './policy-rig.js';

export interface TwoAccounts {
  readonly server: TestServer;
  readonly first: Keys;
  readonly second: Keys;
  readonly secondAccountId: string;
  stop(): Promise<void>;
}

export async function startTwoAccounts(label: string): Promise<TwoAccounts> {
  const work = mkdtempSync(join(tmpdir(), `strongroom-${label}-`));
  const keyFile = join(work, 'root.key');
  const dataDir = join(work, 'data');
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const boot = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
  await boot.stop({ remove: false });
  const second = { accessKey: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`, secretKey: `second-${randomBytes(16).toString('hex')}` };
  const added = await strongroomCommand(['accounts', 'add', `tenant-${label}`, '--access-key', second.accessKey, '--secret-key', second.secretKey, '--data', dataDir, '--root-key-file', keyFile]);
  assert.equal(added.code, 0, added.stderr);
  const id = /added: id (\d{12})/.exec(added.stdout)?.[1];
  assert.ok(id, `accounts add printed no account id: ${added.stdout}`);
  const server = await startServer({ dataDir, args: ['--root-key-file', keyFile] });
  return {
    server, first: { accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY }, second, secondAccountId: id!,
    stop: async () => {
      await server.stop({ remove: false });
      rmSync(work, { recursive: true, force: true });
    },
  };
}
