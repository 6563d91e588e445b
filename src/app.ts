/** Composition root: config → stores → kms → envelope → operations → edge. The only place components are wired together. */
import { join } from 'node:path';
import type { Clock } from './common/clock.js';
import { systemClock } from './common/clock.js';
import { systemRandom } from './common/random.js';
import type { CredentialLookup } from './common/principal.js';
import { ConfigError, type ServeConfig } from './config/config.js';
import { createPrivateFile, ensureDataDir, holdsData, makePrivate, metaDatabasePath } from './config/data-dir.js';
import { loadRootCredentials, type RootCredentials } from './config/root-credentials.js';
import { loadRootKey } from './config/root-key.js';
import { createPostPolicyVerifier } from './auth/post-policy.js';
import { startHttpServer } from './edge/http-server.js';
import { createPipeline } from './edge/pipeline.js';
import { createQueryRouter } from './edge/query-router.js';
import { createS3Router } from './edge/s3-router.js';
import { createPolicyAuthorizer } from './policy/authorize.js';
import { serviceRouters } from './edge/service-dispatch.js';
import { IAM_OPERATIONS, STS_OPERATIONS, type IamContext } from './iam/iam-operations.js';
import { createIamCredentialLookup, rootPrincipal } from './iam/credential-lookup.js';
import { ensurePrimaryAccount } from './tools/accounts.js';
import { KeyManager } from './kms/key-manager.js';
import { Envelope, kmsNotAvailable } from './sse/envelope.js';
import { FsBlobStore } from './stores/fs/fs-blob-store.js';
import { LeasedBlobStore } from './stores/blob-leases.js';
import { sweepOrphans } from './stores/orphan-sweeper.js';
import { leaveWalMode, openSqliteDatabase, prepareForWrites } from './stores/sqlite/sqlite-database.js';
import { SqliteIamStore } from './stores/sqlite/sqlite-iam-store.js';
import { SqliteKeyStore } from './stores/sqlite/sqlite-key-store.js';
import { SqliteMetaStore } from './stores/sqlite/sqlite-meta-store.js';
import type { MetaStore } from './stores/meta-store.js';
import type { BlobStore } from './stores/blob-store.js';
import type { IamStore } from './stores/iam-store.js';

export type Logger = (message: string, fields?: Record<string, unknown>) => void;

export const stderrLogger: Logger = (message, fields) => {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), msg: message, ...fields }) + '\n');
};

/** The stores, keys and envelope of a data directory, opened for the server or an offline command. */
export interface OpenedData {
  readonly meta: MetaStore;
  /** Accounts, IAM users, groups, access keys (sealed secrets) and inline policies, in the same database. */
  readonly iam: IamStore;
  readonly blobs: BlobStore;
  readonly keys: KeyManager;
  readonly envelope: Envelope;
  readonly rootKeySource: { generated: boolean; source: string };
  close(): Promise<void>;
}

/**
 * How a command uses the data directory: 'serve' may create it (and a development root key in a new
 * one); 'write' (keys rotate, rewrap) needs it to exist; 'read' (keys list, scrub) writes nothing at all.
 */
export type DataAccess = 'serve' | 'write' | 'read';

