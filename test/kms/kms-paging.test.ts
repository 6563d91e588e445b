/** Limit / Marker / Truncated / NextMarker paging of ListKeys, ListAliases (with KeyId), ListGrants, ListResourceTags and ListKeyRotations through @aws-sdk/client-kms, and the marker and limit errors KMS answers. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, KMSClient, ListAliasesCommand, ListGrantsCommand, ListKeyRotationsCommand,
  ListKeysCommand, ListResourceTagsCommand, RotateKeyOnDemandCommand, TagResourceCommand, paginateListKeys,
} from '@aws-sdk/client-kms';
import { startServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../helpers/start-server.js';

let server: TestServer;
let kms: KMSClient;

before(async () => {
  server = await startServer();
  kms = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY }, maxAttempts: 1 });
});
after(async () => { await server?.stop(); });

async function rejects(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    return true;
  });
}

/** Walks every page of a List* call with `limit`, checking each page's size and that only the last one is untruncated. */
async function walk<T>(limit: number, call: (marker: string | undefined) => Promise<{ items: T[] | undefined; Truncated?: boolean | undefined; NextMarker?: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const r = await call(marker);
    const items = r.items ?? [];
    assert.ok(items.length <= limit, `a page holds at most Limit (${limit}) items, got ${items.length}`);
    all.push(...items);
    if (!r.Truncated) {
      assert.equal(r.NextMarker, undefined, 'an untruncated page has no NextMarker');
      return all;
    }
    assert.equal(items.length, limit, 'a truncated page is full');
    assert.equal(typeof r.NextMarker, 'string', 'a truncated page names its NextMarker');
    marker = r.NextMarker;
  }
  throw new Error('paging did not end');
}

