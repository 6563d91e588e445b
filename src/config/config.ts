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
  readonly quiet: boolean;
  /** New buckets as S3 made them before April 2023: ObjectWriter, no public access block. */
  readonly legacyBucketDefaults: boolean;
  /** `--allow-insecure-sse-c`: accept SSE-C over plain HTTP (local test rigs only; S3 refuses it). */
  readonly allowInsecureSseC: boolean;
  readonly connections: ConnectionSettings;
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
  'allow-insecure-sse-c',
] as const;

export function serveConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, known: readonly string[] = SERVE_FLAGS): ServeConfig & { readonly bucket: string | undefined } {
  const flags = parseFlags(argv, known);
  const listen = flags.get('listen') ?? env['STRONGROOM_LISTEN'] ?? '127.0.0.1:9000';
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new ConfigError(`--listen must be HOST:PORT, got ${listen}`);
  const port = Number(m[2]);
  if (port > 65535) throw new ConfigError(`--listen port out of range: ${port}`);
  const rotation = Number(flags.get('sse-s3-rotation-days') ?? env['STRONGROOM_SSE_S3_ROTATION_DAYS'] ?? 365);
  if (!Number.isFinite(rotation) || rotation <= 0) throw new ConfigError('--sse-s3-rotation-days must be a positive number');
  return {
    dataDir: resolve(flags.get('data') ?? env['STRONGROOM_DATA'] ?? './data'),
    host: m[1]!.replace(/^\[(.*)\]$/, '$1'),
    port,
    region: flags.get('region') ?? env['STRONGROOM_REGION'] ?? 'us-east-1',
    domain: flags.get('domain') ?? env['STRONGROOM_DOMAIN'],
    rootAccessKey: env['STRONGROOM_ROOT_ACCESS_KEY'],
    rootSecretKey: env['STRONGROOM_ROOT_SECRET_KEY'],
    rootKeyFile: flags.get('root-key-file') ?? env['STRONGROOM_ROOT_KEY_FILE'],
    rootKeyValue: env['STRONGROOM_ROOT_KEY'],
    sseS3RotationDays: rotation,
    quiet: flags.get('quiet') === 'true',
    legacyBucketDefaults: (flags.get('legacy-bucket-defaults') ?? env['STRONGROOM_LEGACY_BUCKET_DEFAULTS']) === 'true',
    allowInsecureSseC: flags.get('allow-insecure-sse-c') === 'true',
    connections: connectionSettings(flags, env),
    bucket: flags.get('bucket'),
  };
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
