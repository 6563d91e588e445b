/** Command-line options of the bench tools: `--name value` pairs and sizes written like 4k, 1m, 64m, 1g. */

/** The value after `--name`, or `dflt` when the option is absent. */
export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
}

/** A size such as `4k`, `1m`, `64m` or `1g` in bytes (a bare number is bytes). */
export function parseSize(text: string): number {
  return Number(text.replace(/[kmg]$/i, '')) * ({ k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[text.slice(-1).toLowerCase()] ?? 1);
}
