/** The account root's access key: from the environment, else generated once and kept with its secret sealed by the root key. */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';

/** Where the secret came from; only 'generated' may be printed, and only on the start that generated it. */
export type CredentialOrigin = 'environment' | 'generated' | 'stored';

export interface RootCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: Secret;
  readonly accountId: string;
  readonly origin: CredentialOrigin;
}

/** Where credential secrets are kept sealed (the key manager: it holds the root key). */
export interface CredentialVault {
  storedCredential(name: string): Promise<{ accessKeyId: string; secret: Secret } | undefined>;
  storeCredential(name: string, accessKeyId: string, secret: Secret): Promise<void>;
}

/** The clear file of versions before sealed credentials; sealed and removed on start. */
const LEGACY_FILE = 'root-credentials.json';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function accessKeyId(random: Random): string {
  return 'SR' + Array.from(random.bytes(18), (b) => ALPHABET[b % 32]).join('');
}

/** The 12-digit account id of this installation, kept in the data dir so buckets keep their owner across restarts. */
function loadAccountId(dataDir: string, random: Random): string {
  const path = join(dataDir, 'account-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const id = String(100000000000 + (random.bytes(6).readUIntBE(0, 6) % 900000000000));
  writeFileSync(path, id + '\n', { mode: 0o600 });
  return id;
}

/** The account id of an existing data directory (the first account's), or undefined before its first start. */
export function storedAccountId(dataDir: string): string | undefined {
  const path = join(dataDir, 'account-id');
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** Seals the secret of a clear root-credentials.json (unless one is stored already), then deletes the file durably. */
async function migrateLegacyFile(dataDir: string, vault: CredentialVault): Promise<void> {
  const path = join(dataDir, LEGACY_FILE);
  if (!existsSync(path)) return;
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { accessKeyId?: unknown; secretAccessKey?: unknown };
  if (typeof saved.accessKeyId !== 'string' || typeof saved.secretAccessKey !== 'string') throw new Error(`${path}: not a credentials file`);
  if (!(await vault.storedCredential('root'))) {
    await vault.storeCredential('root', saved.accessKeyId, new Secret(Buffer.from(saved.secretAccessKey, 'utf8')));
  }
  unlinkSync(path);
  const dir = openSync(dataDir, 'r');
  try { fsyncSync(dir); } finally { closeSync(dir); }
}

/**
 * Root credentials: the environment's when both variables are set; else the stored ones (sealed by
 * the root key through `vault`); else new ones, generated and stored sealed. No secret is ever
 * written in the clear.
 */
export async function loadRootCredentials(
  dataDir: string, fromEnv: { accessKey: string | undefined; secretKey: string | undefined }, vault: CredentialVault, random: Random,
): Promise<RootCredentials> {
  if (Boolean(fromEnv.accessKey) !== Boolean(fromEnv.secretKey)) {
    throw new Error('set both STRONGROOM_ROOT_ACCESS_KEY and STRONGROOM_ROOT_SECRET_KEY, or neither');
  }
  const accountId = loadAccountId(dataDir, random);
  await migrateLegacyFile(dataDir, vault);
  if (fromEnv.accessKey && fromEnv.secretKey) {
    return { accessKeyId: fromEnv.accessKey, secretAccessKey: new Secret(Buffer.from(fromEnv.secretKey, 'utf8')), accountId, origin: 'environment' };
  }
  const stored = await vault.storedCredential('root');
  if (stored) return { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secret, accountId, origin: 'stored' };
  const id = accessKeyId(random);
  const secret = new Secret(Buffer.from(random.bytes(30).toString('base64').replace(/[+/=]/g, '').slice(0, 40), 'utf8'));
  await vault.storeCredential('root', id, secret);
  return { accessKeyId: id, secretAccessKey: secret, accountId, origin: 'generated' };
}
