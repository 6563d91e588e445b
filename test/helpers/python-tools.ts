/** Runs the aws CLI and boto3 scripts against a test server; tells plainly when they are missing so a test can skip (or, in CI, fail). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, type TestServer } from './start-server.js';
import { toolPresent } from './required-tools.js';

export const AWS_CLI_MISSING = 'the aws CLI is not installed on this machine (apt-get install awscli, or pip install awscli)';
export const BOTO3_MISSING = 'python3 with boto3 and requests is not installed on this machine (apt-get install python3-boto3, or pip install boto3 requests)';
export const HAS_AWS_CLI = toolPresent('aws', ['--version'], AWS_CLI_MISSING);
export const HAS_BOTO3 = toolPresent('python3', ['-c', 'import boto3, requests'], BOTO3_MISSING);

/** Environment for the CLI/boto3: our credentials, no user config, no retries that would hide an error. */
export function awsEnv(server: Pick<TestServer, 'url'>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: TEST_SECRET_KEY,
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_ENDPOINT_URL: server.url,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
  };
}

export interface RunResult { readonly code: number | null; readonly stdout: string; readonly stderr: string }

/** Runs `aws <args> --endpoint-url <server>` asynchronously (the server runs in another process, but keep the event loop free). */
export function aws(server: Pick<TestServer, 'url'>, args: string[], options: { cwd?: string } = {}): Promise<RunResult> {
  return run('aws', [...args, '--endpoint-url', server.url], awsEnv(server), options.cwd);
}

/** Runs the aws CLI like `aws` and fails the test unless it exits 0; its stdout. */
export async function awsOk(server: Pick<TestServer, 'url'>, args: string[], options: { cwd?: string } = {}): Promise<string> {
  const r = await aws(server, args, options);
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** awsOk with `--output json`, parsed ({} when the command prints nothing). */
export async function awsJson(server: Pick<TestServer, 'url'>, args: string[]): Promise<Record<string, unknown>> {
  const out = await awsOk(server, [...args, '--output', 'json']);
  return out.trim() === '' ? {} : JSON.parse(out) as Record<string, unknown>;
}

/** Runs a Python script (boto3 available) with the server in AWS_ENDPOINT_URL. */
export function python(server: Pick<TestServer, 'url'>, script: string, args: string[] = []): Promise<RunResult> {
  return run('python3', ['-c', script, ...args], awsEnv(server));
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
