/** CloudTrail (AWS JSON 1.1 protocol) error code → HTTP status and default message, from the CloudTrail API reference's LookupEvents errors and common errors. */
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html ("Errors") and
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html.

import type { ErrorCodeEntry } from './s3-error-codes.js';

export const CLOUDTRAIL_ERROR_CODES = {
  AccessDeniedException: { status: 400, message: 'You do not have sufficient access to perform this action.' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to AWS standards.' },
  InternalFailure: { status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.' },
  InvalidClientTokenId: { status: 403, message: 'The X.509 certificate or AWS access key ID provided does not exist in our records.' },
  InvalidEventCategoryException: { status: 400, message: 'Occurs if an event category that is not valid is specified as a value of EventCategory.' },
  InvalidLookupAttributesException: { status: 400, message: 'Occurs when a lookup attribute is specified that is not valid.' },
  InvalidMaxResultsException: { status: 400, message: 'This exception is thrown if the limit specified is not valid.' },
  InvalidNextTokenException: { status: 400, message: 'A token that is not valid, or a token that was previously used in a request with different parameters.' },
  InvalidTimeRangeException: { status: 400, message: 'Occurs if the timestamp values are not valid. Either the start time occurs after the end time, or the time range is outside the range of possible values.' },
  SerializationException: { status: 400, message: 'The request body could not be read as JSON.' },
  SignatureDoesNotMatch: { status: 403, message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' },
  UnknownOperationException: { status: 400, message: 'The action or operation requested is not known to this service.' },
  UnsupportedOperationException: { status: 400, message: 'This exception is thrown when the requested operation is not supported.' },
  ValidationException: { status: 400, message: 'The input fails to satisfy the constraints specified by an AWS service.' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type CloudTrailErrorCode = keyof typeof CLOUDTRAIL_ERROR_CODES;