/** Opens a data directory; a wrong or missing root key throws before anything on disk changes. */
export async function openData(
  config: Pick<ServeConfig, 'dataDir' | 'rootKeyFile' | 'rootKeyValue' | 'sseS3RotationDays'>, clock: Clock = systemClock, access: DataAccess = 'serve',
): Promise<OpenedData> {
  const dbPath = metaDatabasePath(config.dataDir);
  const fresh = !holdsData(config.dataDir);
  if (fresh && access !== 'serve') throw new ConfigError(`no data directory at ${config.dataDir} (no meta.sqlite); nothing was changed`);
  if (fresh) ensureDataDir(config.dataDir);
  const rootKey = loadRootKey({ rootKeyFile: config.rootKeyFile, rootKeyValue: config.rootKeyValue, dataDir: config.dataDir, mayGenerate: fresh && access === 'serve' });
  if (fresh) createPrivateFile(dbPath);
  const db = openSqliteDatabase(dbPath, access === 'read' ? 'read-only' : 'verify-first');
  let keys: KeyManager | undefined;
  try {
    // Every sealed master key is opened first (fresh: none); nothing is written before that succeeds.
    keys = await KeyManager.open({ store: new SqliteKeyStore(db), rootKey: rootKey.key, clock, random: systemRandom, rotationDays: config.sseS3RotationDays, mode: access === 'read' ? 'read-only' : 'verify' });
    if (access !== 'read') {
      makePrivate([join(config.dataDir, 'root.key'), join(config.dataDir, 'account-id'), dbPath, `${dbPath}-wal`, `${dbPath}-shm`]);
      prepareForWrites(db);
      await keys.ensureCurrent();
    }
    const opened = keys;
    const meta = new SqliteMetaStore(db);
    const blobs = await FsBlobStore.open(join(config.dataDir, 'blobs'));
    // SSE-KMS key use: refused NotImplemented until the KMS issue wires its key service here.
    const envelope = new Envelope(opened, systemRandom, kmsNotAvailable);
    return {
      meta, iam: new SqliteIamStore(db), blobs, keys: opened, envelope,
      rootKeySource: { generated: rootKey.generated, source: rootKey.source },
      close: async () => {
        await blobs.close();
        if (access !== 'read') leaveWalMode(db);
        await meta.close();
        opened.wipe();
        rootKey.key.wipe();
      },
    };
  } catch (err) {
    keys?.wipe();
    rootKey.key.wipe();
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
  if (swept.orphans + swept.temporary > 0) log('swept unreferenced blobs', { temporary: swept.temporary, orphans: swept.orphans });
  if (swept.undeletable.length > 0) log('orphan sweep could not delete some blobs', { blobIds: swept.undeletable });
  const credentials = await loadRootCredentials(config.dataDir, { accessKey: config.rootAccessKey, secretKey: config.rootSecretKey }, data.keys, systemRandom);
  // The first account: the data directory's own, whose root user holds the server's root credentials.
  const primary = await ensurePrimaryAccount(data.iam, credentials.accountId, clock);
  // The signer compares against this string; it lives only in this closure.
  const rootSecret = credentials.secretAccessKey.reveal().toString('utf8');
  const primaryRoot = rootPrincipal(primary, credentials.accessKeyId);
  // Every other key (other accounts' roots, IAM users) is looked up in the IAM store on each request.
  const storedKeys = createIamCredentialLookup(data.iam, (id, sealed) => data.keys.openAccessKeySecret(id, sealed));
  const lookup: CredentialLookup = async (accessKeyId) =>
    accessKeyId === credentials.accessKeyId ? { secretAccessKey: rootSecret, principal: primaryRoot } : storedKeys(accessKeyId);
  const authorize = createPolicyAuthorizer({ meta: data.meta, iam: data.iam, clock });
  const iamContext: IamContext = { store: data.iam, seal: (id, secret) => data.keys.sealAccessKeySecret(id, secret), clock, random: systemRandom };
  const handler = createPipeline({
    lookup, clock, region: config.region, log, authorize,
    routers: serviceRouters([
      createS3Router({
        domain: config.domain,
        s3: {
          meta: data.meta, blobs: new LeasedBlobStore(data.blobs, log), envelope: data.envelope, clock, region: config.region, log, authorize,
          legacyBucketDefaults: config.legacyBucketDefaults,
          allowInsecureSseC: config.allowInsecureSseC,
          postPolicy: createPostPolicyVerifier({ lookup, clock, region: config.region }),
        },
      }),
      createQueryRouter('iam', IAM_OPERATIONS, iamContext),
      createQueryRouter('sts', STS_OPERATIONS, iamContext),
    ]),
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
      credentials.secretAccessKey.wipe();
    },
  };
}
