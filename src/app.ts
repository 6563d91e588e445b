/** Composition root: config → stores → kms → envelope → operations → edge. The only place components are wired together. */
import { join } from 'node:path';
import type { Clock } from './common/clock.js';
import { systemClock } from './common/clock.js';
import { systemRandom } from './common/random.js';
import type { CredentialLookup, Principal } from './common/principal.js';
import { ConfigError, type ServeConfig } from './config/config.js';
import { createPrivateFile, ensureDataDir, holdsData, makePrivate, metaDatabasePath } from './config/data-dir.js';
import { loadRootCredentials, type RootCredentials } from './config/root-credentials.js';
import { loadRootKey } from './config/root-key.js';
import { loadTlsCredentials, type TlsCredentials } from './config/tls-credentials.js';
import { createPostPolicyVerifier } from './auth/post-policy.js';
import { startHttpServer, type RunningServer } from './edge/http-server.js';
import { createPipeline } from './edge/pipeline.js';
import { createQueryRouter } from './edge/query-router.js';
import { createS3Router } from './edge/s3-router.js';
import { createCloudTrailRouter } from './edge/cloudtrail-router.js';
import { createPolicyAuthorizer } from './policy/authorize.js';
import { serviceRouters } from './edge/service-dispatch.js';
import { IAM_OPERATIONS, STS_OPERATIONS, type IamContext } from './iam/iam-operations.js';
import { createIamCredentialLookup, rootPrincipal } from './iam/credential-lookup.js';
import { ensurePrimaryAccount } from './tools/accounts.js';
import { KeyManager } from './kms/key-manager.js';
import { auditDigestSigner, type DigestSigner } from './kms/audit-digest-key.js';
import { CloudTrailTrail } from './audit/cloudtrail-trail.js';
import { bucketDelivery } from './audit/trail-delivery.js';
import { keyUnderLock, S3_OPERATIONS } from './s3/s3-operations.js';
import type { S3Context } from './s3/s3-request.js';
import { Readable } from 'node:stream';
import { FsAuditStore } from './stores/fs/fs-audit-store.js';
import { SqliteAuditJournal } from './stores/sqlite/sqlite-audit-journal.js';
import type { AuditJournal } from './stores/audit-store.js';
import { KmsService, type KmsKeyUse } from './kms/kms-service.js';
import { ExternalKmsClient } from './kms/external-kms-client.js';
import { createKmsRouter } from './edge/kms-router.js';
import { noAuditLog, type AuditLog } from './audit/audit-log.js';
import { SqliteKmsStore } from './stores/sqlite/sqlite-kms-store.js';
import { Envelope } from './sse/envelope.js';
import { FsBlobStore } from './stores/fs/fs-blob-store.js';
import { LeasedBlobStore } from './stores/blob-leases.js';
import { sweepOrphans } from './stores/orphan-sweeper.js';
import { leaveWalMode, openSqliteDatabase, prepareForWrites } from './stores/sqlite/sqlite-database.js';
import { WalSync } from './stores/fs/wal-sync.js';
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
  /** The built-in KMS (its API is served on the same port; its keys sealed by the root key). */
  readonly kms: KmsService;
  /** What SSE-KMS uses to make and open data keys: the built-in KMS on S3's behalf, or an external KMS (--kms-endpoint). */
  readonly kmsKeyUse: KmsKeyUse;
  readonly envelope: Envelope;
  readonly rootKeySource: { generated: boolean; source: string };
  /** Signs the audit trail's digests (a key derived from the root key; wiped at close). */
  readonly auditSigner: DigestSigner;
  /** The audit trail's journal, in the metadata database (its rows share the metadata's group commit); none when read-only. */
  readonly auditJournal: AuditJournal | undefined;
  close(): Promise<void>;
}

/**
 * How a command uses the data directory: 'serve' may create it (and a development root key in a new
 * one); 'write' (keys rotate, rewrap) needs it to exist; 'read' (keys list, scrub) writes nothing at all.
 */
export type DataAccess = 'serve' | 'write' | 'read';

