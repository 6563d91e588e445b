/** Operation name (from the route table) → handler: the index the edge dispatches to. */
import type { S3Handler } from './s3-request.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './buckets.js';
import { getBucketVersioning, putBucketVersioning } from './bucket-versioning.js';
import {
  getObjectLegalHold, getObjectLockConfiguration, getObjectRetention, putObjectLegalHold, putObjectLockConfiguration, putObjectRetention,
} from './object-lock-operations.js';
import { getObject, headObject } from './get-object.js';
import { getObjectAttributes } from './object-attributes.js';
import { putObject } from './put-object.js';
import { postObject } from './post-object.js';
import { deleteObject, deleteObjects } from './delete-objects.js';
import { copyObject, uploadPartCopy } from './copy-object.js';
import { completeMultipartUpload } from './multipart-complete.js';
import { listMultipartUploads, listParts } from './multipart-listing.js';
import { abortMultipartUpload, createMultipartUpload, uploadPart } from './multipart-upload.js';
import { listObjects, listObjectsV2 } from './list-objects.js';
import { listObjectVersions } from './list-object-versions.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './object-tagging.js';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './bucket-encryption.js';
import { updateObjectEncryption } from './update-object-encryption.js';
import { deleteBucketPolicy, getBucketPolicy, getBucketPolicyStatus, putBucketPolicy } from './bucket-policy.js';
import { deleteBucketCors, getBucketCors, putBucketCors } from './bucket-cors.js';
import { deleteBucketTagging, getBucketTagging, putBucketTagging } from './bucket-tagging.js';
import { deleteBucketOwnershipControls, getBucketOwnershipControls, putBucketOwnershipControls } from './bucket-ownership.js';
import { deletePublicAccessBlock, getPublicAccessBlock, putPublicAccessBlock } from './public-access-block.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './acl.js';
import { refuseUnsupportedHeaders } from './unsupported-headers.js';
import { kmsErrorAsS3 } from './sse-kms-requests.js';

// CORS outside the operations: the edge answers preflights before authentication, and adds the headers of a
// matching rule to the answers of actual requests.
export { actualRequestCorsHeaders, corsPreflight } from './bucket-cors.js';
export { keyUnderLock } from './object-lock.js';

const HANDLERS: Readonly<Record<string, S3Handler>> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  PutObjectLockConfiguration: putObjectLockConfiguration,
  GetObjectLockConfiguration: getObjectLockConfiguration,
  PutObjectRetention: putObjectRetention,
  GetObjectRetention: getObjectRetention,
  PutObjectLegalHold: putObjectLegalHold,
  GetObjectLegalHold: getObjectLegalHold,
  PutObject: putObject,
  PostObject: postObject,
  GetObject: getObject,
  HeadObject: headObject,
  GetObjectAttributes: getObjectAttributes,
  DeleteObject: deleteObject,
  CopyObject: copyObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
  DeleteObjects: deleteObjects,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  ListObjectVersions: listObjectVersions,
  PutObjectTagging: putObjectTagging,
  GetObjectTagging: getObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
  PutBucketEncryption: putBucketEncryption,
  GetBucketEncryption: getBucketEncryption,
  DeleteBucketEncryption: deleteBucketEncryption,
  UpdateObjectEncryption: updateObjectEncryption,
  PutBucketPolicy: putBucketPolicy,
  GetBucketPolicy: getBucketPolicy,
  DeleteBucketPolicy: deleteBucketPolicy,
  GetBucketPolicyStatus: getBucketPolicyStatus,
  PutBucketCors: putBucketCors,
  GetBucketCors: getBucketCors,
  DeleteBucketCors: deleteBucketCors,
  PutBucketTagging: putBucketTagging,
  GetBucketTagging: getBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  PutBucketOwnershipControls: putBucketOwnershipControls,
  GetBucketOwnershipControls: getBucketOwnershipControls,
  DeleteBucketOwnershipControls: deleteBucketOwnershipControls,
  PutPublicAccessBlock: putPublicAccessBlock,
  GetPublicAccessBlock: getPublicAccessBlock,
  DeletePublicAccessBlock: deletePublicAccessBlock,
  GetBucketAcl: getBucketAcl,
  PutBucketAcl: putBucketAcl,
  GetObjectAcl: getObjectAcl,
  PutObjectAcl: putObjectAcl,
};

/** Every handler first refuses headers that ask for what is not implemented: never a silent success. */
export const S3_OPERATIONS: Readonly<Record<string, S3Handler>> = Object.fromEntries(
  Object.entries(HANDLERS).map(([operation, handler]): [string, S3Handler] => [operation, async (req, ctx) => {
    await refuseUnsupportedHeaders(operation, req, ctx);
    try {
      return await handler(req, ctx);
    } catch (err) {
      // A KMS key use made on the caller's behalf failed: answered as S3 answers it.
      throw kmsErrorAsS3(err);
    }
  }]),
);
