/** Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom (symmetric keys, SYMMETRIC_DEFAULT only). */
import { kmsError } from '../../common/api-error.js';
import { optionalInteger, optionalString, refuseMembers, requiredBlob, requiredString, stringMap, type KmsHandler, type KmsInput } from './kms-shapes.js';

/** A blob of this KMS is at most header + 4 KiB + tag; KMS's limit is 6144 bytes. */
const MAX_BLOB = 6144;

function algorithm(input: KmsInput, name: string): void {
  const a = optionalString(input, name);
  if (a !== undefined && a !== 'SYMMETRIC_DEFAULT') throw kmsError('InvalidKeyUsageException', { message: `The encryption algorithm ${a} is not supported by a SYMMETRIC_DEFAULT key.` });
}

/** NumberOfBytes (1–1024) or KeySpec (AES_256 | AES_128), exactly one of them. */
function dataKeyBytes(input: KmsInput): number {
  const n = optionalInteger(input, 'NumberOfBytes', 1, 1024);
  const spec = optionalString(input, 'KeySpec');
  if ((n === undefined) === (spec === undefined)) throw kmsError('ValidationException', { message: 'Please specify either number of bytes or key spec.' });
  if (spec === undefined) return n!;
  if (spec === 'AES_256') return 32;
  if (spec === 'AES_128') return 16;
  throw kmsError('ValidationException', { message: `1 validation error detected: Value '${spec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]` });
}

export const encrypt: KmsHandler = async (input, { service, call }) => {
  algorithm(input, 'EncryptionAlgorithm');
  refuseMembers(input, ['DryRun']);
  const r = await service.encrypt(call, requiredString(input, 'KeyId'), requiredBlob(input, 'Plaintext', 4096), stringMap(input, 'EncryptionContext'));
  return { CiphertextBlob: r.blob.toString('base64'), KeyId: r.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
};

export const decrypt: KmsHandler = async (input, { service, call }) => {
  algorithm(input, 'EncryptionAlgorithm');
  refuseMembers(input, ['Recipient', 'DryRun']);
  const r = await service.decrypt(call, requiredBlob(input, 'CiphertextBlob', MAX_BLOB), stringMap(input, 'EncryptionContext'), optionalString(input, 'KeyId'));
  try {
    return { KeyId: r.arn, Plaintext: r.plaintext.reveal().toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  } finally {
    r.plaintext.wipe();
  }
};

export const reEncrypt: KmsHandler = async (input, { service, call }) => {
  algorithm(input, 'SourceEncryptionAlgorithm');
  algorithm(input, 'DestinationEncryptionAlgorithm');
  refuseMembers(input, ['DryRun']);
  const r = await service.reEncrypt(call, {
    blob: requiredBlob(input, 'CiphertextBlob', MAX_BLOB), sourceContext: stringMap(input, 'SourceEncryptionContext'), sourceKeyId: optionalString(input, 'SourceKeyId'),
    destinationKeyId: requiredString(input, 'DestinationKeyId'), destinationContext: stringMap(input, 'DestinationEncryptionContext'),
  });
  return { CiphertextBlob: r.blob.toString('base64'), SourceKeyId: r.sourceArn, KeyId: r.arn, SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
};

export const generateDataKey: KmsHandler = async (input, { service, call }) => {
  refuseMembers(input, ['Recipient', 'DryRun']);
  const keyId = requiredString(input, 'KeyId');
  const r = await service.generateDataKey(call, keyId, dataKeyBytes(input), stringMap(input, 'EncryptionContext'), true);
  try {
    return { CiphertextBlob: r.blob.toString('base64'), Plaintext: r.plaintext.reveal().toString('base64'), KeyId: r.arn };
  } finally {
    r.plaintext.wipe();
  }
};

export const generateDataKeyWithoutPlaintext: KmsHandler = async (input, { service, call }) => {
  refuseMembers(input, ['DryRun']);
  const keyId = requiredString(input, 'KeyId');
  const r = await service.generateDataKey(call, keyId, dataKeyBytes(input), stringMap(input, 'EncryptionContext'), false);
  r.plaintext.wipe();
  return { CiphertextBlob: r.blob.toString('base64'), KeyId: r.arn };
};

export const generateRandom: KmsHandler = async (input, { service, call }) => {
  refuseMembers(input, ['CustomKeyStoreId', 'Recipient']);
  const n = optionalInteger(input, 'NumberOfBytes', 1, 1024);
  if (n === undefined) throw kmsError('ValidationException', { message: 'NumberOfBytes is required.' });
  return { Plaintext: (await service.generateRandom(call, n)).toString('base64') };
};
