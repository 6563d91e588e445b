/** Policy variables (`${aws:username}`, `${key, 'default'}`, `${*}` `${?}` `${$}`) in Resource and condition values. */
import { compileGlob, type GlobToken } from './wildcard.js';
import { contextValues, type ContextIndex } from './request-context.js';

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'var'; readonly key: string; readonly fallback: string | undefined };

/** `${*}`, `${?}`, `${$}`: "use these to specify the character as a literal" (IAM User Guide › Variables › Special characters). */
const SPECIAL = new Set(['*', '?', '$']);

/** Splits text into literal runs, escaped special characters and variables. A malformed `${` stays literal text. */
function parts(text: string): Part[] {
  const out: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    const parsed = parseVariable(text, start);
    if (!parsed) {
      literal += text.slice(i, start + 2);
      i = start + 2;
      continue;
    }
    literal += text.slice(i, start);
    if (literal) out.push({ kind: 'text', text: literal });
    literal = '';
    out.push(parsed.part);
    i = parsed.end;
  }
  literal += text.slice(i);
  if (literal) out.push({ kind: 'text', text: literal });
  return out;
}

/** Parses `${…}` at `start`: a special character, or a key with an optional `, 'default'` ('' is a quote inside it). */
function parseVariable(text: string, start: number): { part: Part; end: number } | undefined {
  const special = text[start + 2];
  if (special !== undefined && SPECIAL.has(special) && text[start + 3] === '}') return { part: { kind: 'char', char: special }, end: start + 4 };
  let i = start + 2;
  while (i < text.length && text[i] !== ',' && text[i] !== '}') i++;
  const key = text.slice(start + 2, i).trim();
  if (!/^[A-Za-z0-9:/_.\-]+$/.test(key)) return undefined;
  if (text[i] === '}') return { part: { kind: 'var', key, fallback: undefined }, end: i + 1 };
  if (text[i] !== ',') return undefined;
  i++;
  while (text[i] === ' ') i++;
  if (text[i] !== "'") return undefined;
  let fallback = '';
  for (i++; i < text.length; i++) {
    if (text[i] === "'" && text[i + 1] === "'") {
      fallback += "'";
      i++;
    } else if (text[i] === "'") {
      break;
    } else {
      fallback += text[i];
    }
  }
  if (text[i] !== "'") return undefined;
  i++;
  while (text[i] === ' ') i++;
  if (text[i] !== '}') return undefined;
  return { part: { kind: 'var', key, fallback }, end: i + 1 };
}

/**
 * A variable's value: the single value of its key, else the default. A multivalued key "cannot be used as a
 * policy variable" and an absent key with no default has no value (IAM User Guide › Variables › "Policy variables
 * with no value"): both give undefined, and the caller then matches nothing.
 */
function resolve(part: Extract<Part, { kind: 'var' }>, context: ContextIndex): string | undefined {
  const values = contextValues(context, part.key);
  if (values && values.length === 1) return values[0];
  return part.fallback;
}

/**
 * Expands variables into plain text, for exact comparisons (StringEquals, ArnEquals, Bool). `${*}` becomes `*`.
 * `enabled` is false for Version 2008-10-17 policies, where "${…}" is ordinary text. Undefined when a variable
 * has no value.
 */
export function expandText(text: string, context: ContextIndex, enabled: boolean): string | undefined {
  if (!enabled) return text;
  let out = '';
  for (const part of parts(text)) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'char') out += part.char;
    else {
      const value = resolve(part, context);
      if (value === undefined) return undefined;
      out += value;
    }
  }
  return out;
}

/**
 * Expands variables into a glob, for Resource and StringLike/ArnLike: `*` and `?` written in the policy are
 * wildcards, while `${*}`, `${?}` and substituted values are literal characters. Undefined when a variable has
 * no value.
 */
export function expandPattern(text: string, context: ContextIndex, enabled: boolean): GlobToken[] | undefined {
  if (!enabled) return compileGlob(text);
  const out: GlobToken[] = [];
  for (const part of parts(text)) {
    if (part.kind === 'text') out.push(...compileGlob(part.text));
    else if (part.kind === 'char') out.push(part.char);
    else {
      const value = resolve(part, context);
      if (value === undefined) return undefined;
      out.push(...Array.from(value));
    }
  }
  return out;
}
