#!/usr/bin/env node
/** CLI entry: `strongroom serve` and the offline commands; prints the endpoint and credentials. */
import { ConfigError, serveConfig } from './config/config.js';
import { startApp } from './app.js';

const USAGE = `usage:
  strongroom serve [--data DIR] [--listen HOST:PORT] [--region REGION] [--domain DOMAIN]
                   [--root-key-file FILE] [--sse-s3-rotation-days N]
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

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve':
    case undefined:
      return serve(rest);
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`strongroom: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
