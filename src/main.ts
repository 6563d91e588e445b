#!/usr/bin/env node
/** CLI entry: `strongroom serve` and the offline commands; prints the endpoint and credentials. */
import { ConfigError, offlineConfig, serveConfig } from './config/config.js';
import { openData, startApp } from './app.js';
import { rewrapAll, rotateMasterKey } from './tools/keys.js';
import { scrub } from './tools/scrub.js';

const USAGE = `usage:
  strongroom serve [--data DIR] [--listen HOST:PORT] [--region REGION] [--domain DOMAIN]
                   [--root-key-file FILE] [--sse-s3-rotation-days N]
                   [--headers-timeout S] [--body-timeout S] [--keep-alive-timeout S]
                   [--max-connections N] [--max-connections-per-ip N]
  strongroom keys rotate|rewrap|list [--data DIR] [--root-key-file FILE]
  strongroom scrub [--data DIR] [--bucket NAME] [--root-key-file FILE]`;

async function serve(argv: string[]): Promise<void> {
  const config = serveConfig(argv);
  const app = await startApp(config);
  if (app.data.rootKeySource.generated || app.data.rootKeySource.source.startsWith('data-dir')) {
    process.stderr.write(`\n*** WARNING: the root key was ${app.data.rootKeySource.generated ? 'generated and stored' : 'read'} inside the data directory (${app.data.rootKeySource.source}).\n*** Anyone who copies the data directory can decrypt every object. This is for development only:\n*** in production pass --root-key-file or STRONGROOM_ROOT_KEY and keep the key elsewhere.\n\n`);
  }
  const c = app.credentials;
  process.stdout.write(
    `Strongroom ${c.generated ? 'generated root credentials (kept in the data directory)' : 'root credentials'}:\n` +
      `  export AWS_ACCESS_KEY_ID=${c.accessKeyId}\n` +
      `  export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}\n` +
      `  export AWS_DEFAULT_REGION=${config.region}\n` +
      `  export AWS_ENDPOINT_URL=${app.url}\n` +
      `strongroom listening on ${app.url}\n`,
  );
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
}

async function keys(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const data = await openData(offlineConfig(rest));
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
  const data = await openData(config);
  try {
    const r = await scrub(data, { bucket: config.bucket, report: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`scrub: ${r.objects} objects, ${r.parts} parts verified, ${r.failures.length} failed.\n`);
    if (r.failures.length > 0) process.exitCode = 1;
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
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`strongroom: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
