/** CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion. */
import { kmsError } from '../../common/api-error.js';
import { optionalBoolean, optionalInteger, optionalString, refuseMembers, requiredString, tagList, type KmsHandler } from './kms-shapes.js';
import { pageOf } from './kms-paging.js';

export const createKey: KmsHandler = async (input, { service, call }) => {
  refuseMembers(input, ['CustomKeyStoreId', 'XksKeyId', 'MultiRegion']);
  const usage = optionalString(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
  const spec = optionalString(input, 'KeySpec') ?? optionalString(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
  const origin = optionalString(input, 'Origin') ?? 'AWS_KMS';
  if (usage !== 'ENCRYPT_DECRYPT' || spec !== 'SYMMETRIC_DEFAULT' || origin !== 'AWS_KMS') {
    throw kmsError('UnsupportedOperationException', { message: `Only SYMMETRIC_DEFAULT ENCRYPT_DECRYPT keys with origin AWS_KMS are supported (asked: ${spec}, ${usage}, ${origin}).` });
  }
  const row = await service.createKey(call, {
    description: optionalString(input, 'Description', 8192), policy: optionalString(input, 'Policy', 32768), tags: tagList(input, 'Tags'),
    bypassLockout: optionalBoolean(input, 'BypassPolicyLockoutSafetyCheck'),
  } as Parameters<typeof service.createKey>[1]);
  return { KeyMetadata: service.keyMetadata(row) };
};

export const describeKey: KmsHandler = async (input, { service, call }) => ({ KeyMetadata: service.keyMetadata(await service.describeKey(call, requiredString(input, 'KeyId'))) });

export const listKeys: KmsHandler = async (input, { service, call }) => {
  const { items, ...rest } = pageOf(input, await service.listKeys(call), (k) => k.KeyId, { operation: 'ListKeys', defaultLimit: 100, maxLimit: 1000 });
  return { Keys: items, ...rest };
};

export const enableKey: KmsHandler = async (input, { service, call }) => {
  await service.setEnabled(call, requiredString(input, 'KeyId'), true);
  return {};
};

export const disableKey: KmsHandler = async (input, { service, call }) => {
  await service.setEnabled(call, requiredString(input, 'KeyId'), false);
  return {};
};

export const scheduleKeyDeletion: KmsHandler = async (input, { service, call }) => {
  const keyId = requiredString(input, 'KeyId');
  const days = optionalInteger(input, 'PendingWindowInDays', 7, 30) ?? 30;
  const row = await service.scheduleKeyDeletion(call, keyId, days);
  const meta = service.keyMetadata(row);
  return { KeyId: meta['Arn'], DeletionDate: meta['DeletionDate'], KeyState: 'PendingDeletion', PendingWindowInDays: days };
};

export const cancelKeyDeletion: KmsHandler = async (input, { service, call }) => {
  const row = await service.cancelKeyDeletion(call, requiredString(input, 'KeyId'));
  return { KeyId: service.keyMetadata(row)['Arn'] };
};
