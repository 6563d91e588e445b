/** `strongroom audit verify [--from T] [--to T]`: checks the trail's digests and record files offline with the root key; names every change and exits non-zero. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config.js';
import { loadRootKey } from '../config/root-key.js';
import { auditDigestSigner } from '../kms/audit-digest-key.js';
import { verifyTrail, type VerifyReport } from '../audit/trail-verify.js';
import { FsAuditStore } from '../stores/fs/fs-audit-store.js';

export async function verifyAuditTrail(dataDir: string, rootKeyFile: string | undefined, rootKeyValue: string | undefined, window: { from?: Date; to?: Date }): Promise<VerifyReport> {
  const dir = join(dataDir, 'audit');
  if (!existsSync(dir)) throw new ConfigError(`no audit trail at ${dir}`);
  const rootKey = loadRootKey({ rootKeyFile, rootKeyValue, dataDir, mayGenerate: false });
  const signer = auditDigestSigner(rootKey.key);
  try {
    const store = await FsAuditStore.open(dir);
    return await verifyTrail(store, signer, window);
  } finally {
    signer.wipe();
    rootKey.key.wipe();
  }
}
