/** CreateAlias, UpdateAlias, DeleteAlias, ListAliases. */
import { optionalString, requiredString, type KmsHandler } from './kms-shapes.js';

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

export const listAliases: KmsHandler = async (input, { service, call }) => ({ Aliases: await service.listAliases(call, optionalString(input, 'KeyId')), Truncated: false });
