/** IAM and STS (AWS Query protocol) error code → HTTP status and default message, from the IAM/STS API references' error lists. */
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and each action's "Errors" section;
// STS answers with the same common errors in the same ErrorResponse document, so both services share this table.

import type { ErrorCodeEntry } from './s3-error-codes.js';

export const IAM_ERROR_CODES = {
  AccessDenied: { status: 403, message: 'You are not authorized to perform this operation.' },
  DeleteConflict: { status: 409, message: 'Cannot delete entity, must remove referenced objects first.' },
  EntityAlreadyExists: { status: 409, message: 'The request was rejected because it attempted to create a resource that already exists.' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to AWS standards.' },
  InternalFailure: { status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.' },
  InvalidAction: { status: 400, message: 'The action or operation requested is invalid. Verify that the action is typed correctly.' },
  InvalidClientTokenId: { status: 403, message: 'The security token included in the request is invalid.' },
  InvalidInput: { status: 400, message: 'The request was rejected because an invalid or out-of-range value was supplied for an input parameter.' },
  LimitExceeded: { status: 409, message: 'The request was rejected because it attempted to create resources beyond the current AWS account limits.' },
  MalformedPolicyDocument: { status: 400, message: 'The policy document is malformed.' },
  MissingAction: { status: 400, message: 'The request is missing an action or a required parameter.' },
  NoSuchEntity: { status: 404, message: 'The request was rejected because it referenced a resource entity that does not exist.' },
  RequestExpired: { status: 400, message: 'The request reached the service more than 15 minutes after the date stamp on the request or more than 15 minutes after the request expiration date, or the date stamp on the request is more than 15 minutes in the future.' },
  SignatureDoesNotMatch: { status: 403, message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' },
  ValidationError: { status: 400, message: 'The input fails to satisfy the constraints specified by an AWS service.' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type IamErrorCode = keyof typeof IAM_ERROR_CODES;
