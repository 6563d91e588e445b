/** The Authorizer port: may this principal do this operation on this resource? Its type lives here so operations (rank 5) can call the implementation the edge composes (dependency inversion). */
import type { Principal } from './principal.js';

/** How the request was authenticated, as the s3:authType condition key names it. */
export type AuthType = 'REST-HEADER' | 'REST-QUERY-STRING' | 'POST';

/** The request facts condition keys are read from (policy/condition-keys.ts); absent, only the principal and the resource count. */
export interface RequestFacts {
  /** Lower-cased request headers; for a POST form, its fields under their header names (x-amz-server-side-encryption, x-amz-acl…). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly query: URLSearchParams;
  readonly secure: boolean;
  readonly sourceIp: string;
  /** undefined for an anonymous request. */
  readonly authType: AuthType | undefined;
  /** 'AWS' for SigV2, 'AWS4-HMAC-SHA256' for SigV4; undefined for an anonymous request. */
  readonly signatureVersion: 'AWS' | 'AWS4-HMAC-SHA256' | undefined;
  /**
   * The request's bucket row as the router read it once for the whole request (record undefined: no such
   * bucket; absent: not read): the authorizer and the operation use it for that bucket instead of each
   * reading it again. The committing transaction still checks the bucket itself.
   */
  readonly bucketRow?: { readonly name: string; readonly record: BucketFact | undefined };
}

/** A bucket's row (stores/meta-store.ts BucketRecord, which common/ cannot import). */
export interface BucketFact { readonly name: string; readonly region: string; readonly createdAt: Date; readonly ownerAccountId: string }

export interface AccessRequest {
  /** undefined for an anonymous request. */
  readonly principal: Principal | undefined;
  /** The API: 's3', 'iam', 'sts' (later 'kms', 'cloudtrail'). */
  readonly service: string;
  /** The AWS operation name (`GetObject`, `CreateUser`, `GetCallerIdentity`…); the IAM action is derived from it. */
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
  /** The ARN of a non-S3 resource (an IAM user or group); '*' when absent. */
  readonly resource?: string;
  /** The request's headers, query, transport and signing, for condition keys. */
  readonly facts?: RequestFacts;
}

/** Resolves when allowed; throws the service's ApiError (AccessDenied, or NoSuchBucket where S3 tells that first) when not. */
export type Authorizer = (request: AccessRequest) => Promise<void>;
