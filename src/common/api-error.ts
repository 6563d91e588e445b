/** The one error type for client-caused API failures: carries the service and its AWS code; status and default message come from that service's table. */
import { CLOUDTRAIL_ERROR_CODES, type CloudTrailErrorCode } from './cloudtrail-error-codes.js';
import { IAM_ERROR_CODES, type IamErrorCode } from './iam-error-codes.js';
import { KMS_ERROR_CODES, type KmsErrorCode } from './kms-error-codes.js';
import { S3_ERROR_CODES, type S3ErrorCode } from './s3-error-codes.js';

/** The API whose error table (and error document format) an error belongs to; STS shares IAM's table. */
export type Service = 's3' | 'iam' | 'sts' | 'kms' | 'cloudtrail';

export interface ApiErrorOptions {
  /** Overrides the table's default message (AWS often words a code differently per cause). */
  message?: string;
  /** The bucket/key or other resource the error is about (S3 `<Resource>`). */
  resource?: string;
  /** Extra XML elements S3 adds for some codes (e.g. `ArgumentName`, `ArgumentValue`, `ActualObjectSize`). */
  details?: Record<string, string | number>;
  /** Extra response headers (e.g. `Content-Range: bytes * /size` for InvalidRange). */
  headers?: Record<string, string>;
  /** Overrides the table status; only for codes AWS returns with different statuses (e.g. 304 NotModified on GET vs 412). */
  status?: number;
}

/** A client-caused error with an AWS code. Anything thrown that is not an ApiError becomes InternalError at the edge. */
export class ApiError extends Error {
  readonly service: Service;
  readonly code: S3ErrorCode | IamErrorCode | KmsErrorCode | CloudTrailErrorCode;
  readonly status: number;
  readonly resource: string | undefined;
  readonly details: Readonly<Record<string, string | number>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(service: 's3', code: S3ErrorCode, options?: ApiErrorOptions);
  constructor(service: 'iam' | 'sts', code: IamErrorCode, options?: ApiErrorOptions);
  constructor(service: 'kms', code: KmsErrorCode, options?: ApiErrorOptions);
  constructor(service: 'cloudtrail', code: CloudTrailErrorCode, options?: ApiErrorOptions);
  constructor(service: Service, code: S3ErrorCode | IamErrorCode | KmsErrorCode | CloudTrailErrorCode, options: ApiErrorOptions = {}) {
    const entry = service === 's3' ? S3_ERROR_CODES[code as S3ErrorCode]
      : service === 'kms' ? KMS_ERROR_CODES[code as KmsErrorCode]
      : service === 'cloudtrail' ? CLOUDTRAIL_ERROR_CODES[code as CloudTrailErrorCode] : IAM_ERROR_CODES[code as IamErrorCode];
    super(options.message ?? entry.message);
    this.name = 'ApiError';
    this.service = service;
    this.code = code;
    this.status = options.status ?? entry.status;
    this.resource = options.resource;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Shorthand for the S3 service, which is nearly every caller. */
export function s3Error(code: S3ErrorCode, options?: ApiErrorOptions): ApiError {
  return new ApiError('s3', code, options);
}

/** Shorthand for IAM's errors (also STS's: one Query-protocol table). */
export function iamError(code: IamErrorCode, options?: ApiErrorOptions): ApiError {
  return new ApiError('iam', code, options);
}

/** Shorthand for KMS's exceptions (AWS JSON 1.1 `__type` names). */
export function kmsError(code: KmsErrorCode, options?: ApiErrorOptions): ApiError {
  return new ApiError('kms', code, options);
}

/** Shorthand for CloudTrail's errors (AWS JSON 1.1 `__type` names). */
export function cloudtrailError(code: CloudTrailErrorCode, options?: ApiErrorOptions): ApiError {
  return new ApiError('cloudtrail', code, options);
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
