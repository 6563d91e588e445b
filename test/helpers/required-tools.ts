/** Whether an external client (aws CLI, boto3, rclone, s3cmd) is installed; with STRONGROOM_REQUIRE_TOOLS=1 a missing one fails instead of skipping. */
import { spawnSync } from 'node:child_process';

/** Set by .ci/run: CI installs every client, so a test that would skip for a missing one is a failure there. */
export const TOOLS_REQUIRED = process.env.STRONGROOM_REQUIRE_TOOLS === '1';

/**
 * True when `cmd args` runs and exits 0. When it does not and tools are required, throws while the test
 * file loads, so the file fails loudly rather than reporting its tests as skipped.
 */
export function toolPresent(cmd: string, args: string[], missing: string): boolean {
  const present = spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  if (!present && TOOLS_REQUIRED) throw new Error(`${missing}; STRONGROOM_REQUIRE_TOOLS=1 makes a missing client a failure, not a skip`);
  return present;
}
