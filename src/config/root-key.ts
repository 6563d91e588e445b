/** Loads the operator's root key; a development start on a new data dir generates one inside it (the caller warns loudly: it then protects nothing). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemRandom } from '../common/random.js';
import { Secret } from '../common/secret.js';
import { ConfigError } from './config.js';

function parseKey(text: string, source: string): Secret {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.length !== 32) throw new Error(`root key from ${source} must be 32 bytes (base64 or hex), got ${bytes.length}`);
  return new Secret(bytes);
}

/**
 * The root key from --root-key-file, STRONGROOM_ROOT_KEY, or a development root.key in the data dir.
 * Without any of them, a key is generated only when `mayGenerate` (a start on a new data dir); otherwise
 * the start is refused before anything is written, because a new key could not open the existing data.
 */
export function loadRootKey(opts: { rootKeyFile?: string; rootKeyValue?: string; dataDir: string; mayGenerate: boolean }): { key: Secret; generated: boolean; source: string } {
  if (opts.rootKeyFile) return { key: parseKey(readFileSync(opts.rootKeyFile, 'utf8'), opts.rootKeyFile), generated: false, source: opts.rootKeyFile };
  if (opts.rootKeyValue) return { key: parseKey(opts.rootKeyValue, 'STRONGROOM_ROOT_KEY'), generated: false, source: 'STRONGROOM_ROOT_KEY' };
  const path = join(opts.dataDir, 'root.key');
  if (existsSync(path)) return { key: parseKey(readFileSync(path, 'utf8'), path), generated: false, source: `data-dir ${path}` };
  if (!opts.mayGenerate) {
    throw new ConfigError(`no root key given (--root-key-file or STRONGROOM_ROOT_KEY) for the data directory ${opts.dataDir}; nothing was changed`);
  }
  const bytes = systemRandom.bytes(32);
  writeFileSync(path, bytes.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key: new Secret(bytes), generated: true, source: `data-dir ${path}` };
}
