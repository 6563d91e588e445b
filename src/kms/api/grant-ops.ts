/** CreateGrant, ListGrants, RetireGrant, RevokeGrant. */
import { kmsError } from '../../common/api-error.js';
import { optionalString, refuseMembers, requiredString, stringList, stringMap, type KmsHandler } from './kms-shapes.js';
import { pageOf } from './kms-paging.js';

export const createGrant: KmsHandler = async (input, { service, call }) => {
  refuseMembers(input, ['DryRun']);
  const raw = input['Constraints'];
  let constraints: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> } | undefined;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object') throw kmsError('ValidationException', { message: "Value at 'constraints' must be a structure." });
    const c = raw as Record<string, unknown>;
    constraints = {
      ...(c['EncryptionContextSubset'] !== undefined ? { EncryptionContextSubset: stringMap(c, 'EncryptionContextSubset') } : {}),
      ...(c['EncryptionContextEquals'] !== undefined ? { EncryptionContextEquals: stringMap(c, 'EncryptionContextEquals') } : {}),
    };
  }
  const r = await service.createGrant(call, {
    keyId: requiredString(input, 'KeyId'), grantee: requiredString(input, 'GranteePrincipal', 256), operations: stringList(input, 'Operations', true),
    retiring: optionalString(input, 'RetiringPrincipal', 256), constraints, name: optionalString(input, 'Name', 256),
  });
  return { GrantToken: r.grantToken, GrantId: r.grantId };
};

export const listGrants: KmsHandler = async (input, { service, call }) => {
  const grantId = optionalString(input, 'GrantId', 128);
  const grantee = optionalString(input, 'GranteePrincipal', 256);
  const all = (await service.listGrants(call, requiredString(input, 'KeyId')))
    .filter((g) => (grantId === undefined || g['GrantId'] === grantId) && (grantee === undefined || g['GranteePrincipal'] === grantee));
  const { items, ...rest } = pageOf(input, all, (g) => String(g['GrantId']), { operation: 'ListGrants', defaultLimit: 50, maxLimit: 100 });
  return { Grants: items, ...rest };
};

export const retireGrant: KmsHandler = async (input, { service, call }) => {
  refuseMembers(input, ['DryRun']);
  await service.retireGrant(call, { grantToken: optionalString(input, 'GrantToken', 8192), keyId: optionalString(input, 'KeyId'), grantId: optionalString(input, 'GrantId', 128) });
  return {};
};

export const revokeGrant: KmsHandler = async (input, { service, call }) => {
  refuseMembers(input, ['DryRun']);
  await service.revokeGrant(call, requiredString(input, 'KeyId'), requiredString(input, 'GrantId', 128));
  return {};
};
