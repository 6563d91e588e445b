/** The request context a policy is evaluated against: condition keys (names case-insensitive) → string values. */

/**
 * One key's value: a string for single-valued keys (aws:SourceIp, s3:prefix), a list for multivalued keys
 * (s3:RequestObjectTagKeys, aws:TagKeys). Booleans, numbers and dates are passed as their request text
 * ("true", "1000", "2026-01-01T00:00:00Z"), as AWS does. `src/policy/condition-keys.ts` builds this.
 */
export type ContextValue = string | readonly string[];

/** Key name → value. Absent keys are simply missing (or undefined); an empty list counts as absent. */
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

/** The context with lower-cased key names, because "condition key names are not case-sensitive". */
export type ContextIndex = ReadonlyMap<string, readonly string[]>;

/** Indexes a request context by lower-cased key; keys whose value is undefined or an empty list are left out. */
export function indexContext(context: RequestContext): ContextIndex {
  const index = new Map<string, string[]>();
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...value];
    if (values.length === 0) continue;
    const name = key.toLowerCase();
    index.set(name, [...(index.get(name) ?? []), ...values]);
  }
  return index;
}

/** The values of a key, or undefined when the request context lacks it. */
export function contextValues(index: ContextIndex, key: string): readonly string[] | undefined {
  return index.get(key.toLowerCase());
}
