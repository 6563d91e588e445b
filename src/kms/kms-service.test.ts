/** KmsService on a real SQLite file with a test clock: real deletion when the date passes (material destroyed), S3 key use (GenerateDataKey → Decrypt, aws/s3 on first use), a rotation by another instance met by reloading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KmsService } from './kms-service.js';
import { Secret } from '../common/secret.js';
import { systemRandom } from '../common/random.js';
import type { Principal } from '../common/principal.js';
import type { AuditEvent } from '../audit/audit-log.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-database.js';
import { SqliteKmsStore } from '../stores/sqlite/sqlite-kms-store.js';
import { SqliteIamStore } from '../stores/sqlite/sqlite-iam-store.js';

const ACCOUNT = '123456789012';
const caller: Principal = { accessKeyId: 'AKIAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, displayName: 'd', canonicalId: 'c', type: 'root', userId: ACCOUNT };
const DAY = 24 * 60 * 60 * 1000;

function setup(path = join(mkdtempSync(join(tmpdir(), 'strongroom-kms-')), 'meta.sqlite'), root = new Secret(randomBytes(32))) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = { now: () => new Date(now) };
  const db = openSqliteDatabase(path);
  const store = new SqliteKmsStore(db);
  const events: AuditEvent[] = [];
  const service = new KmsService({ store, iam: new SqliteIamStore(db), rootKey: root, clock, random: systemRandom, region: 'us-east-1', audit: { record: async (e) => { events.push(e); } } });
  return { service, store, events, path, root, advance: (ms: number) => { now += ms; } };
}

const call = { caller, requestId: 'R1' };

test('a key scheduled for deletion is destroyed when its date passes: the sweep deletes its material; its blobs answer NotFoundException', async () => {
  const { service, store, advance } = setup();
  const key = await service.createKey(call, {});
  const { blob } = await service.encrypt(call, key.keyId, Buffer.from('doomed'), {});
  await service.scheduleKeyDeletion(call, key.keyId, 7);
  advance(7 * DAY - 1000);
  assert.deepEqual(await service.sweep(), { deleted: 0, rotated: 0 });
  assert.equal((await store.listVersions(key.keyId)).length, 1);
  advance(2000);
  assert.deepEqual(await service.sweep(), { deleted: 1, rotated: 0 });
  assert.equal(await store.getKey(key.keyId), undefined);
  assert.deepEqual(await store.listVersions(key.keyId), [], 'the sealed material is gone from the store');
  await assert.rejects(service.decrypt(call, blob, {}, undefined), { code: 'NotFoundException' });
});

test('a passed deletion date is honoured before the sweep runs: the key is deleted on its next use', async () => {
  const { service, store, advance } = setup();
  const key = await service.createKey(call, {});
  await service.scheduleKeyDeletion(call, key.keyId, 30);
  advance(30 * DAY + 1);
  await assert.rejects(service.describeKey(call, key.keyId), { code: 'NotFoundException' });
  assert.equal(await store.getKey(key.keyId), undefined);
});

test('automatic rotation: the sweep adds a version when due; blobs sealed before decrypt after', async () => {
  const { service, store, advance } = setup();
  const key = await service.createKey(call, {});
  await service.setRotation(call, key.keyId, 90);
  const { blob } = await service.encrypt(call, key.keyId, Buffer.from('old'), {});
  advance(91 * DAY);
  assert.deepEqual(await service.sweep(), { deleted: 0, rotated: 1 });
  assert.deepEqual((await store.listVersions(key.keyId)).map((v) => [v.version, v.rotationType]), [[1, undefined], [2, 'AUTOMATIC']]);
  assert.equal((await service.decrypt(call, blob, {}, undefined)).plaintext.reveal().toString(), 'old');
  const fresh = await service.encrypt(call, key.keyId, Buffer.from('new'), {});
  assert.equal(fresh.blob.readUInt32BE(17), 2, 'new blobs name version 2');
});

test('S3 key use: no key id → the account\'s aws/s3 key, made once; GenerateDataKey then Decrypt with the same context; another context fails; each use is audited as invoked by S3', async () => {
  const { service, events } = setup();
  const use = service.keyUseForS3();
  const context = { 'aws:s3:arn': 'arn:aws:s3:::bucket/key' };
  const made = await use.generateDataKey({ caller, context, requestId: 'S3REQ', keyId: undefined });
  assert.equal(made.plaintext.length, 32);
  const again = await use.generateDataKey({ caller, context, requestId: 'S3REQ2', keyId: undefined });
  assert.equal(again.keyArn, made.keyArn, 'one aws/s3 key per account');
  const opened = await use.decrypt({ caller, context, requestId: 'S3REQ3', ciphertextBlob: made.ciphertextBlob });
  assert.equal(opened.keyArn, made.keyArn);
  assert.ok(opened.plaintext.reveal().equals(made.plaintext.reveal()));
  await assert.rejects(use.decrypt({ caller, context: { 'aws:s3:arn': 'arn:aws:s3:::bucket/other' }, requestId: 'S3REQ4', ciphertextBlob: made.ciphertextBlob }), { code: 'InvalidCiphertextException' });
  await assert.rejects(use.generateDataKey({ caller: undefined, context, requestId: 'S3REQ5', keyId: undefined }), { code: 'AccessDeniedException' });
  const uses = events.filter((e) => e.invokedBy === 's3.amazonaws.com');
  assert.deepEqual(uses.map((e) => [e.eventName, e.requestId, e.errorCode]), [
    ['GenerateDataKey', 'S3REQ', undefined], ['GenerateDataKey', 'S3REQ2', undefined], ['Decrypt', 'S3REQ3', undefined],
    ['Decrypt', 'S3REQ4', 'InvalidCiphertextException'], ['GenerateDataKey', 'S3REQ5', 'AccessDeniedException'],
  ]);
  assert.deepEqual(uses[0]!.requestParameters?.['encryptionContext'], context);
  assert.equal(uses[0]!.resources?.[0]?.ARN, made.keyArn);
  // A customer key named by alias, and a disabled one refused with DisabledException naming its ARN.
  const key = await service.createKey(call, {});
  await service.createAlias(call, 'alias/objects', key.keyId);
  const byAlias = await use.generateDataKey({ caller, context, requestId: 'S3REQ6', keyId: 'alias/objects' });
  assert.match(byAlias.keyArn, new RegExp(`key/${key.keyId}$`));
  await service.setEnabled(call, key.keyId, false);
  await assert.rejects(use.decrypt({ caller, context, requestId: 'S3REQ7', ciphertextBlob: byAlias.ciphertextBlob }), { code: 'DisabledException', message: `${byAlias.keyArn} is disabled.` });
});

test('a version rotated by another instance on the same database is found by reloading, not refused', async () => {
  const a = setup();
  const b = setup(a.path, a.root);
  const key = await a.service.createKey(call, {});
  await a.service.encrypt(call, key.keyId, Buffer.from('warm'), {}); // a holds v1
  await b.service.rotateOnDemand(call, key.keyId);
  const sealedByB = await b.service.encrypt(call, key.keyId, Buffer.from('from b'), {});
  assert.equal(sealedByB.blob.readUInt32BE(17), 2);
  assert.equal((await a.service.decrypt(call, sealedByB.blob, {}, undefined)).plaintext.reveal().toString(), 'from b');
});

test('the key material is stored sealed: the store holds no 32-byte key that decrypts a blob, and another root key cannot open it', async () => {
  const a = setup();
  const key = await a.service.createKey(call, {});
  const [row] = await a.store.listVersions(key.keyId);
  assert.equal(row!.sealed.length, 81);
  const other = setup(a.path, new Secret(randomBytes(32)));
  const { blob } = await a.service.encrypt(call, key.keyId, Buffer.from('x'), {});
  await assert.rejects(other.service.decrypt(call, blob, {}, undefined), /does not open with this root key/);
});
