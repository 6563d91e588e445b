/** The account root's access key: from the environment, else generated once and kept in the data dir (mode 0600). */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RootCredentials { readonly accessKeyId: string; readonly secretAccessKey: string; readonly accountId: string; readonly generated: boolean }

const FILE = 'root-credentials.json';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function accessKeyId(): string {
  const bytes = randomBytes(16);
  return 'SR' + Array.from(bytes, (b) => ALPHABET[b % 32]).join('').slice(0, 18);
}

/** The 12-digit account id of this installation, kept in the data dir so buckets keep their owner across restarts. */
function loadAccountId(dataDir: string): string {
  const path = join(dataDir, 'account-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const id = String(100000000000 + (randomBytes(6).readUIntBE(0, 6) % 900000000000));
  writeFileSync(path, id + '\n', { mode: 0o600 });
  return id;
}

export function loadRootCredentials(dataDir: string, fromEnv: { accessKey: string | undefined; secretKey: string | undefined }): RootCredentials {
  const accountId = loadAccountId(dataDir);
  if (fromEnv.accessKey && fromEnv.secretKey) {
    return { accessKeyId: fromEnv.accessKey, secretAccessKey: fromEnv.secretKey, accountId, generated: false };
  }
  if (fromEnv.accessKey || fromEnv.secretKey) {
    throw new Error('set both STRONGROOM_ROOT_ACCESS_KEY and STRONGROOM_ROOT_SECRET_KEY, or neither');
  }
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { accessKeyId: string; secretAccessKey: string };
    return { ...saved, accountId, generated: false };
  }
  const creds = { accessKeyId: accessKeyId(), secretAccessKey: randomBytes(30).toString('base64').replace(/[+/=]/g, '').slice(0, 40) };
  writeFileSync(path, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return { ...creds, accountId, generated: true };
}
