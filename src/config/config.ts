/** Typed configuration from command-line flags and the environment, with embedded defaults; the only reader of process.env. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface ServeConfig {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly domain: string | undefined;
  readonly rootAccessKey: string | undefined;
  readonly rootSecretKey: string | undefined;
  readonly rootKeyFile: string | undefined;
  readonly rootKeyValue: string | undefined;
  readonly sseS3RotationDays: number;
  /** How long the MD5 thread of large PUTs stays after the last one (common/md5-offload.ts), in ms. */
  readonly hashThreadIdleMs: number;
  readonly quiet: boolean;
  /** New buckets as S3 made them before April 2023: ObjectWriter, no public access block. */
  readonly legacyBucketDefaults: boolean;
  /** `--allow-insecure-sse-c`: accept SSE-C over plain HTTP (local test rigs only; S3 refuses it). */
  readonly allowInsecureSseC: boolean;
  readonly connections: ConnectionSettings;
  /** Whether the plain-HTTP listener (host:port) runs: always unless TLS is configured and --listen is not given. */
  readonly serveHttp: boolean;
  /** The HTTPS listener, when --tls-cert/--tls-key or --tls-self-signed is given. */
  readonly tls: TlsSettings | undefined;
  /** Peer addresses whose `X-Forwarded-Proto: https` is believed (a TLS-terminating proxy in front). */
  readonly trustForwardedProto: readonly string[];
  /** Whether new buckets block SSE-C writes (S3 since April 2026) or allow them (`--sse-c-default allowed`). */
  readonly sseCDefault: 'blocked' | 'allowed';
  readonly audit: AuditSettings;
  /** An AWS-KMS-compatible service SSE-KMS uses instead of the built-in KMS (--kms-endpoint). */
  readonly externalKms: ExternalKmsSettings | undefined;
}

/** Where the HTTPS listener binds and where its certificate comes from. */
export interface TlsSettings {
  readonly host: string;
  readonly port: number;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** Make (or reuse) a development certificate for localhost in the data directory. */
  readonly selfSigned: boolean;
}

/** The CloudTrail-format audit trail (`--audit on|off`, `--audit-bucket`, `--audit-retention-days`). */
export interface AuditSettings {
  readonly enabled: boolean;
  /** A bucket each sealed hour is copied into, CloudTrail-style; undefined: no delivery. */
  readonly bucket: string | undefined;
  /** Sealed records older than this many days are removed; undefined: kept forever. */
  readonly retentionDays: number | undefined;
}

export interface ExternalKmsSettings {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Deadlines and caps on client connections (README "Options"; the reasons for the defaults in docs/ARCHITECTURE.md). */
export interface ConnectionSettings {
  readonly headersTimeoutMs: number;
  readonly bodyIdleTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
}

export class ConfigError extends Error {}

/** Parses `--name value` / `--name=value` flags; unknown flags are an error so typos do not go unnoticed. */
export function parseFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!known.includes(name)) throw new ConfigError(`unknown flag --${name}`);
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) value = 'true';
      else { value = next; i++; }
    }
    out.set(name, value);
  }
  return out;
}

export const SERVE_FLAGS = [
  'data', 'listen', 'region', 'domain', 'root-key-file', 'sse-s3-rotation-days', 'quiet', 'legacy-bucket-defaults',
  'headers-timeout', 'body-timeout', 'keep-alive-timeout', 'max-connections', 'max-connections-per-ip',
  'listen-tls', 'tls-cert', 'tls-key', 'tls-self-signed', 'trust-forwarded-proto', 'sse-c-default',
  'audit', 'audit-bucket', 'audit-retention-days',
  'kms-endpoint', 'kms-region', 'kms-access-key',
  'allow-insecure-sse-c', 'hash-thread-idle',
] as const;

