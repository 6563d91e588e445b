/** The contract every IamStore implementation must pass; each implementation's test file calls runIamStoreContract. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessKeyRecord, IamStore } from './iam-store.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const A = '111111111111';
const B = '222222222222';

function accessKey(id: string, accountId: string, userName: string | undefined, at = T0): AccessKeyRecord {
  return { accessKeyId: id, accountId, userName, status: 'Active', sealedSecret: Buffer.from([1, 2, 3]), createdAt: at };
}

/** `open` returns a fresh, empty store. */
export function runIamStoreContract(name: string, open: () => Promise<IamStore>): void {
  const withStore = (title: string, fn: (s: IamStore) => Promise<void>) => test(`${name}: ${title}`, async () => fn(await open()));

  withStore('an empty store answers every read with nothing', async (s) => {
    assert.deepEqual(await s.listAccounts(), []);
    assert.equal(await s.getAccessKey('AKIANONE'), undefined);
    assert.deepEqual(await s.listUsers(A), []);
  });

  withStore('accounts: name, id and canonical id are unique; the root key is stored with the account; delete removes everything of it', async (s) => {
    const a = { accountId: A, name: 'alpha', canonicalId: 'c'.repeat(64), displayName: 'Alpha', email: 'a@example.com', createdAt: T0 };
    assert.equal(await s.createAccount(a, accessKey('AKIAROOTA', A, undefined)), 'created');
    assert.equal(await s.createAccount({ ...a, accountId: B, canonicalId: 'd'.repeat(64) }), 'exists', 'same name');
    assert.equal(await s.createAccount({ ...a, name: 'beta', canonicalId: 'd'.repeat(64) }), 'exists', 'same id');
    assert.equal(await s.createAccount({ ...a, name: 'beta', accountId: B }), 'exists', 'same canonical id');
    assert.equal(await s.createAccount({ ...a, name: 'beta', accountId: B, canonicalId: 'd'.repeat(64) }, accessKey('AKIAROOTA', B, undefined)), 'key-exists');
    assert.equal(await s.getAccountByName('beta'), undefined, 'a refused account leaves nothing');
    assert.deepEqual(await s.getAccount(A), a);
    assert.equal((await s.getAccessKey('AKIAROOTA'))?.userName, undefined);
    await s.createUser({ accountId: A, userName: 'u', userId: 'AIDAU', path: '/', createdAt: T0 });
    assert.equal(await s.createAccessKey(accessKey('AKIAUSER', A, 'u'), 2), 'created');
    assert.equal(await s.deleteAccount(A), true);
    assert.equal(await s.getAccount(A), undefined);
    assert.equal(await s.getAccessKey('AKIAROOTA'), undefined);
    assert.equal(await s.getAccessKey('AKIAUSER'), undefined);
    assert.equal(await s.getUser(A, 'u'), undefined);
  });

  withStore('users: unique per account without regard to case, separate between accounts; delete refused while keys, policies or groups remain', async (s) => {
    assert.equal(await s.createUser({ accountId: A, userName: 'Bob', userId: 'AIDA1', path: '/', createdAt: T0 }), 'created');
    assert.equal(await s.createUser({ accountId: A, userName: 'bob', userId: 'AIDA2', path: '/', createdAt: T0 }), 'exists');
    assert.equal(await s.createUser({ accountId: B, userName: 'bob', userId: 'AIDA3', path: '/', createdAt: T0 }), 'created');
    assert.equal((await s.getUser(A, 'BOB'))?.userName, 'Bob');
    assert.deepEqual((await s.listUsers(A)).map((u) => u.userId), ['AIDA1']);
    assert.equal(await s.createAccessKey(accessKey('AKIA1', A, 'bob'), 2), 'created');
    assert.equal((await s.getAccessKey('AKIA1'))?.userName, 'Bob', 'the user\'s own spelling is stored');
    assert.equal(await s.deleteUser(A, 'Bob'), 'conflict');
    assert.equal(await s.deleteAccessKey(A, 'Bob', 'AKIA1'), true);
    assert.equal(await s.putPolicy({ kind: 'user', accountId: A, name: 'Bob' }, { policyName: 'p', document: '{}' }), true);
    assert.equal(await s.deleteUser(A, 'Bob'), 'conflict');
    assert.equal(await s.deletePolicy({ kind: 'user', accountId: A, name: 'Bob' }, 'p'), true);
    await s.createGroup({ accountId: A, groupName: 'g', groupId: 'AGPA1', path: '/', createdAt: T0 });
    assert.equal(await s.addUserToGroup(A, 'g', 'bob'), 'added');
    assert.equal(await s.deleteUser(A, 'Bob'), 'conflict');
    assert.equal(await s.removeUserFromGroup(A, 'g', 'Bob'), 'removed');
    assert.equal(await s.deleteUser(A, 'Bob'), 'deleted');
    assert.equal(await s.deleteUser(A, 'Bob'), 'missing');
    assert.ok(await s.getUser(B, 'bob'), 'the other account\'s bob is untouched');
  });

  withStore('access keys: at most N per owner, status updates and deletes only through their owner', async (s) => {
    await s.createUser({ accountId: A, userName: 'u', userId: 'AIDAU', path: '/', createdAt: T0 });
    assert.equal(await s.createAccessKey(accessKey('AKIAX', A, 'nobody'), 2), 'no-user');
    assert.equal(await s.createAccessKey(accessKey('AKIA1', A, 'u', T0), 2), 'created');
    assert.equal(await s.createAccessKey(accessKey('AKIA1', A, undefined), 2), 'exists');
    assert.equal(await s.createAccessKey(accessKey('AKIA2', A, 'u', new Date(T0.getTime() + 1)), 2), 'created');
    assert.equal(await s.createAccessKey(accessKey('AKIA3', A, 'u'), 2), 'limit');
    assert.equal(await s.createAccessKey(accessKey('AKIAR', A, undefined), 2), 'created', 'the root\'s keys count apart');
    assert.deepEqual((await s.listAccessKeys(A, 'u')).map((k) => k.accessKeyId), ['AKIA1', 'AKIA2']);
    assert.deepEqual((await s.listAccessKeys(A, undefined)).map((k) => k.accessKeyId), ['AKIAR']);
    assert.equal(await s.updateAccessKeyStatus(B, 'u', 'AKIA1', 'Inactive'), false, 'another account');
    assert.equal(await s.updateAccessKeyStatus(A, undefined, 'AKIA1', 'Inactive'), false, 'not the root\'s key');
    assert.equal(await s.updateAccessKeyStatus(A, 'u', 'AKIA1', 'Inactive'), true);
    assert.equal((await s.getAccessKey('AKIA1'))?.status, 'Inactive');
    assert.equal(await s.deleteAccessKey(A, 'other', 'AKIA1'), false);
    assert.equal(await s.deleteAccessKey(A, 'u', 'AKIA1'), true);
    assert.equal(await s.getAccessKey('AKIA1'), undefined);
  });

  withStore('groups: members both ways, delete refused while members or policies remain', async (s) => {
    await s.createUser({ accountId: A, userName: 'u', userId: 'AIDAU', path: '/', createdAt: T0 });
    assert.equal(await s.createGroup({ accountId: A, groupName: 'Dev', groupId: 'AGPA1', path: '/', createdAt: T0 }), 'created');
    assert.equal(await s.createGroup({ accountId: A, groupName: 'dev', groupId: 'AGPA2', path: '/', createdAt: T0 }), 'exists');
    assert.equal(await s.addUserToGroup(A, 'nope', 'u'), 'no-group');
    assert.equal(await s.addUserToGroup(A, 'dev', 'nope'), 'no-user');
    assert.equal(await s.addUserToGroup(A, 'dev', 'u'), 'added');
    assert.equal(await s.addUserToGroup(A, 'Dev', 'U'), 'added', 'idempotent');
    assert.deepEqual((await s.groupMembers(A, 'Dev')).map((u) => u.userName), ['u']);
    assert.deepEqual((await s.groupsForUser(A, 'u')).map((g) => g.groupName), ['Dev']);
    assert.equal(await s.deleteGroup(A, 'Dev'), 'conflict');
    assert.equal(await s.removeUserFromGroup(A, 'Dev', 'u'), 'removed');
    assert.equal(await s.removeUserFromGroup(A, 'Dev', 'u'), 'not-member');
    assert.equal(await s.putPolicy({ kind: 'group', accountId: A, name: 'dev' }, { policyName: 'p', document: '{"a":1}' }), true);
    assert.equal(await s.deleteGroup(A, 'Dev'), 'conflict');
    assert.equal(await s.deletePolicy({ kind: 'group', accountId: A, name: 'Dev' }, 'p'), true);
    assert.equal(await s.deleteGroup(A, 'Dev'), 'deleted');
    assert.deepEqual(await s.listGroups(A), []);
  });

  withStore('inline policies: put replaces, the owner must exist, user and group policies are apart', async (s) => {
    const owner = { kind: 'user' as const, accountId: A, name: 'u' };
    assert.equal(await s.putPolicy(owner, { policyName: 'p', document: '1' }), false, 'no such user');
    await s.createUser({ accountId: A, userName: 'u', userId: 'AIDAU', path: '/', createdAt: T0 });
    await s.createGroup({ accountId: A, groupName: 'u', groupId: 'AGPAU', path: '/', createdAt: T0 });
    assert.equal(await s.putPolicy(owner, { policyName: 'p', document: '1' }), true);
    assert.equal(await s.putPolicy(owner, { policyName: 'p', document: '2' }), true);
    assert.equal(await s.putPolicy(owner, { policyName: 'a', document: '3' }), true);
    assert.deepEqual(await s.getPolicy(owner, 'p'), { policyName: 'p', document: '2' });
    assert.deepEqual((await s.listPolicies(owner)).map((p) => p.policyName), ['a', 'p']);
    assert.deepEqual(await s.listPolicies({ ...owner, kind: 'group' }), []);
    assert.equal(await s.deletePolicy(owner, 'p'), true);
    assert.equal(await s.deletePolicy(owner, 'p'), false);
  });
}