test('ListKeys pages by Limit and Marker (Truncated, NextMarker), the SDK paginator walks it, and Limit outside 1–1000 or a foreign marker is refused', async () => {
  const made: string[] = [];
  for (let i = 0; i < 5; i++) made.push((await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
  const whole = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId!);
  for (const id of made) assert.ok(whole.includes(id));
  const paged = await walk(2, async (Marker) => { const r = await kms.send(new ListKeysCommand({ Limit: 2, Marker })); return { ...r, items: r.Keys }; });
  assert.deepEqual(paged.map((k) => k.KeyId).sort(), [...whole].sort(), 'pages of 2 give every key exactly once');
  const first = await kms.send(new ListKeysCommand({ Limit: 2 }));
  assert.equal(first.Keys!.length, 2);
  assert.equal(first.Truncated, true);
  const viaPaginator: string[] = [];
  for await (const page of paginateListKeys({ client: kms, pageSize: 3 }, {})) viaPaginator.push(...page.Keys!.map((k) => k.KeyId!));
  assert.deepEqual(viaPaginator.sort(), [...whole].sort());
  await rejects(kms.send(new ListKeysCommand({ Limit: 0 })), 'ValidationException');
  await rejects(kms.send(new ListKeysCommand({ Limit: 1001 })), 'ValidationException');
  await rejects(kms.send(new ListKeysCommand({ Marker: 'not-a-marker' })), 'InvalidMarkerException');
  const aliasMarker = await kms.send(new ListAliasesCommand({ Limit: 1 }));
  if (aliasMarker.NextMarker) await rejects(kms.send(new ListKeysCommand({ Marker: aliasMarker.NextMarker })), 'InvalidMarkerException');
});

test('ListAliases pages by Limit and Marker, also with a KeyId filter, and refuses a bad marker', async () => {
  const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  for (let i = 0; i < 3; i++) await kms.send(new CreateAliasCommand({ AliasName: `alias/page-a-${i}`, TargetKeyId: a }));
  for (let i = 0; i < 2; i++) await kms.send(new CreateAliasCommand({ AliasName: `alias/page-b-${i}`, TargetKeyId: b }));
  const ofA = await walk(1, async (Marker) => { const r = await kms.send(new ListAliasesCommand({ KeyId: a, Limit: 1, Marker })); return { ...r, items: r.Aliases }; });
  assert.deepEqual(ofA.map((x) => x.AliasName).sort(), ['alias/page-a-0', 'alias/page-a-1', 'alias/page-a-2']);
  const every = await walk(2, async (Marker) => { const r = await kms.send(new ListAliasesCommand({ Limit: 2, Marker })); return { ...r, items: r.Aliases }; });
  const names = every.map((x) => x.AliasName!);
  assert.equal(new Set(names).size, names.length, 'no alias twice');
  for (const n of ['alias/page-a-0', 'alias/page-a-1', 'alias/page-a-2', 'alias/page-b-0', 'alias/page-b-1']) assert.ok(names.includes(n), n);
  const firstOfA = await kms.send(new ListAliasesCommand({ KeyId: a, Limit: 2 }));
  assert.equal(firstOfA.Truncated, true);
  assert.equal(firstOfA.Aliases!.length, 2);
  await rejects(kms.send(new ListAliasesCommand({ Marker: 'bm90IG91cnM' })), 'InvalidMarkerException');
  await rejects(kms.send(new ListAliasesCommand({ Limit: 1001 })), 'ValidationException');
  const keysMarker = (await kms.send(new ListKeysCommand({ Limit: 1 }))).NextMarker!;
  await rejects(kms.send(new ListAliasesCommand({ Marker: keysMarker })), 'InvalidMarkerException');
});

test('ListGrants, ListResourceTags and ListKeyRotations page by Limit and Marker', async () => {
  const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  for (let i = 0; i < 3; i++) await kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: `arn:aws:iam::111122223333:user/g${i}`, Operations: ['Decrypt'] }));
  const grants = await walk(2, async (Marker) => { const r = await kms.send(new ListGrantsCommand({ KeyId: keyId, Limit: 2, Marker })); return { ...r, items: r.Grants }; });
  assert.deepEqual(grants.map((g) => g.GranteePrincipal).sort(), [0, 1, 2].map((i) => `arn:aws:iam::111122223333:user/g${i}`));
  assert.equal((await kms.send(new ListGrantsCommand({ KeyId: keyId, Limit: 1 }))).Truncated, true);
  await rejects(kms.send(new ListGrantsCommand({ KeyId: keyId, Marker: 'xyz' })), 'InvalidMarkerException');

  await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [0, 1, 2, 3, 4].map((i) => ({ TagKey: `k${i}`, TagValue: `v${i}` })) }));
  const tags = await walk(2, async (Marker) => { const r = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 2, Marker })); return { ...r, items: r.Tags }; });
  assert.deepEqual(tags.map((t) => t.TagKey).sort(), ['k0', 'k1', 'k2', 'k3', 'k4']);
  await rejects(kms.send(new ListResourceTagsCommand({ KeyId: keyId, Marker: 'xyz' })), 'InvalidMarkerException');

  for (let i = 0; i < 3; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
  const rotations = await walk(1, async (Marker) => { const r = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 1, Marker })); return { ...r, items: r.Rotations }; });
  assert.equal(rotations.length, 3);
  assert.ok(rotations.every((r) => r.RotationType === 'ON_DEMAND'));
  const dates = rotations.map((r) => r.RotationDate!.getTime());
  assert.deepEqual(dates, [...dates].sort((x, y) => x - y), 'rotations in the order they happened');
  await rejects(kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Marker: 'xyz' })), 'InvalidMarkerException');
});

test('ListGrants filters by GrantId and GranteePrincipal', async () => {
  const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const one = await kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:user/one', Operations: ['Decrypt'] }));
  await kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:user/two', Operations: ['Encrypt'] }));
  const byId = await kms.send(new ListGrantsCommand({ KeyId: keyId, GrantId: one.GrantId }));
  assert.deepEqual(byId.Grants!.map((g) => g.GrantId), [one.GrantId]);
  const byGrantee = await kms.send(new ListGrantsCommand({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:user/two' }));
  assert.deepEqual(byGrantee.Grants!.map((g) => g.Operations), [['Encrypt']]);
});
