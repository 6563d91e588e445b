/** Runs rclone and s3cmd against a test server with no user config: rclone through RCLONE_CONFIG_* variables, s3cmd through a temp .s3cfg. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunResult } from './python-tools.js';
import { toolPresent } from './required-tools.js';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, type TestServer } from './start-server.js';

export const RCLONE_MISSING = 'rclone is not installed on this machine (apt-get install rclone)';
export const S3CMD_MISSING = 's3cmd is not installed on this machine (apt-get install s3cmd)';
export const HAS_RCLONE = toolPresent('rclone', ['version'], RCLONE_MISSING);
export const HAS_S3CMD = toolPresent('s3cmd', ['--version'], S3CMD_MISSING);

/** The caller's environment without AWS_* settings (an AWS_CA_BUNDLE makes rclone refuse its HTTP transport). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('RCLONE_')));
}

/** The rclone remote these runs define: `sr:`. */
export const RCLONE_REMOTE = 'sr';

/** Runs `rclone <args>` with the remote `sr:` pointing at the server; one try, so an error is never retried away. */
export function rclone(server: Pick<TestServer, 'url'>, args: string[]): Promise<RunResult> {
  const env = {
    ...cleanEnv(),
    RCLONE_CONFIG: '/dev/null',
    RCLONE_CONFIG_SR_TYPE: 's3',
    RCLONE_CONFIG_SR_PROVIDER: 'Other',
    RCLONE_CONFIG_SR_ENDPOINT: server.url,
    RCLONE_CONFIG_SR_ACCESS_KEY_ID: TEST_ACCESS_KEY,
    RCLONE_CONFIG_SR_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
    RCLONE_CONFIG_SR_REGION: TEST_REGION,
  };
  return run('rclone', [...args, '--retries', '1', '--low-level-retries', '1'], env);
}

/** Writes an s3cmd config for the server into `dir` (path-style addressing, SigV4, plain HTTP) and returns its path. */
export function s3cmdConfig(server: Pick<TestServer, 'port'>, dir: string): string {
  const path = join(dir, 's3cfg');
  writeFileSync(path, [
    '[default]',
    `access_key = ${TEST_ACCESS_KEY}`,
    `secret_key = ${TEST_SECRET_KEY}`,
    `host_base = 127.0.0.1:${server.port}`,
    `host_bucket = 127.0.0.1:${server.port}`,
    `bucket_location = ${TEST_REGION}`,
    'use_https = False',
    'signature_v2 = False',
    '',
  ].join('\n'));
  return path;
}

/** Runs `s3cmd -c <config> <args>`. */
export function s3cmd(config: string, args: string[]): Promise<RunResult> {
  return run('s3cmd', ['-c', config, ...args], { ...cleanEnv(), HOME: join(config, '..') });
}