/** HOST:PORT ([v6]:PORT) → host and port. */
function hostPort(flag: string, value: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m) throw new ConfigError(`--${flag} must be HOST:PORT, got ${value}`);
  const port = Number(m[2]);
  if (port > 65535) throw new ConfigError(`--${flag} port out of range: ${port}`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * --kms-endpoint URL (STRONGROOM_KMS_ENDPOINT) with --kms-region (default: the server's) and credentials from
 * --kms-access-key / STRONGROOM_KMS_ACCESS_KEY_ID and STRONGROOM_KMS_SECRET_ACCESS_KEY (a secret never on the command line).
 */
function externalKms(flags: Map<string, string>, env: NodeJS.ProcessEnv, region: string): ExternalKmsSettings | undefined {
  const endpoint = flags.get('kms-endpoint') ?? env['STRONGROOM_KMS_ENDPOINT'];
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`--kms-endpoint must be a URL, got ${endpoint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('--kms-endpoint must be an http: or https: URL');
  const accessKeyId = flags.get('kms-access-key') ?? env['STRONGROOM_KMS_ACCESS_KEY_ID'];
  const secretAccessKey = env['STRONGROOM_KMS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) throw new ConfigError('--kms-endpoint needs credentials: --kms-access-key (or STRONGROOM_KMS_ACCESS_KEY_ID) and STRONGROOM_KMS_SECRET_ACCESS_KEY');
  return { endpoint: url.toString().replace(/\/$/, ''), region: flags.get('kms-region') ?? env['STRONGROOM_KMS_REGION'] ?? region, accessKeyId, secretAccessKey };
}

export function serveConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, known: readonly string[] = SERVE_FLAGS): ServeConfig & { readonly bucket: string | undefined } {
  const flags = parseFlags(argv, known);
  const listenGiven = flags.get('listen') ?? env['STRONGROOM_LISTEN'];
  const { host, port } = hostPort('listen', listenGiven ?? '127.0.0.1:9000');
  const tls = tlsSettings(flags, env);
  const rotation = Number(flags.get('sse-s3-rotation-days') ?? env['STRONGROOM_SSE_S3_ROTATION_DAYS'] ?? 365);
  if (!Number.isFinite(rotation) || rotation <= 0) throw new ConfigError('--sse-s3-rotation-days must be a positive number');
  const region = flags.get('region') ?? env['STRONGROOM_REGION'] ?? 'us-east-1';
  return {
    dataDir: resolve(flags.get('data') ?? env['STRONGROOM_DATA'] ?? './data'),
    host,
    port,
    region,
    domain: flags.get('domain') ?? env['STRONGROOM_DOMAIN'],
    rootAccessKey: env['STRONGROOM_ROOT_ACCESS_KEY'],
    rootSecretKey: env['STRONGROOM_ROOT_SECRET_KEY'],
    rootKeyFile: flags.get('root-key-file') ?? env['STRONGROOM_ROOT_KEY_FILE'],
    rootKeyValue: env['STRONGROOM_ROOT_KEY'],
    sseS3RotationDays: rotation,
    hashThreadIdleMs: seconds(flags, env, 'hash-thread-idle', 300),
    quiet: flags.get('quiet') === 'true',
    legacyBucketDefaults: (flags.get('legacy-bucket-defaults') ?? env['STRONGROOM_LEGACY_BUCKET_DEFAULTS']) === 'true',
    allowInsecureSseC: flags.get('allow-insecure-sse-c') === 'true',
    connections: connectionSettings(flags, env),
    serveHttp: tls === undefined || listenGiven !== undefined,
    tls,
    trustForwardedProto: (flags.get('trust-forwarded-proto') ?? env['STRONGROOM_TRUST_FORWARDED_PROTO'] ?? '')
      .split(',').map((a) => a.trim().replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:/, '')).filter((a) => a !== ''),
    sseCDefault: sseCDefault(flags.get('sse-c-default') ?? env['STRONGROOM_SSE_C_DEFAULT'] ?? 'blocked'),
    audit: auditSettings(flags, env),
    externalKms: externalKms(flags, env, region),
    bucket: flags.get('bucket'),
  };
}

function sseCDefault(value: string): 'blocked' | 'allowed' {
  if (value !== 'blocked' && value !== 'allowed') throw new ConfigError(`--sse-c-default must be blocked or allowed, got ${value}`);
  return value;
}

/**
 * The HTTPS listener: on with --tls-cert and --tls-key, or --tls-self-signed; at --listen-tls (default
 * 127.0.0.1:9443). --listen-tls without a certificate is an error rather than a silent plain listener.
 */
function tlsSettings(flags: Map<string, string>, env: NodeJS.ProcessEnv): TlsSettings | undefined {
  const certFile = flags.get('tls-cert') ?? env['STRONGROOM_TLS_CERT'];
  const keyFile = flags.get('tls-key') ?? env['STRONGROOM_TLS_KEY'];
  const selfSigned = (flags.get('tls-self-signed') ?? env['STRONGROOM_TLS_SELF_SIGNED']) === 'true';
  const listenTls = flags.get('listen-tls') ?? env['STRONGROOM_LISTEN_TLS'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('--tls-cert and --tls-key go together');
  if (selfSigned && certFile !== undefined) throw new ConfigError('--tls-self-signed makes its own certificate: leave out --tls-cert and --tls-key');
  if (!selfSigned && certFile === undefined) {
    if (listenTls !== undefined) throw new ConfigError('--listen-tls needs --tls-cert and --tls-key, or --tls-self-signed');
    return undefined;
  }
  const { host, port } = hostPort('listen-tls', listenTls ?? '127.0.0.1:9443');
  return { host, port, certFile: certFile === undefined ? undefined : resolve(certFile), keyFile: keyFile === undefined ? undefined : resolve(keyFile), selfSigned };
}

function auditSettings(flags: Map<string, string>, env: NodeJS.ProcessEnv): AuditSettings {
  const mode = flags.get('audit') ?? env['STRONGROOM_AUDIT'] ?? 'on';
  if (mode !== 'on' && mode !== 'off' && mode !== 'true') throw new ConfigError(`--audit must be on or off, got ${mode}`);
  const retention = flags.get('audit-retention-days') ?? env['STRONGROOM_AUDIT_RETENTION_DAYS'];
  const days = retention === undefined || retention === 'forever' ? undefined : Number(retention);
  if (days !== undefined && (!Number.isFinite(days) || days <= 0)) throw new ConfigError('--audit-retention-days must be a positive number of days (or forever)');
  return { enabled: mode !== 'off', bucket: flags.get('audit-bucket') ?? env['STRONGROOM_AUDIT_BUCKET'], retentionDays: days };
}

/** A positive number of seconds (fractions allowed, for tests) from a flag or the environment, in ms. */
function seconds(flags: Map<string, string>, env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = flags.get(name) ?? env[`STRONGROOM_${name.toUpperCase().replaceAll('-', '_')}`];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`--${name} must be a positive number of seconds`);
  return Math.round(value * 1000);
}

function count(flags: Map<string, string>, env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = flags.get(name) ?? env[`STRONGROOM_${name.toUpperCase().replaceAll('-', '_')}`];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`--${name} must be a positive integer`);
  return value;
}

/**
 * Default connection cap: half the process's open-file limit (each connection is one descriptor, and
 * each request in flight may hold a blob file and the database's), at most 10,000.
 */
function defaultMaxConnections(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return Math.max(64, Math.min(10_000, Math.floor(Number(m[1]) / 2)));
  } catch {
    // Not Linux: fall through to the fixed default.
  }
  return 4_096;
}

function connectionSettings(flags: Map<string, string>, env: NodeJS.ProcessEnv): ConnectionSettings {
  const maxConnections = count(flags, env, 'max-connections', defaultMaxConnections());
  return {
    headersTimeoutMs: seconds(flags, env, 'headers-timeout', 20),
    bodyIdleTimeoutMs: seconds(flags, env, 'body-timeout', 30),
    keepAliveTimeoutMs: seconds(flags, env, 'keep-alive-timeout', 5),
    maxConnections,
    maxConnectionsPerIp: count(flags, env, 'max-connections-per-ip', Math.min(maxConnections, 1_000)),
  };
}

/** Flags of the offline commands (keys, scrub): the data dir and root key, and scrub's bucket filter. */
export const OFFLINE_FLAGS = ['data', 'root-key-file', 'bucket', 'sse-s3-rotation-days'] as const;

/** Flags of `audit verify`: the data dir and root key, and the time window. */
export const AUDIT_VERIFY_FLAGS = ['data', 'root-key-file', 'from', 'to'] as const;

/** The offline configuration and the time window of `strongroom audit verify`. */
export function auditVerifyConfig(argv: readonly string[]): { config: ReturnType<typeof serveConfig>; from: Date | undefined; to: Date | undefined } {
  const flags = parseFlags(argv, AUDIT_VERIFY_FLAGS);
  const time = (name: string): Date | undefined => {
    const raw = flags.get(name);
    if (raw === undefined) return undefined;
    const d = new Date(raw);
    if (Number.isNaN(d.getTime())) throw new ConfigError(`--${name} must be a date and time (ISO 8601), got ${raw}`);
    return d;
  };
  return { config: serveConfig(argv, process.env, AUDIT_VERIFY_FLAGS), from: time('from'), to: time('to') };
}

export function offlineConfig(argv: readonly string[]): ReturnType<typeof serveConfig> {
  return serveConfig(argv, process.env, OFFLINE_FLAGS);
}

/** Flags of `accounts add`: the new account's fixed identity (any left out is generated). */
export const ACCOUNT_FLAGS = ['access-key', 'secret-key', 'canonical-id', 'display-name', 'email'] as const;

export interface AccountFlags {
  readonly accessKey: string | undefined;
  readonly secretKey: string | undefined;
  readonly canonicalId: string | undefined;
  readonly displayName: string | undefined;
  readonly email: string | undefined;
}

/** The offline configuration and the account flags of `strongroom accounts …`. */
export function accountsConfig(argv: readonly string[]): { config: ReturnType<typeof serveConfig>; account: AccountFlags } {
  const known = [...OFFLINE_FLAGS, ...ACCOUNT_FLAGS];
  const flags = parseFlags(argv, known);
  return {
    config: serveConfig(argv, process.env, known),
    account: {
      accessKey: flags.get('access-key'), secretKey: flags.get('secret-key'), canonicalId: flags.get('canonical-id'),
      displayName: flags.get('display-name'), email: flags.get('email'),
    },
  };
}
