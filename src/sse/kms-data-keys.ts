/** The port through which the envelope uses KMS keys for SSE-KMS and DSSE-KMS: implemented by the KMS (built in or external), wired by the composition root. */
import { s3Error } from '../common/api-error.js';
import type { Principal } from '../common/principal.js';
import type { Secret } from '../common/secret.js';

/** Who uses a key, under which encryption context, in which request: what key policies and the audit trail see. */
export interface KeyUse { caller: Principal | undefined; context: Readonly<Record<string, string>>; requestId: string }

/**
 * Data keys from a KMS. `keyId` undefined means the account's AWS-managed `aws/s3` key. Errors are ApiError
 * with service 'kms' or plain errors; S3 maps them.
 */
export interface KmsDataKeys {
  generateDataKey(use: KeyUse & { keyId: string | undefined }): Promise<{ keyArn: string; plaintext: Secret; ciphertextBlob: Buffer }>;
  decrypt(use: KeyUse & { ciphertextBlob: Buffer }): Promise<{ keyArn: string; plaintext: Secret }>;
}

/** Until a KMS is wired: every key use fails NotImplemented, never a silent success under another scheme. */
export const kmsNotAvailable: KmsDataKeys = {
  generateDataKey: () => Promise.reject(s3Error('NotImplemented', { message: 'Server-side encryption with KMS keys is not implemented yet.' })),
  decrypt: () => Promise.reject(s3Error('NotImplemented', { message: 'Server-side encryption with KMS keys is not implemented yet.' })),
};
