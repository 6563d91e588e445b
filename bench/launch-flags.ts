/**
 * The Node flags the server runs with: those of `npm start` (package.json scripts.start; the `strongroom` bin's
 * shebang carries the same, test/architecture/launch-flags.test.ts). The bench and the test servers launch
 * `dist/main.js` with them, so what they measure is what a user starts.
 */
import { readFileSync } from 'node:fs';

export function serverNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const m = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/main\.js serve\b/.exec(pkg.scripts.start);
  if (!m) throw new Error('package.json scripts.start does not run `node [flags] dist/main.js serve`');
  return m[1]!.split(' ').filter((f) => f !== '');
}
