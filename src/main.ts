#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100
/** CLI entry: `strongroom serve` and the offline commands; prints the endpoint and credentials. */
import { accountsConfig, auditVerifyConfig, ConfigError, offlineConfig, serveConfig } from './config/config.js';
import { storedAccountId } from './config/root-credentials.js';
import { openData, startApp } from './app.js';
import { systemClock } from './common/clock.js';
import { systemRandom } from './common/random.js';
import { addAccount, listAccounts, removeAccount } from './tools/accounts.js';
import { rewrapAll, rotateMasterKey } from './tools/keys.js';
import { scrub } from './tools/scrub.js';
import { verifyAuditTrail } from './tools/audit.js';
import { kmsImpact } from './tools/kms-impact.js';
import { enableScavengePacing } from './common/young-generation.js';
import { enableMd5Offload } from './common/md5-offload.js';

const USAGE = `usage:
  strongroom serve [--data DIR] [--listen HOST:PORT] [--region REGION] [--domain DOMAIN]
                   [--root-key-file FILE] [--sse-s3-rotation-days N] [--legacy-bucket-defaults] [--allow-insecure-sse-c]
                   [--headers-timeout S] [--body-timeout S] [--keep-alive-timeout S] [--hash-thread-idle S]
                   [--max-connections N] [--max-connections-per-ip N]
                   [--listen-tls HOST:PORT] [--tls-cert FILE --tls-key FILE | --tls-self-signed]
                   [--trust-forwarded-proto ADDR[,ADDR]] [--sse-c-default blocked|allowed]
                   [--audit on|off] [--audit-bucket NAME] [--audit-retention-days N]
  strongroom audit verify [--from TIME] [--to TIME] [--data DIR] [--root-key-file FILE]
  strongroom keys rotate|rewrap|list [--data DIR] [--root-key-file FILE]
  strongroom scrub [--data DIR] [--bucket NAME] [--root-key-file FILE]
  strongroom kms impact KEY-ID|KEY-ARN|ALIAS-ARN [--data DIR] [--bucket NAME] [--root-key-file FILE]
  strongroom accounts add NAME [--access-key AK --secret-key SK] [--canonical-id ID] [--display-name N] [--email E]
                             [--data DIR] [--root-key-file FILE]
  strongroom accounts list|remove [NAME] [--data DIR] [--root-key-file FILE]`;

/** What a start prints on stdout: the secret only when this very start generated it, never again. */
function credentialLines(app: Awaited<ReturnType<typeof startApp>>, region: string): string {
  const c = app.credentials;
  const head = c.origin === 'generated'
    ? 'Strongroom generated root credentials. The secret is shown this once: save it now. It is kept sealed by the root key in the data directory and is not printed again.\n'
    : `Strongroom root credentials (secret access key not shown: ${c.origin === 'environment' ? 'it is STRONGROOM_ROOT_SECRET_KEY' : 'sealed in the data directory; it was printed on the start that generated it'}):\n`;
  return head +
    `  export AWS_ACCESS_KEY_ID=${c.accessKeyId}\n` +
    (c.origin === 'generated' ? `  export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey.reveal().toString('utf8')}\n` : '') +
    `  export AWS_DEFAULT_REGION=${region}\n` +
    `  export AWS_ENDPOINT_URL=${app.tlsUrl ?? app.url}\n` +
    (app.tls?.selfSignedCertPath !== undefined ? `  export AWS_CA_BUNDLE=${app.tls.selfSignedCertPath}\n` : '');
}

/** The endpoint lines: `strongroom listening on http://…` (what scripts parse) and its https twin. */
function listeningLines(app: Awaited<ReturnType<typeof startApp>>): string {
  const http = app.url !== app.tlsUrl ? `strongroom listening on ${app.url}\n` : '';
  return http + (app.tlsUrl !== undefined ? `strongroom listening on ${app.tlsUrl}\n` : '');
}

