/** Parses and validates policy JSON (identity or resource policy) into a PolicyDocument, or a typed PolicyError. */
import { parseCondition } from './parse-condition.js';
import { parsePrincipal } from './parse-principal.js';
import { PolicyInvalid, policyError, type PolicyError, type PolicyKind } from './policy-error.js';
import type { Element, PolicyDocument, PolicyVersion, PrincipalSpec, Statement } from './policy-document.js';

export interface ParseOptions {
  readonly kind: PolicyKind;
  /** A further check of each Action/NotAction entry (S3 bucket policies: an S3 action that exists). */
  readonly isValidAction?: (action: string) => boolean;
  /** A further check of each Resource/NotResource entry (S3 bucket policies: this bucket or its objects). */
  readonly isValidResource?: (resource: string) => boolean;
}

export type ParseResult = { readonly ok: true; readonly policy: PolicyDocument } | { readonly ok: false; readonly error: PolicyError };

const TOP_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
/** "service:ActionName" with wildcards, or "*" (IAM User Guide › Action: "a service namespace … and the name of the action"). */
const ACTION = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;
/** "*" or an ARN with its six components (partition and service non-empty, resource non-empty). */
const RESOURCE = /^(\*|arn:[^:]+:[^:]+:[^:]*:[^:]*:.+)$/s;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a policy document. Never throws on bad input: every refusal comes back as {ok: false, error}. */
export function parsePolicy(text: string, options: ParseOptions): ParseResult {
  try {
    return { ok: true, policy: parseDocument(text, options) };
  } catch (e) {
    if (e instanceof PolicyInvalid) return { ok: false, error: policyError(options.kind, e) };
    throw e;
  }
}

function parseDocument(text: string, options: ParseOptions): PolicyDocument {
  if (!text.trimStart().startsWith('{')) throw new PolicyInvalid('firstByte');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PolicyInvalid('notJson');
  }
  if (!isObject(raw)) throw new PolicyInvalid('notJson');
  for (const field of Object.keys(raw)) if (!TOP_FIELDS.has(field)) throw new PolicyInvalid('unknownField', field);
  // "If you do not include a Version element, the value defaults to 2008-10-17" (IAM User Guide › Version).
  const version = raw.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') throw new PolicyInvalid('version');
  if (raw.Id !== undefined && typeof raw.Id !== 'string') throw new PolicyInvalid('notJson');
  if (raw.Statement === undefined) throw new PolicyInvalid('missingStatement');
  const list = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  if (list.length === 0) throw new PolicyInvalid('emptyStatement');
  const statements = list.map((s) => parseStatement(s, options));
  const sids = statements.map((s) => s.sid).filter((s) => s !== undefined && s !== '');
  if (new Set(sids).size !== sids.length) throw new PolicyInvalid('duplicateSid');
  return { version: version as PolicyVersion, id: raw.Id, statements };
}

function parseStatement(raw: unknown, options: ParseOptions): Statement {
  if (!isObject(raw)) throw new PolicyInvalid('statementShape');
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) throw new PolicyInvalid('unknownField', field);
  const sid = raw.Sid;
  if (sid !== undefined && typeof sid !== 'string') throw new PolicyInvalid('invalidSid');
  if (typeof sid === 'string' && options.kind === 'identity' && !/^[0-9A-Za-z]*$/.test(sid)) throw new PolicyInvalid('invalidSid');
  if (raw.Effect === undefined) throw new PolicyInvalid('missingEffect');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw new PolicyInvalid('invalidEffect', String(raw.Effect));
  return {
    sid,
    effect: raw.Effect,
    principal: principalElement(raw, options.kind),
    action: listElement(raw, 'Action', 'NotAction', 'missingAction', 'bothAction', (a) => {
      if (!ACTION.test(a) || (options.isValidAction && !options.isValidAction(a))) throw new PolicyInvalid('invalidAction', a);
    }),
    resource: listElement(raw, 'Resource', 'NotResource', 'missingResource', 'bothResource', (r) => {
      if (!RESOURCE.test(r) || (options.isValidResource && !options.isValidResource(r))) throw new PolicyInvalid('invalidResource', r);
    }),
    condition: raw.Condition === undefined ? [] : parseCondition(raw.Condition),
  };
}

/** Resource policies need exactly one of Principal/NotPrincipal; identity policies may have neither. */
function principalElement(raw: Record<string, unknown>, kind: PolicyKind): Element<PrincipalSpec> | undefined {
  const has = raw.Principal !== undefined;
  const hasNot = raw.NotPrincipal !== undefined;
  if (kind === 'identity') {
    if (has || hasNot) throw new PolicyInvalid('principalInIdentityPolicy');
    return undefined;
  }
  if (has && hasNot) throw new PolicyInvalid('bothPrincipal');
  if (!has && !hasNot) throw new PolicyInvalid('missingPrincipal');
  return { negated: hasNot, value: parsePrincipal(has ? raw.Principal : raw.NotPrincipal) };
}

/** Action/NotAction or Resource/NotResource: exactly one, a string or a non-empty list of strings, each checked. */
function listElement(
  raw: Record<string, unknown>,
  name: 'Action' | 'Resource',
  notName: 'NotAction' | 'NotResource',
  missing: 'missingAction' | 'missingResource',
  both: 'bothAction' | 'bothResource',
  check: (entry: string) => void,
): Element<readonly string[]> {
  const has = raw[name] !== undefined;
  const hasNot = raw[notName] !== undefined;
  if (has && hasNot) throw new PolicyInvalid(both);
  if (!has && !hasNot) throw new PolicyInvalid(missing);
  const value = has ? raw[name] : raw[notName];
  const list = typeof value === 'string' ? [value] : value;
  const invalid = name === 'Action' ? 'invalidAction' : 'invalidResource';
  if (!Array.isArray(list) || list.length === 0) throw new PolicyInvalid(invalid, String(value));
  for (const entry of list) {
    if (typeof entry !== 'string') throw new PolicyInvalid(invalid, String(entry));
    check(entry);
  }
  return { negated: hasNot, value: list as string[] };
}
