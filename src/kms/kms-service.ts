/** The built-in KMS (kms/ layer entry): keys, aliases, key policies, grants, tags, rotation, deletion and the cryptographic operations; every call authorized by KeyAccess and key states enforced. */
import { kmsError } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { Principal } from '../common/principal.js';
import type { Random } from '../common/random.js';
import { Secret } from '../common/secret.js';
import type { AuditLog } from '../audit/audit-log.js';
import { parsePolicy } from '../policy/engine/parse-policy.js';
import type { IamStore } from '../stores/iam-store.js';
import type { KmsGrantRow, KmsKeyRow, KmsStore } from '../stores/kms-store.js';
import { openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js';
import { awsManagedS3KeyPolicy, defaultKeyPolicy } from './default-key-policy.js';
import type { EncryptionContext } from './encryption-context.js';
import { KeyAccess, type AccessExtras, type KmsCall } from './key-access.js';
import { KeyRing } from './key-ring.js';
import { aliasArn, checkAliasName, keyArn, newKeyId, parseKeyRef } from './kms-names.js';

export type { KmsCall } from './key-access.js';
export type { EncryptionContext } from './encryption-context.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const S3_ALIAS = 'alias/aws/s3';
const MAX_PLAINTEXT = 4096;
/** Grant operations KMS accepts in CreateGrant. */
const GRANT_OPERATIONS = new Set(['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant', 'RetireGrant', 'DescribeKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'Sign', 'Verify', 'GetPublicKey', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret']);

const epoch = (d: Date) => d.getTime() / 1000;

interface ResolvedKey { readonly row: KmsKeyRow; readonly arn: string }

/** What S3 (or any envelope) uses to have data keys made and opened on a caller's behalf; the external KMS client implements it too. */
export interface KmsKeyUse {
  generateDataKey(use: { caller: Principal | undefined; context: Readonly<Record<string, string>>; requestId: string; keyId: string | undefined }): Promise<{ keyArn: string; plaintext: Secret; ciphertextBlob: Buffer }>;
  decrypt(use: { caller: Principal | undefined; context: Readonly<Record<string, string>>; requestId: string; ciphertextBlob: Buffer }): Promise<{ keyArn: string; plaintext: Secret }>;
}

export interface KmsServiceDeps {
  readonly store: KmsStore;
  readonly iam: Pick<IamStore, 'listPolicies' | 'groupsForUser'>;
  readonly rootKey: Secret;
  readonly clock: Clock;
  readonly random: Random;
  readonly region: string;
  readonly audit: AuditLog;
}

export class KmsService {
  readonly #store: KmsStore;
  readonly #ring: KeyRing;
  readonly #access: KeyAccess;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #audit: AuditLog;
  readonly region: string;

  constructor(deps: KmsServiceDeps) {
    this.#store = deps.store;
    this.#ring = new KeyRing({ store: deps.store, rootKey: deps.rootKey, random: deps.random, clock: deps.clock });
    this.#access = new KeyAccess({ iam: deps.iam, store: deps.store, clock: deps.clock });
    this.#clock = deps.clock;
    this.#random = deps.random;
    this.#audit = deps.audit;
    this.region = deps.region;
  }

  // ---- resolution and states ----

  #arn(row: KmsKeyRow): string {
    return keyArn(row.region, row.accountId, row.keyId);
  }

  /**
   * A key row, or undefined when none (or one whose deletion date has passed: it is deleted now). An
   * internal key (the SSE-S3 master key) is never found: like an AWS owned key, no caller can describe,
   * use or manage it, and every call naming it answers NotFoundException.
   */
  async #load(keyId: string): Promise<KmsKeyRow | undefined> {
    const row = await this.#store.getKey(keyId);
    if (row?.internal) return undefined;
    if (row?.state === 'PendingDeletion' && row.deletionDate !== undefined && row.deletionDate <= this.#clock.now()) {
      await this.#destroy(row.keyId);
      return undefined;
    }
    return row;
  }

  async #destroy(keyId: string): Promise<void> {
    await this.#store.deleteKey(keyId);
    this.#ring.forget(keyId);
  }

  /** The key a KeyId parameter names; NotFoundException as KMS words it. */
  async #resolve(call: KmsCall, keyIdParam: string): Promise<ResolvedKey> {
    const ref = parseKeyRef(keyIdParam, this.region);
    const account = ref.accountId ?? call.caller.accountId;
    let keyId: string;
    if (ref.kind === 'alias') {
      const alias = await this.#store.getAlias(account, ref.aliasName);
      // The account's aws/s3 key comes into being the first time anything names it, as on AWS.
      const managed = !alias && ref.aliasName === S3_ALIAS && account === call.caller.accountId ? await this.#awsManagedS3Key(account) : undefined;
      const target = alias?.keyId ?? managed?.keyId;
      if (target === undefined) throw kmsError('NotFoundException', { message: `Alias ${aliasArn(this.region, account, ref.aliasName)} is not found.` });
      keyId = target;
    } else {
      keyId = ref.keyId;
    }
    const row = await this.#load(keyId);
    if (!row || row.accountId !== account) throw kmsError('NotFoundException', { message: `Key '${keyArn(this.region, account, keyId)}' does not exist` });
    call.keysUsed?.push(this.#arn(row));
    return { row, arn: this.#arn(row) };
  }

  /** Cryptographic operations need an Enabled key. */
  #usable(key: ResolvedKey): void {
    if (key.row.state === 'Disabled') throw kmsError('DisabledException', { message: `${key.arn} is disabled.` });
    if (key.row.state === 'PendingDeletion') throw kmsError('KMSInvalidStateException', { message: `${key.arn} is pending deletion.` });
  }

  #notPending(key: ResolvedKey): void {
    if (key.row.state === 'PendingDeletion') throw kmsError('KMSInvalidStateException', { message: `${key.arn} is pending deletion.` });
  }

  async #authorized(call: KmsCall, action: string, keyIdParam: string, extras?: AccessExtras): Promise<ResolvedKey> {
    const key = await this.#resolve(call, keyIdParam);
    await this.#access.authorize(call, action, key, extras);
    return key;
  }

  /** The account's AWS managed key for S3, created (with its alias) on first use; one per account even when two requests race. */
  async #awsManagedS3Key(accountId: string): Promise<KmsKeyRow> {
    const existing = await this.#store.getAlias(accountId, S3_ALIAS);
    if (existing) {
      const row = await this.#load(existing.keyId);
      if (row) return row;
    }
    const now = this.#clock.now();
    const row = this.#newKeyRow(accountId, {
      description: 'Default key that protects my S3 objects when no other key is defined', keyManager: 'AWS',
      policy: awsManagedS3KeyPolicy(accountId, this.region), rotationPeriodInDays: 365,
    });
    await this.#store.createKey(row, this.#ring.firstVersion(row.keyId));
    if (!(await this.#store.createAlias({ accountId, aliasName: S3_ALIAS, keyId: row.keyId, createdAt: now, updatedAt: now }))) {
      await this.#destroy(row.keyId);
      const winner = await this.#store.getAlias(accountId, S3_ALIAS);
      const won = winner && await this.#load(winner.keyId);
      if (!won) throw kmsError('KMSInternalException');
      return won;
    }
    return row;
  }

  #newKeyRow(accountId: string, opts: { description: string; keyManager: 'CUSTOMER' | 'AWS'; policy: string; tags?: KmsKeyRow['tags']; rotationPeriodInDays?: number }): KmsKeyRow {
    const now = this.#clock.now();
    return {
      keyId: newKeyId(this.#random), accountId, region: this.region, createdAt: now, state: 'Enabled', description: opts.description,
      keyManager: opts.keyManager, policy: opts.policy, tags: opts.tags ?? [], rotationPeriodInDays: opts.rotationPeriodInDays,
      nextRotationDate: opts.rotationPeriodInDays === undefined ? undefined : new Date(now.getTime() + opts.rotationPeriodInDays * DAY_MS),
    };
  }

  keyMetadata(row: KmsKeyRow): Record<string, unknown> {
    return {
      AWSAccountId: row.accountId, KeyId: row.keyId, Arn: this.#arn(row), CreationDate: epoch(row.createdAt), Enabled: row.state === 'Enabled',
      Description: row.description, KeyUsage: 'ENCRYPT_DECRYPT', KeyState: row.state,
      ...(row.deletionDate ? { DeletionDate: epoch(row.deletionDate), PendingDeletionWindowInDays: row.pendingWindowInDays } : {}),
      Origin: 'AWS_KMS', KeyManager: row.keyManager, CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false,
    };
  }

  // ---- key lifecycle ----

  async createKey(call: KmsCall, input: { description?: string; policy?: string; tags?: KmsKeyRow['tags']; bypassLockout?: boolean }): Promise<KmsKeyRow> {
    await this.#access.authorize(call, 'kms:CreateKey', undefined);
    const policy = input.policy ?? defaultKeyPolicy(call.caller.accountId);
    const row = this.#newKeyRow(call.caller.accountId, { description: input.description ?? '', keyManager: 'CUSTOMER', policy, tags: input.tags ?? [] });
    if (input.policy !== undefined) await this.#checkPolicy(call, row, input.policy, input.bypassLockout ?? false);
    await this.#store.createKey(row, this.#ring.firstVersion(row.keyId));
    call.keysUsed?.push(this.#arn(row));
    return row;
  }

  async describeKey(call: KmsCall, keyIdParam: string): Promise<KmsKeyRow> {
    return (await this.#authorized(call, 'kms:DescribeKey', keyIdParam)).row;
  }

  async listKeys(call: KmsCall): Promise<Array<{ KeyId: string; KeyArn: string }>> {
    await this.#access.authorize(call, 'kms:ListKeys', undefined);
    const now = this.#clock.now();
    return (await this.#store.listKeys(call.caller.accountId))
      .filter((r) => !r.internal && !(r.state === 'PendingDeletion' && r.deletionDate !== undefined && r.deletionDate <= now))
      .map((r) => ({ KeyId: r.keyId, KeyArn: this.#arn(r) }));
  }

  async setEnabled(call: KmsCall, keyIdParam: string, enabled: boolean): Promise<void> {
    const key = await this.#authorized(call, enabled ? 'kms:EnableKey' : 'kms:DisableKey', keyIdParam);
    this.#notPending(key);
    await this.#store.updateKey({ ...key.row, state: enabled ? 'Enabled' : 'Disabled' });
  }

  async scheduleKeyDeletion(call: KmsCall, keyIdParam: string, days: number): Promise<KmsKeyRow> {
    const key = await this.#authorized(call, 'kms:ScheduleKeyDeletion', keyIdParam);
    this.#notPending(key);
    const row: KmsKeyRow = { ...key.row, state: 'PendingDeletion', pendingWindowInDays: days, deletionDate: new Date(this.#clock.now().getTime() + days * DAY_MS) };
    await this.#store.updateKey(row);
    return row;
  }

  /** A cancelled deletion leaves the key Disabled, as KMS does. */
  async cancelKeyDeletion(call: KmsCall, keyIdParam: string): Promise<KmsKeyRow> {
    const key = await this.#authorized(call, 'kms:CancelKeyDeletion', keyIdParam);
    if (key.row.state !== 'PendingDeletion') throw kmsError('KMSInvalidStateException', { message: `${key.arn} is not pending deletion.` });
    const row: KmsKeyRow = { ...key.row, state: 'Disabled', deletionDate: undefined, pendingWindowInDays: undefined };
    await this.#store.updateKey(row);
    return row;
  }

  // ---- rotation ----

  async setRotation(call: KmsCall, keyIdParam: string, periodInDays: number | undefined): Promise<void> {
    const key = await this.#authorized(call, periodInDays === undefined ? 'kms:DisableKeyRotation' : 'kms:EnableKeyRotation', keyIdParam);
    this.#usable(key);
    const next = periodInDays === undefined ? undefined : new Date(this.#clock.now().getTime() + periodInDays * DAY_MS);
    await this.#store.updateKey({ ...key.row, rotationPeriodInDays: periodInDays, nextRotationDate: next });
  }

  async rotationStatus(call: KmsCall, keyIdParam: string): Promise<{ row: KmsKeyRow; arn: string }> {
    const key = await this.#authorized(call, 'kms:GetKeyRotationStatus', keyIdParam);
    this.#notPending(key);
    return key;
  }

  async rotateOnDemand(call: KmsCall, keyIdParam: string): Promise<string> {
    const key = await this.#authorized(call, 'kms:RotateKeyOnDemand', keyIdParam);
    this.#usable(key);
    await this.#ring.rotate(key.row.keyId, 'ON_DEMAND');
    return key.arn;
  }

  async listKeyRotations(call: KmsCall, keyIdParam: string): Promise<Array<Record<string, unknown>>> {
    const key = await this.#authorized(call, 'kms:ListKeyRotations', keyIdParam);
    this.#notPending(key);
    return (await this.#ring.versions(key.row.keyId)).filter((v) => v.rotationType !== undefined)
      .map((v) => ({ KeyId: key.arn, RotationDate: epoch(v.createdAt), RotationType: v.rotationType }));
  }

  /** Deletes keys whose deletion date has passed (their material with them) and rotates keys whose rotation is due. */
  async sweep(): Promise<{ deleted: number; rotated: number }> {
    const now = this.#clock.now();
    let deleted = 0;
    let rotated = 0;
    for (const row of await this.#store.keysDue(now)) {
      if (row.state === 'PendingDeletion') {
        await this.#destroy(row.keyId);
        deleted++;
      } else if (row.rotationPeriodInDays !== undefined && row.nextRotationDate !== undefined) {
        await this.#ring.rotate(row.keyId, 'AUTOMATIC');
        await this.#store.updateKey({ ...row, nextRotationDate: new Date(now.getTime() + row.rotationPeriodInDays * DAY_MS) });
        rotated++;
      }
    }
    return { deleted, rotated };
  }

  // ---- cryptographic operations ----

  async #seal(key: ResolvedKey, context: EncryptionContext, plaintext: Buffer): Promise<Buffer> {
    const current = await this.#ring.current(key.row.keyId);
    return sealBlob({ keyId: key.row.keyId, version: current.version }, current.key, context, plaintext, this.#random);
  }

  async encrypt(call: KmsCall, keyIdParam: string, plaintext: Buffer, context: EncryptionContext): Promise<{ blob: Buffer; arn: string }> {
    if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT) {
      throw kmsError('ValidationException', { message: `1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and ${MAX_PLAINTEXT}` });
    }
    const key = await this.#authorized(call, 'kms:Encrypt', keyIdParam, { encryptionContext: context });
    this.#usable(key);
    return { blob: await this.#seal(key, context, plaintext), arn: key.arn };
  }

  async generateDataKey(call: KmsCall, keyIdParam: string, bytes: number, context: EncryptionContext, withPlaintext: boolean): Promise<{ blob: Buffer; plaintext: Secret; arn: string }> {
    const key = await this.#authorized(call, withPlaintext ? 'kms:GenerateDataKey' : 'kms:GenerateDataKeyWithoutPlaintext', keyIdParam, { encryptionContext: context });
    this.#usable(key);
    const plaintext = new Secret(this.#random.bytes(bytes));
    return { blob: await this.#seal(key, context, plaintext.reveal()), plaintext, arn: key.arn };
  }

  /** Opens a blob: the key it names (checked against `expectKeyId` when given), authorized for `action`, Enabled. */
  async #open(call: KmsCall, action: string, blob: Buffer, context: EncryptionContext, expectKeyId: string | undefined): Promise<{ plaintext: Secret; key: ResolvedKey }> {
    const header = readBlobHeader(blob);
    if (!header) throw kmsError('InvalidCiphertextException', { message: '' });
    const row = await this.#load(header.keyId);
    if (!row) throw kmsError('NotFoundException', { message: `Key '${keyArn(this.region, call.caller.accountId, header.keyId)}' does not exist` });
    const key = { row, arn: this.#arn(row) };
    call.keysUsed?.push(key.arn);
    if (expectKeyId !== undefined) {
      const expected = await this.#resolve(call, expectKeyId);
      if (expected.row.keyId !== row.keyId) throw kmsError('IncorrectKeyException', { message: 'The key ID in the request does not identify a CMK that can perform this operation.' });
    }
    await this.#access.authorize(call, action, key, { encryptionContext: context });
    this.#usable(key);
    const material = await this.#ring.version(row.keyId, header.version);
    const plain = material && openBlob(blob, material, context);
    if (!plain) throw kmsError('InvalidCiphertextException', { message: '' });
    return { plaintext: new Secret(plain), key };
  }

  async decrypt(call: KmsCall, blob: Buffer, context: EncryptionContext, keyIdParam: string | undefined): Promise<{ plaintext: Secret; arn: string }> {
    const { plaintext, key } = await this.#open(call, 'kms:Decrypt', blob, context, keyIdParam);
    return { plaintext, arn: key.arn };
  }

  async reEncrypt(call: KmsCall, input: { blob: Buffer; sourceContext: EncryptionContext; sourceKeyId?: string | undefined; destinationKeyId: string; destinationContext: EncryptionContext }): Promise<{ blob: Buffer; sourceArn: string; arn: string }> {
    const { plaintext, key: source } = await this.#open(call, 'kms:ReEncryptFrom', input.blob, input.sourceContext, input.sourceKeyId);
    try {
      const dest = await this.#authorized(call, 'kms:ReEncryptTo', input.destinationKeyId, { encryptionContext: input.destinationContext });
      this.#usable(dest);
      return { blob: await this.#seal(dest, input.destinationContext, plaintext.reveal()), sourceArn: source.arn, arn: dest.arn };
    } finally {
      plaintext.wipe();
    }
  }

  async generateRandom(call: KmsCall, bytes: number): Promise<Buffer> {
    await this.#access.authorize(call, 'kms:GenerateRandom', undefined);
    return this.#random.bytes(bytes);
  }

  // ---- key policies ----

  /** The policy must parse and (unless bypassed) still let the caller put the key policy: KMS's lockout safety check. */
  async #checkPolicy(call: KmsCall, row: KmsKeyRow, policy: string, bypass: boolean): Promise<void> {
    const r = parsePolicy(policy, { kind: 'resource' });
    if (!r.ok) throw kmsError('MalformedPolicyDocumentException', { message: r.error.message });
    if (bypass) return;
    try {
      await this.#access.authorize(call, 'kms:PutKeyPolicy', { row: { ...row, policy }, arn: this.#arn(row) });
    } catch {
      throw kmsError('MalformedPolicyDocumentException', { message: 'The new key policy will not allow you to update the key policy in the future.' });
    }
  }

  async getKeyPolicy(call: KmsCall, keyIdParam: string, policyName: string): Promise<string> {
    const key = await this.#authorized(call, 'kms:GetKeyPolicy', keyIdParam);
    if (policyName !== 'default') throw kmsError('NotFoundException', { message: 'No such policy exists' });
    return key.row.policy;
  }

  async putKeyPolicy(call: KmsCall, keyIdParam: string, policyName: string, policy: string, bypass: boolean): Promise<void> {
    const key = await this.#authorized(call, 'kms:PutKeyPolicy', keyIdParam);
    if (policyName !== 'default') throw kmsError('NotFoundException', { message: 'No such policy exists' });
    this.#notPending(key);
    await this.#checkPolicy(call, key.row, policy, bypass);
    await this.#store.updateKey({ ...key.row, policy });
  }

  async listKeyPolicies(call: KmsCall, keyIdParam: string): Promise<void> {
    await this.#authorized(call, 'kms:ListKeyPolicies', keyIdParam);
  }

  // ---- aliases ----

  async #targetKey(call: KmsCall, action: string, target: string): Promise<ResolvedKey> {
    if (target.startsWith('alias/') || /:alias\//.test(target)) throw kmsError('ValidationException', { message: 'Aliases must refer to keys. Not aliases' });
    const key = await this.#authorized(call, action, target);
    this.#notPending(key);
    if (key.row.accountId !== call.caller.accountId) throw kmsError('NotFoundException', { message: `Key '${key.arn}' does not exist` });
    return key;
  }

  async createAlias(call: KmsCall, aliasName: string, target: string): Promise<void> {
    checkAliasName(aliasName);
    const key = await this.#targetKey(call, 'kms:CreateAlias', target);
    const now = this.#clock.now();
    if (!(await this.#store.createAlias({ accountId: call.caller.accountId, aliasName, keyId: key.row.keyId, createdAt: now, updatedAt: now }))) {
      throw kmsError('AlreadyExistsException', { message: `An alias with the name ${aliasArn(this.region, call.caller.accountId, aliasName)} already exists` });
    }
  }

  async #existingAlias(call: KmsCall, aliasName: string) {
    checkAliasName(aliasName);
    const alias = await this.#store.getAlias(call.caller.accountId, aliasName);
    if (!alias) throw kmsError('NotFoundException', { message: `Alias ${aliasArn(this.region, call.caller.accountId, aliasName)} is not found.` });
    return alias;
  }

  async updateAlias(call: KmsCall, aliasName: string, target: string): Promise<void> {
    const alias = await this.#existingAlias(call, aliasName);
    const current = await this.#load(alias.keyId);
    if (current) await this.#access.authorize(call, 'kms:UpdateAlias', { row: current, arn: this.#arn(current) });
    const key = await this.#targetKey(call, 'kms:UpdateAlias', target);
    await this.#store.updateAlias({ ...alias, keyId: key.row.keyId, updatedAt: this.#clock.now() });
  }

  async deleteAlias(call: KmsCall, aliasName: string): Promise<void> {
    const alias = await this.#existingAlias(call, aliasName);
    const key = await this.#load(alias.keyId);
    if (key) await this.#access.authorize(call, 'kms:DeleteAlias', { row: key, arn: this.#arn(key) });
    await this.#store.deleteAlias(call.caller.accountId, aliasName);
  }

  async listAliases(call: KmsCall, keyIdParam: string | undefined): Promise<Array<Record<string, unknown>>> {
    let keyId: string | undefined;
    if (keyIdParam !== undefined) keyId = (await this.#authorized(call, 'kms:ListAliases', keyIdParam)).row.keyId;
    else await this.#access.authorize(call, 'kms:ListAliases', undefined);
    return (await this.#store.listAliases(call.caller.accountId)).filter((a) => keyId === undefined || a.keyId === keyId).map((a) => ({
      AliasName: a.aliasName, AliasArn: aliasArn(this.region, a.accountId, a.aliasName), TargetKeyId: a.keyId,
      CreationDate: epoch(a.createdAt), LastUpdatedDate: epoch(a.updatedAt),
    }));
  }

  // ---- grants ----

  async createGrant(call: KmsCall, input: { keyId: string; grantee: string; operations: string[]; retiring?: string | undefined; constraints?: KmsGrantRow['constraints']; name?: string | undefined }): Promise<{ grantId: string; grantToken: string }> {
    for (const op of input.operations) {
      if (!GRANT_OPERATIONS.has(op)) throw kmsError('ValidationException', { message: `1 validation error detected: Value '[${input.operations.join(', ')}]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${[...GRANT_OPERATIONS].join(', ')}]]` });
    }
    const key = await this.#authorized(call, 'kms:CreateGrant', input.keyId, { grantOperations: input.operations });
    this.#notPending(key);
    const grant: KmsGrantRow = {
      grantId: this.#random.bytes(32).toString('hex'), keyId: key.row.keyId, name: input.name, granteePrincipal: input.grantee, retiringPrincipal: input.retiring,
      issuingAccount: `arn:aws:iam::${call.caller.accountId}:root`, operations: input.operations, constraints: input.constraints,
      grantToken: this.#random.bytes(48).toString('base64url'), createdAt: this.#clock.now(),
    };
    await this.#store.addGrant(grant);
    return { grantId: grant.grantId, grantToken: grant.grantToken };
  }

  async listGrants(call: KmsCall, keyIdParam: string): Promise<Array<Record<string, unknown>>> {
    const key = await this.#authorized(call, 'kms:ListGrants', keyIdParam);
    return (await this.#store.listGrants(key.row.keyId)).map((g) => ({
      KeyId: key.arn, GrantId: g.grantId, ...(g.name ? { Name: g.name } : {}), CreationDate: epoch(g.createdAt), GranteePrincipal: g.granteePrincipal,
      ...(g.retiringPrincipal ? { RetiringPrincipal: g.retiringPrincipal } : {}), IssuingAccount: g.issuingAccount, Operations: g.operations,
      ...(g.constraints ? { Constraints: g.constraints } : {}),
    }));
  }

  /** RetireGrant: by token, or by key and grant id; the retiring or grantee principal may, else kms:RetireGrant on the key. */
  async retireGrant(call: KmsCall, input: { grantToken?: string | undefined; keyId?: string | undefined; grantId?: string | undefined }): Promise<void> {
    let grant: KmsGrantRow | undefined;
    if (input.grantToken !== undefined) {
      const keyRows = await this.#store.listKeys(call.caller.accountId);
      for (const k of keyRows) grant ??= (await this.#store.listGrants(k.keyId)).find((g) => g.grantToken === input.grantToken);
      if (!grant) throw kmsError('InvalidGrantTokenException', { message: 'Invalid grant token' });
    } else if (input.keyId !== undefined && input.grantId !== undefined) {
      const key = await this.#resolve(call, input.keyId);
      grant = await this.#store.getGrant(input.grantId);
      if (!grant || grant.keyId !== key.row.keyId) throw kmsError('NotFoundException', { message: `Grant ID ${input.grantId} not found` });
    } else {
      throw kmsError('ValidationException', { message: 'Grant token OR (grant ID, key ID) must be specified' });
    }
    if (grant.retiringPrincipal !== call.caller.arn && grant.granteePrincipal !== call.caller.arn) {
      const row = await this.#load(grant.keyId);
      if (!row) throw kmsError('NotFoundException');
      await this.#access.authorize(call, 'kms:RetireGrant', { row, arn: this.#arn(row) });
    }
    await this.#store.deleteGrant(grant.grantId);
  }

  async revokeGrant(call: KmsCall, keyIdParam: string, grantId: string): Promise<void> {
    const key = await this.#authorized(call, 'kms:RevokeGrant', keyIdParam);
    const grant = await this.#store.getGrant(grantId);
    if (!grant || grant.keyId !== key.row.keyId) throw kmsError('NotFoundException', { message: `Grant ID ${grantId} not found` });
    await this.#store.deleteGrant(grantId);
  }

  // ---- tags ----

  async tagResource(call: KmsCall, keyIdParam: string, tags: KmsKeyRow['tags']): Promise<void> {
    const key = await this.#authorized(call, 'kms:TagResource', keyIdParam);
    this.#notPending(key);
    for (const t of tags) if (t.TagKey.startsWith('aws:')) throw kmsError('TagException', { message: 'Tags beginning with aws: are reserved' });
    const merged = new Map(key.row.tags.map((t) => [t.TagKey, t.TagValue]));
    for (const t of tags) merged.set(t.TagKey, t.TagValue);
    if (merged.size > 50) throw kmsError('LimitExceededException', { message: 'A KMS key can have at most 50 tags.' });
    await this.#store.updateKey({ ...key.row, tags: [...merged].map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });
  }

  async untagResource(call: KmsCall, keyIdParam: string, tagKeys: readonly string[]): Promise<void> {
    const key = await this.#authorized(call, 'kms:UntagResource', keyIdParam);
    this.#notPending(key);
    await this.#store.updateKey({ ...key.row, tags: key.row.tags.filter((t) => !tagKeys.includes(t.TagKey)) });
  }

  async listResourceTags(call: KmsCall, keyIdParam: string): Promise<KmsKeyRow['tags']> {
    return (await this.#authorized(call, 'kms:ListResourceTags', keyIdParam)).row.tags;
  }

  // ---- key use on S3's behalf ----

  /**
   * The object S3's envelope uses: data keys made and opened for a caller through S3 (kms:ViaService =
   * s3.<region>.amazonaws.com), with the caller's permissions; no key id means the account's aws/s3 key.
   * Each use is an audit event invoked by s3.amazonaws.com.
   */
  keyUseForS3(): KmsKeyUse {
    const via = `s3.${this.region}.amazonaws.com`;
    const callOf = (caller: Principal | undefined, requestId: string): KmsCall => {
      if (caller === undefined) throw kmsError('AccessDeniedException', { message: 'Anonymous requests cannot use KMS keys.' });
      return { caller, requestId, viaService: via, secure: true };
    };
    const record = async (eventName: string, call: { caller: Principal | undefined; requestId: string; context: EncryptionContext }, keyArnUsed: string | undefined, error?: unknown) => {
      await this.#audit.record({
        eventSource: 'kms.amazonaws.com', eventName, eventTime: this.#clock.now(), requestId: call.requestId, principal: call.caller, invokedBy: 's3.amazonaws.com',
        requestParameters: { encryptionContext: call.context, ...(keyArnUsed ? { keyId: keyArnUsed } : {}) },
        resources: keyArnUsed ? [{ ARN: keyArnUsed, type: 'AWS::KMS::Key' }] : [], readOnly: true, managementEvent: true,
        ...(error instanceof Error ? { errorCode: (error as { code?: string }).code ?? 'KMSInternalException', errorMessage: error.message } : {}),
      });
    };
    return {
      generateDataKey: async (use) => {
        let arn: string | undefined;
        try {
          const call = callOf(use.caller, use.requestId);
          const keyId = use.keyId ?? this.#arn(await this.#awsManagedS3Key(call.caller.accountId));
          const r = await this.generateDataKey(call, keyId, 32, use.context, true);
          arn = r.arn;
          await record('GenerateDataKey', use, arn);
          return { keyArn: r.arn, plaintext: r.plaintext, ciphertextBlob: r.blob };
        } catch (err) {
          await record('GenerateDataKey', use, arn, err);
          throw err;
        }
      },
      decrypt: async (use) => {
        try {
          const r = await this.decrypt(callOf(use.caller, use.requestId), use.ciphertextBlob, use.context, undefined);
          await record('Decrypt', use, r.arn);
          return { keyArn: r.arn, plaintext: r.plaintext };
        } catch (err) {
          const header = readBlobHeader(use.ciphertextBlob);
          const row = header && await this.#store.getKey(header.keyId);
          await record('Decrypt', use, row && !row.internal ? this.#arn(row) : undefined, err);
          throw err;
        }
      },
    };
  }

  /**
   * For operator tools (no caller, no key policy): the key id that a key id, key ARN or alias ARN names,
   * also of a key already deleted (its objects are listed even then). Undefined for an alias that does not exist.
   */
  async keyIdFor(ref: string): Promise<string | undefined> {
    const parsed = parseKeyRef(ref, this.region);
    if (parsed.kind === 'key') return parsed.keyId;
    if (parsed.accountId === undefined) throw kmsError('NotFoundException', { message: `An alias needs its account: give the alias ARN (arn:aws:kms:${this.region}:ACCOUNT:${parsed.aliasName})` });
    return (await this.#store.getAlias(parsed.accountId, parsed.aliasName))?.keyId;
  }

  /** Wipes every key version held in memory. */
  wipe(): void {
    this.#ring.wipe();
  }
}