/** How to trust the development certificate, printed on stderr at each start with --tls-self-signed. */
function selfSignedHelp(app: Awaited<ReturnType<typeof startApp>>): string {
  const t = app.tls;
  if (t?.selfSignedCertPath === undefined) return '';
  return `strongroom: --tls-self-signed: ${t.created ? 'made a new' : 'reusing the'} development certificate for localhost, 127.0.0.1 and ::1 ` +
    `(SHA-256 ${t.fingerprint256}, valid until ${t.validTo.toISOString()}): ${t.selfSignedCertPath}\n` +
    'strongroom: trust it in clients, not system-wide:\n' +
    `  aws CLI, boto3:   export AWS_CA_BUNDLE=${t.selfSignedCertPath}   (or aws --ca-bundle ${t.selfSignedCertPath})\n` +
    `  curl:             curl --cacert ${t.selfSignedCertPath} …\n` +
    `  Node.js:          NODE_EXTRA_CA_CERTS=${t.selfSignedCertPath}\n` +
    'strongroom: a self-signed certificate is for development only; in production pass --tls-cert and --tls-key.\n';
}

async function serve(argv: string[]): Promise<void> {
  const config = serveConfig(argv);
  enableScavengePacing();
  enableMd5Offload(config.hashThreadIdleMs);
  const app = await startApp(config);
  if (app.data.rootKeySource.generated || app.data.rootKeySource.source.startsWith('data-dir')) {
    process.stderr.write(
      `\n*** WARNING: the root key was ${app.data.rootKeySource.generated ? 'generated and stored' : 'read'} inside the data directory (${app.data.rootKeySource.source}).\n` +
      '*** A root key inside the data directory provides NO protection: anyone who copies the data directory\n' +
      '*** can decrypt every object and unseal the stored credentials. This is for development only:\n' +
      '*** in production pass --root-key-file or STRONGROOM_ROOT_KEY and keep the key elsewhere.\n\n',
    );
  }
  if (config.allowInsecureSseC) {
    process.stderr.write(
      '\n*** WARNING: --allow-insecure-sse-c: SSE-C requests are accepted over plain HTTP. Customer keys then cross\n' +
      '*** the network in clear text. Amazon S3 refuses this; use it for local test rigs only, never in production.\n\n',
    );
  }
  if (config.legacyBucketDefaults) {
    process.stderr.write('strongroom: --legacy-bucket-defaults: new buckets get Object Ownership ObjectWriter (ACLs enabled) and no Block Public Access settings, as S3 before April 2023\n');
  }
  process.stderr.write(selfSignedHelp(app));
  process.stdout.write(credentialLines(app, config.region) + listeningLines(app));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`strongroom: ${signal}, finishing in-flight requests\n`);
    app.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`strongroom: shutdown failed: ${String(err)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // SIGHUP: new TLS connections get the certificate now in the files; a pair that does not load is refused and the old one kept.
  process.on('SIGHUP', () => {
    if (app.tlsUrl === undefined) return;
    try {
      const t = app.reloadTls();
      process.stderr.write(`strongroom: SIGHUP: TLS certificate reloaded (SHA-256 ${t?.fingerprint256 ?? '-'})\n`);
    } catch (err) {
      process.stderr.write(`strongroom: SIGHUP: TLS certificate NOT reloaded, still serving the previous one: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
}

async function keys(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'rotate' && sub !== 'rewrap' && sub !== 'list') throw new ConfigError(`unknown keys command ${sub ?? ''}\n${USAGE}`);
  // `keys list` only reads: it never writes, not even a due rotation.
  const data = await openData(offlineConfig(rest), undefined, sub === 'list' ? 'read' : 'write');
  try {
    if (sub === 'rotate') {
      const version = await rotateMasterKey(data);
      process.stdout.write(`SSE-S3 master key rotated: version ${version} is now current; older versions stay for decryption only.\n`);
    } else if (sub === 'rewrap') {
      const r = await rewrapAll(data);
      process.stdout.write(`rewrap: ${r.examined} data keys examined, ${r.resealed} resealed under master key version ${data.keys.currentMasterKey().version}, ${r.vanished} vanished while running.\n`);
    } else if (sub === 'list') {
      for (const v of data.keys.versions()) process.stdout.write(`version ${v.version}  created ${v.createdAt.toISOString()}${v.current ? '  (current)' : ''}\n`);
    } else {
      throw new ConfigError(`unknown keys command ${sub ?? ''}\n${USAGE}`);
    }
  } finally {
    await data.close();
  }
}

