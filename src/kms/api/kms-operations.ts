/** X-Amz-Target "TrentService.<Op>" → handler for the AWS KMS JSON API (the layer's entry file); every call, refused or not, is one audit event. */
import { isApiError, kmsError } from '../../common/api-error.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { KmsCall, KmsService } from '../kms-service.js';
import { createAlias, deleteAlias, listAliases, updateAlias } from './alias-ops.js';
import { decrypt, encrypt, generateDataKey, generateDataKeyWithoutPlaintext, generateRandom, reEncrypt } from './cryptographic-ops.js';
import { createGrant, listGrants, retireGrant, revokeGrant } from './grant-ops.js';
import { cancelKeyDeletion, createKey, describeKey, disableKey, enableKey, listKeys, scheduleKeyDeletion } from './key-lifecycle.js';
import { getKeyPolicy, listKeyPolicies, putKeyPolicy } from './key-policy-ops.js';
import type { KmsHandler, KmsInput, KmsOutput } from './kms-shapes.js';
import { disableKeyRotation, enableKeyRotation, getKeyRotationStatus, listKeyRotations, rotateKeyOnDemand } from './rotation-ops.js';
import { listResourceTags, tagResource, untagResource } from './tag-ops.js';

export type { KmsHandler } from './kms-shapes.js';

export const KMS_OPERATIONS: Readonly<Record<string, KmsHandler>> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateRandom: generateRandom,
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
  CreateGrant: createGrant,
  ListGrants: listGrants,
  RetireGrant: retireGrant,
  RevokeGrant: revokeGrant,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
};

/** Never in an audit event: plaintexts, ciphertext blobs, grant tokens. */
const SECRET_MEMBERS = new Set(['Plaintext', 'CiphertextBlob', 'GrantToken', 'GrantTokens']);
const READ_ONLY = /^(Describe|List|Get|Decrypt|Encrypt|ReEncrypt|Generate)/;

function withoutSecrets(o: KmsInput | KmsOutput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !SECRET_MEMBERS.has(k)));
}


/** Runs one KMS operation: handler by name (a KMS operation not implemented here is UnsupportedOperationException), then its audit event. */
export async function runKmsOperation(operation: string, input: KmsInput, service: KmsService, direct: KmsCall, audit: AuditLog, clock: { now(): Date }): Promise<KmsOutput> {
  const call: KmsCall = { ...direct, keysUsed: [] };
  const handler = Object.hasOwn(KMS_OPERATIONS, operation) ? KMS_OPERATIONS[operation]! : undefined;
  let output: KmsOutput | undefined;
  let error: unknown;
  try {
    if (!handler) throw kmsError('UnsupportedOperationException', { message: `${operation} is not supported by this KMS.` });
    output = await handler(input, { service, call });
    return output;
  } catch (err) {
    error = err;
    throw err;
  } finally {
    const arns = [...new Set(call.keysUsed)];
    await audit.record({
      eventSource: 'kms.amazonaws.com', eventName: operation, eventTime: clock.now(), requestId: call.requestId, principal: call.caller,
      ...(call.sourceIp ? { sourceIPAddress: call.sourceIp } : {}),
      requestParameters: withoutSecrets(input), ...(output ? { responseElements: withoutSecrets(output) } : {}),
      resources: arns.map((arn) => ({ ARN: arn, type: 'AWS::KMS::Key', accountId: arn.split(':')[4] })),
      readOnly: READ_ONLY.test(operation), managementEvent: true,
      ...(error !== undefined ? { errorCode: isApiError(error) ? error.code : 'KMSInternalException', errorMessage: error instanceof Error ? error.message : String(error) } : {}),
    });
  }
}
