/** Typed configuration from command-line flags and the environment, with embedded defaults; the only reader of process.env. */
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

export const SERVE_FLAGS = ['data', 'listen', 'region', 'domain', 'root-key-file', 'sse-s3-rotation-days', 'quiet'] as const;

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
    bucket: flags.get('bucket'),
  };
}

/** Flags of the offline commands (keys, scrub): the data dir and root key, and scrub's bucket filter. */
export const OFFLINE_FLAGS = ['data', 'root-key-file', 'bucket', 'sse-s3-rotation-days'] as const;

export function offlineConfig(argv: readonly string[]): ReturnType<typeof serveConfig> {
  return serveConfig(argv, process.env, OFFLINE_FLAGS);
}
