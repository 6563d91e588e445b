/** The Authorizer port: may this principal do this operation on this resource? Its type lives here so operations (rank 5) can call the implementation the edge composes (dependency inversion). */
import type { Principal } from './principal.js';

export interface AccessRequest {
  /** undefined for an anonymous request. */
  readonly principal: Principal | undefined;
  /** The API: 's3', 'iam', 'sts' (later 'kms', 'cloudtrail'). */
  readonly service: string;
  /** The AWS operation name (`GetObject`, `CreateUser`, `GetCallerIdentity`…); the IAM action is derived from it. */
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
}

/** Resolves when allowed; throws the service's ApiError (AccessDenied, or NoSuchBucket where S3 tells that first) when not. */
export type Authorizer = (request: AccessRequest) => Promise<void>;