/** Opens a data directory; a wrong or missing root key throws before anything on disk changes. */
export async function openData(
  config: Pick<ServeConfig, 'dataDir' | 'rootKeyFile' | 'rootKeyValue' | 'sseS3RotationDays'> & Partial<Pick<ServeConfig, 'region' | 'externalKms'>>,
  clock: Clock = systemClock, access: DataAccess = 'serve', audit: AuditLog = noAuditLog,
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
    // The SSE-S3 master key is an internal key of the built-in KMS: its versions live in the KMS store.
    const kmsStore = new SqliteKmsStore(db);
    // Every sealed master key is opened first (fresh: none); nothing is written before that succeeds.
    keys = await KeyManager.open({ store: new SqliteKeyStore(db), kmsStore, rootKey: rootKey.key, clock, random: systemRandom, rotationDays: config.sseS3RotationDays, mode: access === 'read' ? 'read-only' : 'verify' });
    if (access !== 'read') {
      makePrivate([join(config.dataDir, 'root.key'), join(config.dataDir, 'account-id'), dbPath, `${dbPath}-wal`, `${dbPath}-shm`]);
      prepareForWrites(db);
      // An older data directory's master key moves into the KMS store here (the first write of the start).
      await keys.ensureCurrent();
    }
    const opened = keys;
    // Group commits sync the WAL on the thread pool (stores/fs/wal-sync.ts); read-only: no writes to sync.
    const walSync = access === 'read' ? undefined : new WalSync(`${dbPath}-wal`);
    const meta = new SqliteMetaStore(db, walSync);
    const blobs = await FsBlobStore.open(join(config.dataDir, 'blobs'));
    const auditSigner = auditDigestSigner(rootKey.key);
    const iam = new SqliteIamStore(db);
    const auditJournal = access === 'read' ? undefined : new SqliteAuditJournal(db);
    const kms = new KmsService({ store: kmsStore, iam, rootKey: rootKey.key, clock, random: systemRandom, region: config.region ?? 'us-east-1', audit });
    const kmsKeyUse = config.externalKms ? new ExternalKmsClient(config.externalKms, clock) : kms.keyUseForS3();
    // SSE-KMS and DSSE-KMS data keys come from the built-in KMS, or the external one (--kms-endpoint).
    const envelope = new Envelope(opened, systemRandom, kmsKeyUse);
    return {
      meta, iam, blobs, keys: opened, kms, kmsKeyUse, envelope,
      rootKeySource: { generated: rootKey.generated, source: rootKey.source },
      auditSigner,
      auditJournal,
      close: async () => {
        auditSigner.wipe();
        await blobs.close();
        if (access !== 'read') leaveWalMode(db);
        await meta.close();
        await walSync?.close();
        kms.wipe();
        envelope.wipe();
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

/** Puts one object through S3's PutObject handler (the trail's delivery): its write path, encryption and commit, no HTTP. */
async function deliverObject(s3: S3Context, owner: Principal, bucket: string, key: string, body: Buffer, contentType: string): Promise<void> {
  const put = S3_OPERATIONS['PutObject']!;
  const headers = { 'content-type': contentType, 'content-encoding': 'gzip', 'content-length': String(body.length) };
  // The delivery sends no customer key; were one ever parsed, it is wiped when the put ends, as a request's is.
  const owned: Array<{ wipe(): void }> = [];
  const response = await put({
    method: 'PUT', bucket, key, query: new URLSearchParams(), headers, body: Readable.from([body]), contentLength: body.length, trailers: () => ({}),
    principal: owner, requestId: 'strongroom-audit-delivery', secure: false, sourceIp: '127.0.0.1', origin: 'http://localhost',
    facts: { headers, query: new URLSearchParams(), secure: false, sourceIp: '127.0.0.1', authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256' },
    ownSecret: (secret) => { owned.push(secret); },
  }, s3).finally(() => { for (const s of owned) s.wipe(); });
  if (response.status !== 200) throw new Error(`delivery of ${key} into ${bucket} answered ${response.status}`);
}

export interface RunningApp {
  /** The plain-HTTP endpoint, or the HTTPS one when only that listener runs. */
  readonly url: string;
  /** The HTTPS endpoint, when TLS is configured. */
  readonly tlsUrl: string | undefined;
  /** The certificate the HTTPS listener serves (its fingerprint, and the self-signed file clients should trust). */
  readonly tls: TlsCredentials | undefined;
  /** SIGHUP: re-reads the certificate and key (or renews the self-signed pair) for new connections; throws (keeping the old pair) when they do not load. */
  reloadTls(): TlsCredentials | undefined;
  readonly credentials: RootCredentials;
  readonly data: OpenedData;
  close(): Promise<void>;
}

export async function startApp(config: ServeConfig, log: Logger = stderrLogger, clock: Clock = systemClock): Promise<RunningApp> {
  // KMS events (its API calls and S3's key uses) go into the trail once it is open; before that none happen.
  let trail: CloudTrailTrail | undefined;
  const audit: AuditLog = { record: (event) => (trail === undefined ? Promise.resolve() : trail.record(event)) };
  const data = await openData(config, clock, 'serve', audit);
  // Read before anything listens: a missing or mismatched certificate stops the start.
  let tls: TlsCredentials | undefined;
  try {
    tls = config.tls === undefined ? undefined : loadTlsCredentials(config.tls, config.dataDir);
  } catch (err) {
    await data.close();
    throw err;
  }
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
  const s3Context: S3Context = {
    meta: data.meta, blobs: new LeasedBlobStore(data.blobs, log), envelope: data.envelope, clock, region: config.region, log, authorize,
    legacyBucketDefaults: config.legacyBucketDefaults,
    sseCDefault: config.sseCDefault,
    allowInsecureSseC: config.allowInsecureSseC,
    postPolicy: createPostPolicyVerifier({ lookup, clock, region: config.region }),
  };
  const auditBucket = config.audit.bucket;
  // The trail opens before the server listens: the records a crash left are sealed before new ones arrive.
  trail = config.audit.enabled ? await CloudTrailTrail.open({
    store: await FsAuditStore.open(join(config.dataDir, 'audit')), journal: data.auditJournal!, signer: data.auditSigner, clock, random: systemRandom,
    region: config.region, defaultAccountId: credentials.accountId, log, retentionDays: config.audit.retentionDays,
    // Each sealed stretch is copied into the bucket through S3's own write path (encrypted like any object), as the
    // primary account's root; these writes are the trail's own and are not themselves recorded.
    // Retention keeps the records of an object while any of its versions is under Object Lock.
    objectLocked: (bucket, key) => keyUnderLock(data.meta, bucket, key, clock.now()),
    deliver: auditBucket === undefined ? undefined : bucketDelivery(config.region, (key, body, contentType) => deliverObject(s3Context, primaryRoot, auditBucket, key, body, contentType)),
  }) : undefined;
  const iamContext: IamContext = { store: data.iam, seal: (id, secret) => data.keys.sealAccessKeySecret(id, secret), clock, random: systemRandom };
  const handler = createPipeline({
    lookup, clock, region: config.region, log, authorize, audit: trail,
    trustForwardedProto: new Set(config.trustForwardedProto),
    routers: serviceRouters([
      createS3Router({
        domain: config.domain,
        s3: s3Context,
      }),
      createQueryRouter('iam', IAM_OPERATIONS, iamContext),
      createQueryRouter('sts', STS_OPERATIONS, iamContext),
      createKmsRouter({ service: data.kms, audit, clock }),
      // LookupEvents reads the trail; with --audit off there is none, and it finds nothing.
      createCloudTrailRouter({ trail: trail ?? { records: async () => [] }, clock }),
    ]),
  });
  const servers: RunningServer[] = [];
  try {
    if (config.serveHttp) servers.push(await startHttpServer(handler, config.host, config.port, log, config.connections));
    if (config.tls !== undefined && tls !== undefined) servers.push(await startHttpServer(handler, config.tls.host, config.tls.port, log, config.connections, tls));
  } catch (err) {
    await Promise.all(servers.map((s) => s.close(0)));
    await data.close();
    throw err;
  }
  const httpServer = config.serveHttp ? servers[0] : undefined;
  const tlsServer = tls === undefined ? undefined : servers[servers.length - 1];
  // Scheduled rotation for long-running servers (a start also rotates when due).
  const rotation = setInterval(() => {
    data.keys.rotateIfDue().then((rotated) => { if (rotated) log('SSE-S3 master key rotated', { version: data.keys.currentMasterKey().version }); },
      (err: unknown) => log('scheduled master key rotation failed', { error: String(err) }));
  }, 60 * 60 * 1000);
  rotation.unref();
  // KMS keys whose deletion date passed are destroyed (their material with them); due automatic rotations happen.
  const kmsSweep = setInterval(() => {
    data.kms.sweep().then((r) => { if (r.deleted + r.rotated > 0) log('KMS sweep', r); }, (err: unknown) => log('KMS sweep failed', { error: String(err) }));
  }, 60 * 1000);
  kmsSweep.unref();
  return {
    url: (httpServer ?? tlsServer)!.url,
    tlsUrl: tlsServer?.url,
    get tls() { return tls; },
    reloadTls: () => {
      if (config.tls === undefined || tlsServer === undefined) return undefined;
      const next = loadTlsCredentials(config.tls, config.dataDir);
      tlsServer.reloadTls(next);
      tls = next;
      return next;
    },
    credentials,
    data,
    close: async () => {
      clearInterval(rotation);
      clearInterval(kmsSweep);
      await Promise.all(servers.map((s) => s.close()));
      // After the last request: the open segments close and are sealed, so a clean stop leaves nothing unsealed.
      await trail?.close();
      await data.close();
      credentials.secretAccessKey.wipe();
    },
  };
}
