/** EnableKeyRotation (RotationPeriodInDays 90–2560, default 365), DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. */
import { optionalInteger, requiredString, type KmsHandler } from './kms-shapes.js';

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

export const listKeyRotations: KmsHandler = async (input, { service, call }) => ({ Rotations: await service.listKeyRotations(call, requiredString(input, 'KeyId')), Truncated: false });
