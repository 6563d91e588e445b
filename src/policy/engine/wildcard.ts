/** Glob patterns of IAM policies: `*` (any run of characters) and `?` (one character), matched without backtracking blow-up. */

/** A compiled pattern: one entry per character, or a wildcard marker. */
export type GlobToken = string | typeof ANY_RUN | typeof ANY_ONE;
export const ANY_RUN = 0;
export const ANY_ONE = 1;

/** Compiled patterns by text: a key policy's few patterns are matched on every key use (each SSE-KMS GET). */
const COMPILED = new Map<string, GlobToken[]>();
const MAX_COMPILED = 4096;

/** Compiles pattern text in which every `*` and `?` is a wildcard (use policy-variables.ts for `${*}` escapes). The result is shared: frozen. */
export function compileGlob(pattern: string): GlobToken[] {
  let tokens = COMPILED.get(pattern);
  if (tokens === undefined) {
    tokens = Object.freeze(Array.from(pattern, (ch) => (ch === '*' ? ANY_RUN : ch === '?' ? ANY_ONE : ch))) as GlobToken[];
    if (COMPILED.size >= MAX_COMPILED) COMPILED.clear();
    COMPILED.set(pattern, tokens);
  }
  return tokens;
}

/**
 * Whether `input` matches the whole pattern. Case-insensitive only when asked (actions); resources and
 * StringLike values are case-sensitive ("IAM JSON policy elements: Resource": ARNs are case sensitive).
 * The two-pointer walk is O(pattern × input) at worst, never exponential, so a hostile policy such as
 * `*a*a*a*a*b` cannot stall the evaluator the way a backtracking RegExp could.
 */
export function globMatch(pattern: readonly GlobToken[], input: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.map((t) => (typeof t === 'string' ? t.toLowerCase() : t)) : pattern;
  const s = Array.from(ignoreCase ? input.toLowerCase() : input);
  let pi = 0;
  let si = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (si < s.length) {
    const t = p[pi];
    if (pi < p.length && (t === ANY_ONE || t === s[si])) {
      pi++;
      si++;
    } else if (pi < p.length && t === ANY_RUN) {
      starAt = pi++;
      resumeAt = si;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      si = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === ANY_RUN) pi++;
  return pi === p.length;
}
