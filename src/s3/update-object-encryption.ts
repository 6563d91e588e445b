/** UpdateObjectEncryption (PUT /bucket/key?encryption): an SSE-S3 or SSE-KMS object's data keys resealed under a KMS key, without moving its data. */
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_UpdateObjectEncryption.html
import { s3Error } from '../common/api-error.js';
import { parseXml, xmlChildren, xmlText } from '../common/xml-reader.js';
import { resolveEncryption } from './encryption-resolution.js';
import { checkVersionId, requireBucket, requireKey } from './object-names.js';
import { resealObject } from './object-reseal.js';
import { readBody, verifyBodyDigest } from './request-body.js';
import type { S3Context, S3Request, S3Response } from './s3-request.js';
import { deleteMarkerNamed, missingCurrent, noSuchVersion } from './versioning.js';

/** botocore's NonEmptyKmsKeyArnString pattern: a full key ARN; key ids and aliases are refused. */
const KEY_ARN = /^arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:([0-9]{12}):key\/.+$/;

const invalid = (message: string) => s3Error('InvalidRequest', { message });

export async function updateObjectEncryption(req: S3Request, ctx: S3Context): Promise<S3Response> {
  const key = requireKey(req);
  const versionId = checkVersionId(req.query.get('versionId'));
  if (req.facts.signatureVersion !== 'AWS4-HMAC-SHA256') {
    throw invalid('Requests that modify an object encryption configuration require Amazon Web Services Signature Version 4. Modify the request to use Amazon Web Services Signature Version 4, and then try again.');
  }
  // s3:UpdateObjectEncryption and s3:PutObject were both authorized by the edge (policy/engine/s3-actions.ts).
  const bucket = await requireBucket(req, ctx);
  // botocore marks this operation requestChecksumRequired: Content-MD5 or an x-amz-checksum-*, checked before the XML is read.
  const raw = await readBody(req.body);
  verifyBodyDigest(req, raw);
  const text = raw.toString('utf8');
  if (text.trim() === '') throw s3Error('MalformedXML');
  const doc = parseXml(text);
  if (doc.root !== 'ObjectEncryption') throw s3Error('MalformedXML');
  const target = parseTarget(doc.value);
  if (target.accountId !== bucket.ownerAccountId) {
    throw s3Error('AccessDenied', { message: 'The Amazon Web Services KMS key in the request must be owned by the same account as the bucket. Modify the request to specify a KMS key from the same account, and then try again.' });
  }

  const object = await (versionId === undefined ? ctx.meta.getObject(bucket.name, key) : ctx.meta.getVersion(bucket.name, key, versionId));
  if (!object) throw versionId === undefined ? await missingCurrent(req, ctx, bucket.name, key) : noSuchVersion(key, versionId);
  if (object.deleteMarker) throw deleteMarkerNamed(object);
  const from = object.encryption.algorithm;
  if (from === 'aws:kms:dsse' || from === 'SSE-C') {
    throw invalid("The UpdateObjectEncryption operation doesn't support source objects with the encryption type DSSE-KMS or SSE-C. Only source objects encrypted with SSE-S3 or SSE-KMS are supported.");
  }
  if (object.legalHold === true || object.retention !== undefined && object.retention.until > ctx.clock.now()) {
    throw s3Error('AccessDenied', { message: "The encryption type for the specified object can't be updated because that object is protected by S3 Object Lock." });
  }

  const encryption = resolveEncryption({ kind: 'sse-kms', dsse: false, keyId: target.keyArn, context: undefined, bucketKey: target.bucketKey }, undefined, ctx.envelope, { bucket: bucket.name, key, signedV4OrTls: true });
  // Dates, ETag, checksums and blobs stay; only the sealed data keys and the encryption info change.
  await resealObject(ctx, object, encryption.plan, encryption.info, { principal: req.principal, requestId: req.requestId });
  return { status: 200, headers: object.versionId !== undefined && object.versionId !== 'null' ? { 'x-amz-version-id': object.versionId } : {} };
}

function parseTarget(doc: ReturnType<typeof xmlChildren>[number]): { keyArn: string; accountId: string; bucketKey: boolean } {
  const kms = xmlChildren(doc, 'SSE-KMS');
  if (kms.length !== 1) {
    throw invalid('Requests that modify an object encryption configuration require a valid new encryption type. Valid values are SSEKMS. Modify the request to specify SSE-KMS for the updated encryption type, and then try again.');
  }
  const keyArn = xmlText(kms[0], 'KMSKeyArn')?.trim();
  if (keyArn === undefined || keyArn === '') {
    throw invalid("Requests that modify an object's encryption type to SSE-KMS require an Amazon Web Services KMS key Amazon Resource Name (ARN). Modify the request to specify a KMS key ARN, and then try again.");
  }
  const m = KEY_ARN.exec(keyArn);
  if (!m) {
    throw invalid("Requests that modify an object's encryption type to SSE-KMS require a valid Amazon Web Services KMS key Amazon Resource Name (ARN). Confirm that you have a correctly formatted KMS key ARN in your request, and then try again.");
  }
  const flag = xmlText(kms[0], 'BucketKeyEnabled')?.trim();
  if (flag !== undefined && flag !== 'true' && flag !== 'false') {
    throw invalid("The BucketKeyEnabled value isn't valid. Valid values are true or false. Modify the request to specify a valid value, and then try again.");
  }
  return { keyArn, accountId: m[1]!, bucketKey: flag === 'true' };
}
