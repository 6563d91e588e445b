/** Loads the operator's root key; a development start without one generates it in the data dir (the caller warns loudly). */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from '../common/secret.js';

function parseKey(text: string, source: string): Secret {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.length !== 32) throw new Error(`root key from ${source} must be 32 bytes (base64 or hex), got ${bytes.length}`);
  return new Secret(bytes);
}

export function loadRootKey(opts: { rootKeyFile?: string; rootKeyValue?: string; dataDir: string }): { key: Secret; generated: boolean; source: string } {
  if (opts.rootKeyFile) return { key: parseKey(readFileSync(opts.rootKeyFile, 'utf8'), opts.rootKeyFile), generated: false, source: opts.rootKeyFile };
  if (opts.rootKeyValue) return { key: parseKey(opts.rootKeyValue, 'STRONGROOM_ROOT_KEY'), generated: false, source: 'STRONGROOM_ROOT_KEY' };
  const path = join(opts.dataDir, 'root.key');
  if (existsSync(path)) return { key: parseKey(readFileSync(path, 'utf8'), path), generated: false, source: `data-dir ${path}` };
  const bytes = randomBytes(32);
  writeFileSync(path, bytes.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key: new Secret(bytes), generated: true, source: `data-dir ${path}` };
}
