/** GetKeyPolicy, PutKeyPolicy, ListKeyPolicies: one policy per key, named "default". */
import { optionalBoolean, optionalString, requiredString, type KmsHandler } from './kms-shapes.js';

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
  return { PolicyNames: ['default'], Truncated: false };
};
