/** AWS KMS (JSON 1.1 protocol) exception name → HTTP status and default message, from the KMS API reference's per-operation "Errors" and "Common Errors" lists. */
// https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html and each action's "Errors" section.
// KMS answers nearly every client fault with 400, AccessDeniedException included (JSON-protocol services do).

import type { ErrorCodeEntry } from './s3-error-codes.js';

export const KMS_ERROR_CODES = {
  AccessDeniedException: { status: 400, message: 'You do not have sufficient access to perform this action.' },
  AlreadyExistsException: { status: 400, message: 'The request was rejected because it attempted to create a resource that already exists.' },
  DependencyTimeoutException: { status: 500, message: 'The system timed out while trying to fulfill the request. You can retry the request.' },
  DisabledException: { status: 400, message: 'The request was rejected because the specified KMS key is not enabled.' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to AWS standards.' },
  IncorrectKeyException: { status: 400, message: 'The request was rejected because the specified KMS key cannot decrypt the data.' },
  InvalidAliasNameException: { status: 400, message: 'The request was rejected because the specified alias name is not valid.' },
  InvalidArnException: { status: 400, message: 'The request was rejected because a specified ARN, or an ARN in a key policy, is not valid.' },
  InvalidCiphertextException: { status: 400, message: 'The request was rejected because the specified ciphertext, or additional authenticated data incorporated into the ciphertext, such as the encryption context, is corrupted, missing, or otherwise invalid.' },
  InvalidGrantIdException: { status: 400, message: 'The request was rejected because the specified GrantId is not valid.' },
  InvalidGrantTokenException: { status: 400, message: 'The request was rejected because the specified grant token is not valid.' },
  InvalidKeyUsageException: { status: 400, message: 'The request was rejected because the KeyUsage value of the KMS key is incompatible with the API operation.' },
  InvalidMarkerException: { status: 400, message: 'The request was rejected because the marker that specifies where pagination should next begin is not valid.' },
  InvalidSignatureException: { status: 400, message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' },
  KMSInternalException: { status: 500, message: 'The request was rejected because an internal exception occurred. The request can be retried.' },
  KMSInvalidStateException: { status: 400, message: 'The request was rejected because the state of the specified resource is not valid for this request.' },
  LimitExceededException: { status: 400, message: 'The request was rejected because a length constraint or quota was exceeded.' },
  MalformedPolicyDocumentException: { status: 400, message: 'The request was rejected because the specified policy is not syntactically or semantically correct.' },
  // The alias/aws/ prefix is reserved: CreateAlias/UpdateAlias/DeleteAlias on it (as moto, recorded from AWS, answers).
  NotAuthorizedException: { status: 400, message: 'The alias/aws/ prefix is reserved for AWS managed keys.' },
  NotFoundException: { status: 400, message: 'The request was rejected because the specified entity or resource could not be found.' },
  TagException: { status: 400, message: 'The request was rejected because one or more tags are not valid.' },
  UnknownOperationException: { status: 400, message: 'The operation is not known to this service.' },
  UnrecognizedClientException: { status: 400, message: 'The security token included in the request is invalid.' },
  UnsupportedOperationException: { status: 400, message: 'The request was rejected because a specified parameter is not supported or a specified resource is not valid for this operation.' },
  ValidationException: { status: 400, message: 'The input fails to satisfy the constraints specified by an AWS service.' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type KmsErrorCode = keyof typeof KMS_ERROR_CODES;
