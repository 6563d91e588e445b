/** May this caller do this KMS action on this key: the key policy (primary), the caller's identity policies where the key policy enables them, and grants; the engine decides. */
import { kmsError } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { Principal } from '../common/principal.js';
import { evaluate } from '../policy/engine/evaluate.js';
import { parsePolicy } from '../policy/engine/parse-policy.js';
import type { PolicyDocument } from '../policy/engine/policy-document.js';
import type { RequestContext } from '../policy/engine/request-context.js';
import type { IamStore } from '../stores/iam-store.js';
import type { KmsGrantRow, KmsKeyRow, KmsStore } from '../stores/kms-store.js';
import type { EncryptionContext } from './encryption-context.js';

/** Who is calling, and how: the facts condition keys are read from. */
export interface KmsCall {
  readonly caller: Principal;
  readonly requestId: string;
  readonly sourceIp?: string | undefined;
  readonly secure?: boolean | undefined;
  /** The service calling on the caller's behalf (`s3.<region>.amazonaws.com`); undefined for direct calls. */
  readonly viaService?: string | undefined;
  /** Filled by the service with the ARN of each key the call resolved (for its audit event, refused calls included). */
  readonly keysUsed?: string[] | undefined;
}

/** Request-specific condition keys: the encryption context, and for CreateGrant the operations it grants. */
export interface AccessExtras {
  readonly encryptionContext?: EncryptionContext | undefined;
  readonly grantOperations?: readonly string[] | undefined;
}

/**
 * Parsed policies by kind, keyed by the text itself: no key string is built per call, and a key row's policy
 * text (the same string while the row is unchanged) keeps its hash, so a key use looks its policy up in O(1).
 */
const PARSED = { identity: new Map<string, PolicyDocument | undefined>(), resource: new Map<string, PolicyDocument | undefined>() };

function parsed(text: string, kind: 'identity' | 'resource'): PolicyDocument | undefined {
  const cache = PARSED[kind];
  if (cache.has(text)) return cache.get(text);
  const r = parsePolicy(text, { kind });
  if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
  cache.set(text, r.ok ? r.policy : undefined);
  return r.ok ? r.policy : undefined;
}

/** Whether a grant's constraints hold for this encryption context (KMS GrantConstraints). */
function constraintsHold(grant: KmsGrantRow, context: EncryptionContext): boolean {
  const c = grant.constraints;
  if (!c) return true;
  if (c.EncryptionContextEquals) {
    const want = Object.entries(c.EncryptionContextEquals);
    if (want.length !== Object.keys(context).length || want.some(([k, v]) => context[k] !== v)) return false;
  }
  if (c.EncryptionContextSubset && Object.entries(c.EncryptionContextSubset).some(([k, v]) => context[k] !== v)) return false;
  return true;
}

export class KeyAccess {
  constructor(private readonly deps: { iam: Pick<IamStore, 'listPolicies' | 'groupsForUser'>; store: Pick<KmsStore, 'listGrants'>; clock: Clock }) {}

  async #identityPolicies(p: Principal): Promise<PolicyDocument[]> {
    if (p.type !== 'user' || p.userName === undefined) return [];
    const own = await this.deps.iam.listPolicies({ kind: 'user', accountId: p.accountId, name: p.userName });
    const groups = await this.deps.iam.groupsForUser(p.accountId, p.userName);
    const groupPolicies = await Promise.all(groups.map((g) => this.deps.iam.listPolicies({ kind: 'group', accountId: p.accountId, name: g.groupName })));
    return [...own, ...groupPolicies.flat()].map((ip) => parsed(ip.document, 'identity')).filter((d): d is PolicyDocument => d !== undefined);
  }

  #context(call: KmsCall, extras: AccessExtras): RequestContext {
    const p = call.caller;
    const now = this.deps.clock.now();
    const context: Record<string, string | readonly string[]> = {
      'aws:PrincipalArn': p.arn, 'aws:PrincipalAccount': p.accountId, 'aws:PrincipalType': p.type === 'root' ? 'Account' : 'User',
      'aws:userid': p.userId, 'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'), 'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SecureTransport': String(call.secure ?? false), 'kms:CallerAccount': p.accountId,
    };
    if (p.userName !== undefined) context['aws:username'] = p.userName;
    if (call.sourceIp) context['aws:SourceIp'] = call.sourceIp;
    if (call.viaService) context['kms:ViaService'] = call.viaService;
    if (extras.encryptionContext) {
      for (const [k, v] of Object.entries(extras.encryptionContext)) context[`kms:EncryptionContext:${k}`] = v;
      context['kms:EncryptionContextKeys'] = Object.keys(extras.encryptionContext);
    }
    if (extras.grantOperations) context['kms:GrantOperations'] = extras.grantOperations;
    return context;
  }

  /**
   * Resolves when allowed, else AccessDeniedException in KMS's words. `key` undefined: an account-level action
   * (CreateKey, ListKeys, ListAliases, GenerateRandom), decided by identity policies alone.
   */
  async authorize(call: KmsCall, action: string, key: { row: KmsKeyRow; arn: string } | undefined, extras: AccessExtras = {}): Promise<void> {
    const p = call.caller;
    const principal = { type: 'AWS' as const, arn: p.arn, accountId: p.accountId, canonicalUserId: p.canonicalId };
    const identityPolicies = await this.#identityPolicies(p);
    const context = this.#context(call, extras);
    if (key === undefined) {
      const r = evaluate({ principal, action, resource: '*', context, identityPolicies });
      if (r.decision === 'Allow') return;
      throw kmsError('AccessDeniedException', { message: `User: ${p.arn} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action` });
    }
    const keyPolicy = parsed(key.row.policy, 'resource');
    const r = evaluate({ principal, action, resource: key.arn, context, identityPolicies, resourcePolicy: keyPolicy, resourceAccount: key.row.accountId, keyPolicy: true });
    if (r.decision === 'Allow') return;
    if (r.decision === 'ImplicitDeny' && await this.#grantAllows(p, action, key.row, extras.encryptionContext ?? {})) return;
    const why = r.decision === 'ExplicitDeny' ? 'with an explicit deny in a resource-based policy' : `because no resource-based policy allows the ${action} action`;
    throw kmsError('AccessDeniedException', { message: `User: ${p.arn} is not authorized to perform: ${action} on resource: ${key.arn} ${why}` });
  }

  async #grantAllows(p: Principal, action: string, key: KmsKeyRow, context: EncryptionContext): Promise<boolean> {
    const operation = action.slice('kms:'.length);
    const grants = await this.deps.store.listGrants(key.keyId);
    return grants.some((g) => g.granteePrincipal === p.arn && g.operations.includes(operation) && constraintsHold(g, context));
  }
}
