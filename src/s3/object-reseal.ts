/** Reseals every part's data key of one object version under another encryption, leaving its blobs, ETag and checksums untouched (UpdateObjectEncryption, CopyObject onto itself). */
import { s3Error } from '../common/api-error.js';
import type { EncryptionPlan, KeyCaller } from '../sse/envelope.js';
import type { EncryptionInfo, ObjectRecord } from '../stores/meta-store.js';
import { withKmsKeyArn } from './encryption-resolution.js';
import type { S3Context } from './s3-request.js';

/**
 * INVARIANT 8 for one object: each part's data key is opened (KMS Decrypt for the caller where it is
 * SSE-KMS) and sealed again under `plan` for the same binding, so no byte of any blob is read or written.
 * The new info and sealed keys replace the old in one transaction; a version changed meanwhile is
 * answered as S3 answers an object that vanished (NoSuchKey).
 */
export async function resealObject(ctx: S3Context, object: ObjectRecord, plan: EncryptionPlan, info: EncryptionInfo, caller: KeyCaller, lastModified?: Date): Promise<EncryptionInfo> {
  const sealedKeys: Array<{ partNumber: number; sealedKey: Buffer }> = [];
  let kmsKeyArn: string | undefined;
  for (const part of object.parts) {
    const binding = { bucket: object.bucket, key: object.key, writeId: part.writeId, partNumber: part.partNumber };
    const sealedKey = await ctx.envelope.rekey(part.sealedKey, binding, { caller }, plan, caller);
    kmsKeyArn ??= ctx.envelope.describeSealedKey(sealedKey).kmsKeyArn;
    sealedKeys.push({ partNumber: part.partNumber, sealedKey });
  }
  const encryption = withKmsKeyArn(info, kmsKeyArn);
  const done = await ctx.meta.updateObjectEncryption(object.bucket, object.key, object.writeId, { encryption, sealedKeys, ...(lastModified ? { lastModified } : {}) });
  if (!done) throw s3Error('NoSuchKey', { resource: `/${object.bucket}/${object.key}`, details: { Key: object.key } });
  return encryption;
}