async function scrubCommand(argv: string[]): Promise<void> {
  const config = offlineConfig(argv);
  // Scrub only reads: it never writes to the data directory.
  const data = await openData(config, undefined, 'read');
  try {
    const r = await scrub(data, { bucket: config.bucket, report: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`scrub: ${r.objects} objects, ${r.parts} parts verified, ${r.skipped > 0 ? `${r.skipped} skipped, ` : ''}${r.failures.length} failed.\n`);
    if (r.failures.length > 0) process.exitCode = 1;
  } finally {
    await data.close();
  }
}

/** `kms impact KEY`: lists the object versions a KMS key protects; only reads (beside a running server too). */
async function kmsCommand(argv: string[]): Promise<void> {
  const [sub, keyRef, ...rest] = argv;
  if (sub !== 'impact' || keyRef === undefined || keyRef.startsWith('--')) throw new ConfigError(`usage: strongroom kms impact KEY\n${USAGE}`);
  const config = offlineConfig(rest);
  const data = await openData(config, undefined, 'read');
  try {
    const r = await kmsImpact(data, keyRef, config.bucket);
    for (const o of r.objects) {
      process.stdout.write(`${o.bucket}/${o.key}\tversion ${o.versionId ?? 'null'}\t${o.kind}${o.bucketKey ? ' (bucket key)' : ''}\t${o.parts} part${o.parts === 1 ? '' : 's'}\n`);
    }
    process.stdout.write(`kms impact: key ${r.keyId} protects ${r.objects.length} object version${r.objects.length === 1 ? '' : 's'}.\n`);
  } finally {
    await data.close();
  }
}

/** `audit verify`: offline (or beside a running server), with the root key; exit 1 when anything changed. */
async function audit(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new ConfigError(`unknown audit command ${sub ?? ''}\n${USAGE}`);
  const { config, from, to } = auditVerifyConfig(rest);
  const r = await verifyAuditTrail(config.dataDir, config.rootKeyFile, config.rootKeyValue, { from, to });
  for (const p of r.problems) process.stdout.write(`FAILED ${p}\n`);
  for (const u of r.unsealed) process.stdout.write(`not yet sealed: ${u}\n`);
  process.stdout.write(`audit verify: ${r.digestsChecked} digests, ${r.filesChecked} record files, ${r.recordsChecked} records checked; ${r.problems.length} problems.\n`);
  if (r.problems.length > 0) process.exitCode = 1;
}

/** `accounts add|list|remove`: offline, on a stopped server's data directory, opened with the root key. */
async function accounts(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const name = sub === 'add' || sub === 'remove' ? rest.shift() : undefined;
  if ((sub === 'add' || sub === 'remove') && (name === undefined || name.startsWith('--'))) throw new ConfigError(`accounts ${sub} needs an account NAME\n${USAGE}`);
  if (sub !== 'add' && sub !== 'remove' && sub !== 'list') throw new ConfigError(`unknown accounts command ${sub ?? ''}\n${USAGE}`);
  const { config, account } = accountsConfig(rest);
  const data = await openData(config, undefined, sub === 'list' ? 'read' : 'write');
  try {
    const primaryId = storedAccountId(config.dataDir);
    if (sub === 'add') {
      if (primaryId === undefined) throw new ConfigError('start the server once on this data directory before adding accounts');
      const added = await addAccount(data, primaryId, name!, account, systemClock, systemRandom);
      process.stdout.write(
        `account ${added.account.name} added: id ${added.account.accountId}, canonical id ${added.account.canonicalId}\n` +
        (added.generatedSecret !== undefined ? 'Its root credentials (the secret is shown this once: save it now; it is kept sealed by the root key):\n' : 'Its root credentials:\n') +
        `  AWS_ACCESS_KEY_ID=${added.accessKeyId}\n` +
        (added.generatedSecret !== undefined ? `  AWS_SECRET_ACCESS_KEY=${added.generatedSecret}\n` : ''),
      );
    } else if (sub === 'remove') {
      const removed = await removeAccount(data, primaryId, name!);
      process.stdout.write(`account ${removed.name} (${removed.accountId}) removed, with its users, groups, access keys and policies\n`);
    } else {
      for (const { account: a, rootAccessKeys } of await listAccounts(data, primaryId)) {
        process.stdout.write(`${a.name}\t${a.accountId}\t${a.canonicalId}\t${a.displayName}\t${a.email ?? '-'}\t${rootAccessKeys.join(',') || '-'}\n`);
      }
    }
  } finally {
    await data.close();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve':
    case undefined:
      return serve(rest);
    case 'keys':
      return keys(rest);
    case 'scrub':
      return scrubCommand(rest);
    case 'accounts':
      return accounts(rest);
    case 'audit':
      return audit(rest);
    case 'kms':
      return kmsCommand(rest);
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`strongroom: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
