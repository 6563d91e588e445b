/** `strongroom audit verify [--from T] [--to T]`: checks the trail's digests and record files offline with the root key, names every change (exit non-zero), and lists what is not sealed yet (files and journal rows). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config.js';
import { loadRootKey } from '../config/root-key.js';
import { auditDigestSigner } from '../kms/audit-digest-key.js';
import { verifyTrail, type VerifyReport } from '../audit/trail-verify.js';
import { FsAuditStore } from '../stores/fs/fs-audit-store.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteAuditJournal } from '../stores/sqlite/sqlite-audit-journal.js';

export async function verifyAuditTrail(dataDir: string, rootKeyFile: string | undefined, rootKeyValue: string | undefined, window: { from?: Date; to?: Date }): Promise<VerifyReport> {
  const dir = join(dataDir, 'audit');
  if (!existsSync(dir)) throw new ConfigError(`no audit trail at ${dir}`);
  const rootKey = loadRootKey({ rootKeyFile, rootKeyValue, dataDir, mayGenerate: false });
  const signer = auditDigestSigner(rootKey.key);
  try {
    const store = await FsAuditStore.open(dir);
    const report = await verifyTrail(store, signer, window);
    // Records still in the journal (a server running, or one that crashed and has not started since) are not sealed yet.
    const dbPath = join(dataDir, 'meta.sqlite');
    if (existsSync(dbPath)) {
      const db = openSqliteDatabase(dbPath, 'read-only');
      try {
        for (const s of SqliteAuditJournal.pendingIn(db)) report.unsealed.push(`${s.accountId}/${s.segment} (${s.records} records in the journal)`);
      } finally {
        db.close();
      }
    }
    return report;
  } finally {
    signer.wipe();
    rootKey.key.wipe();
  }
}
