/** EnableKeyRotation (RotationPeriodInDays 90–2560, default 365), DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. */
import { optionalInteger, requiredString, type KmsHandler } from './kms-shapes.js';
import { pageOf } from './kms-paging.js';

export const enableKeyRotation: KmsHandler = async (input, { service, call }) => {
  const keyId = requiredString(input, 'KeyId');
  await service.setRotation(call, keyId, optionalInteger(input, 'RotationPeriodInDays', 90, 2560) ?? 365);
  return {};
};

export const disableKeyRotation: KmsHandler = async (input, { service, call }) => {
  await service.setRotation(call, requiredString(input, 'KeyId'), undefined);
  return {};
};

export const getKeyRotationStatus: KmsHandler = async (input, { service, call }) => {
  const { row, arn } = await service.rotationStatus(call, requiredString(input, 'KeyId'));
  const enabled = row.rotationPeriodInDays !== undefined;
  return {
    KeyRotationEnabled: enabled, KeyId: arn,
    ...(enabled ? { RotationPeriodInDays: row.rotationPeriodInDays, NextRotationDate: row.nextRotationDate!.getTime() / 1000 } : {}),
  };
};

export const rotateKeyOnDemand: KmsHandler = async (input, { service, call }) => ({ KeyId: await service.rotateOnDemand(call, requiredString(input, 'KeyId')) });

/** Rotations come oldest first and are only ever added, so their position is a stable sort key. */
export const listKeyRotations: KmsHandler = async (input, { service, call }) => {
  const all = await service.listKeyRotations(call, requiredString(input, 'KeyId'));
  const { items, ...rest } = pageOf(input, all, (_r, i) => String(i).padStart(10, '0'), { operation: 'ListKeyRotations', defaultLimit: 100, maxLimit: 1000 });
  return { Rotations: items, ...rest };
};
