/** CreateAlias, UpdateAlias, DeleteAlias, ListAliases. */
import { optionalString, requiredString, type KmsHandler } from './kms-shapes.js';
import { pageOf } from './kms-paging.js';

export const createAlias: KmsHandler = async (input, { service, call }) => {
  await service.createAlias(call, requiredString(input, 'AliasName', 256), requiredString(input, 'TargetKeyId'));
  return {};
};

export const updateAlias: KmsHandler = async (input, { service, call }) => {
  await service.updateAlias(call, requiredString(input, 'AliasName', 256), requiredString(input, 'TargetKeyId'));
  return {};
};

export const deleteAlias: KmsHandler = async (input, { service, call }) => {
  await service.deleteAlias(call, requiredString(input, 'AliasName', 256));
  return {};
};

export const listAliases: KmsHandler = async (input, { service, call }) => {
  const all = await service.listAliases(call, optionalString(input, 'KeyId'));
  const { items, ...rest } = pageOf(input, all, (a) => String(a['AliasName']), { operation: 'ListAliases', defaultLimit: 50, maxLimit: 100 });
  return { Aliases: items, ...rest };
};
