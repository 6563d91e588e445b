/** GetKeyPolicy, PutKeyPolicy, ListKeyPolicies: one policy per key, named "default". */
import { optionalBoolean, optionalString, requiredString, type KmsHandler } from './kms-shapes.js';
import { pageOf } from './kms-paging.js';

export const getKeyPolicy: KmsHandler = async (input, { service, call }) => {
  const name = optionalString(input, 'PolicyName') ?? 'default';
  return { Policy: await service.getKeyPolicy(call, requiredString(input, 'KeyId'), name), PolicyName: name };
};

export const putKeyPolicy: KmsHandler = async (input, { service, call }) => {
  const keyId = requiredString(input, 'KeyId');
  const policy = requiredString(input, 'Policy', 32768);
  await service.putKeyPolicy(call, keyId, optionalString(input, 'PolicyName') ?? 'default', policy, optionalBoolean(input, 'BypassPolicyLockoutSafetyCheck') ?? false);
  return {};
};

export const listKeyPolicies: KmsHandler = async (input, { service, call }) => {
  await service.listKeyPolicies(call, requiredString(input, 'KeyId'));
  const { items, ...rest } = pageOf(input, ['default'], (n) => n, { operation: 'ListKeyPolicies', defaultLimit: 100, maxLimit: 1000 });
  return { PolicyNames: items, ...rest };
};
