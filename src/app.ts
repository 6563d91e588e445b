/** Composition root: config → stores → kms → envelope → operations → edge. The only place components are wired together. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './common/clock.js';
import { systemClock } from './common/clock.js';
import { systemRandom } from './common/random.js';
import type { CredentialLookup } from './common/principal.js';
import type { ServeConfig } from './config/config.js';
import { loadRootCredentials, type RootCredentials } from './config/root-credentials.js';
import { loadRootKey } from './config/root-key.js';
import { createPostPolicyVerifier } from './auth/post-policy.js';
import { startHttpServer } from './edge/http-server.js';
import { createPipeline } from './edge/pipeline.js';
import { KeyManager } from './kms/key-manager.js';
import { Envelope } from './sse/envelope.js';
import { FsBlobStore } from './stores/fs/fs-blob-store.js';
import { sweepOrphans } from './stores/orphan-sweeper.js';
import { openSqliteDatabase } from './stores/sqlite/sqlite-database.js';
import { SqliteKeyStore } from './stores/sqlite/sqlite-key-store.js';
import { SqliteMetaStore } from './stores/sqlite/sqlite-meta-store.js';
import type { MetaStore } from './stores/meta-store.js';
import type { BlobStore } from './stores/blob-store.js';

export type Logger = (message: string, fields?: Record<string, unknown>) => void;

export const stderrLogger: Logger = (message, fields) => {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), msg: message, ...fields }) + '\n');
};

/** The stores, keys and envelope of a data directory, opened for the server or an offline command. */
export interface OpenedData {
  readonly meta: MetaStore;
  readonly blobs: BlobStore;
  readonly keys: KeyManager;
  readonly envelope: Envelope;
  readonly rootKeySource: { generated: boolean; source: string };
  close(): Promise<void>;
}

/** Opens a data directory; a wrong root key throws before anything on disk changes. */
export async function openData(config: Pick<ServeConfig, 'dataDir' | 'rootKeyFile' | 'rootKeyValue' | 'sseS3RotationDays'>, clock: Clock = systemClock): Promise<OpenedData> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const rootKey = loadRootKey({ rootKeyFile: config.rootKeyFile, rootKeyValue: config.rootKeyValue, dataDir: config.dataDir });
  const db = openSqliteDatabase(join(config.dataDir, 'meta.sqlite'));
  try {
    const keys = await KeyManager.open({ store: new SqliteKeyStore(db), rootKey: rootKey.key, clock, random: systemRandom, rotationDays: config.sseS3RotationDays });
    const meta = new SqliteMetaStore(db);
    const blobs = await FsBlobStore.open(join(config.dataDir, 'blobs'));
    const envelope = new Envelope(keys);
    return {
      meta, blobs, keys, envelope,
      rootKeySource: { generated: rootKey.generated, source: rootKey.source },
      close: async () => { await blobs.close(); await meta.close(); },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

export interface RunningApp {
  readonly url: string;
  readonly credentials: RootCredentials;
  readonly data: OpenedData;
  close(): Promise<void>;
}

export async function startApp(config: ServeConfig, log: Logger = stderrLogger, clock: Clock = systemClock): Promise<RunningApp> {
  const data = await openData(config, clock);
  const swept = await sweepOrphans(data.meta, data.blobs);
  if (swept.orphans + swept.temporary > 0) log('swept unreferenced blobs', swept);
  const credentials = loadRootCredentials(config.dataDir, { accessKey: config.rootAccessKey, secretKey: config.rootSecretKey });
  const rootPrincipal = {
    accessKeyId: credentials.accessKeyId,
    arn: `arn:aws:iam::${credentials.accountId}:root`,
    accountId: credentials.accountId,
    displayName: 'root',
  };
  const lookup: CredentialLookup = async (accessKeyId) =>
    accessKeyId === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey, principal: rootPrincipal } : undefined;
  const handler = createPipeline({
    lookup, clock, region: config.region, domain: config.domain, log,
    s3: {
      meta: data.meta, blobs: data.blobs, envelope: data.envelope, clock, region: config.region, log,
      postPolicy: createPostPolicyVerifier({ lookup, clock, region: config.region }),
    },
  });
  const server = await startHttpServer(handler, config.host, config.port, log, config.connections);
  // Scheduled rotation for long-running servers (a start also rotates when due).
  const rotation = setInterval(() => {
    data.keys.rotateIfDue().then((rotated) => { if (rotated) log('SSE-S3 master key rotated', { version: data.keys.currentMasterKey().version }); },
      (err: unknown) => log('scheduled master key rotation failed', { error: String(err) }));
  }, 60 * 60 * 1000);
  rotation.unref();
  return {
    url: server.url,
    credentials,
    data,
    close: async () => {
      clearInterval(rotation);
      await server.close();
      await data.close();
    },
  };
}
