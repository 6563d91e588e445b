/** Runs the IamStore contract against SQLite in a real temporary database file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIamStoreContract } from '../iam-store.contract.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { SqliteIamStore } from './sqlite-iam-store.js';

runIamStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-iam-'));
  return new SqliteIamStore(openSqliteDatabase(join(dir, 'meta.sqlite')));
});
