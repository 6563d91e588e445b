/** Dispatch by the SigV4 credential scope's service: one router per API reads its requests and writes its errors, so a new API (KMS, CloudTrail) only adds a router. */
import type { IncomingMessage } from 'node:http';
import type { AuthInput, VerifiedRequest } from '../auth/authenticate.js';
import type { RequestFacts } from '../common/authorizer.js';
import type { AuditRider, S3Response } from '../s3/s3-request.js';
import type { RequestContext } from './request-context.js';
import type { RequestSecrets } from './request-secrets.js';

export type Log = (message: string, fields?: Record<string, unknown>) => void;

/** The raw request as the pipeline hands it to a router. */
export interface IncomingRequest {
  readonly req: IncomingMessage;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  readonly ctx: RequestContext;
  /** Sends `100 Continue` once, if the client asked for it: a router calls it before it reads the body. */
  readonly sendContinue: () => void;
  /** Where the request's secrets go (SSE-C customer keys): the pipeline wipes them when the request ends. */
  readonly secrets: RequestSecrets;
}

/** What an authenticated request asks for: the operation and resource the pipeline authorizes, and the operation to run. */
export interface RoutedRequest {
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
  /** The ARN a non-S3 operation acts on (IAM: the user or group it names). */
  readonly resource?: string;
  /** The request facts its condition keys are read from. */
  readonly facts: RequestFacts;
  /** The call's parameters as CloudTrail records them (non-S3 APIs; S3's are read from the URL): never a secret. */
  readonly auditParameters?: Readonly<Record<string, unknown>>;
  /** Runs the operation; an S3 object write takes `rider` to journal its audit record in its own commit. */
  run(rider?: AuditRider): Promise<S3Response>;
}

/** One request inside its router: the form auth/ verifies, then the routing of what was verified. */
export interface RouterSession {
  readonly authInput: AuthInput;
  /** Answers the request without authenticating it (S3's CORS preflight, which never carries credentials). */
  readonly unauthenticated?: () => Promise<S3Response>;
  /** Adds headers to the answer, success or error alike (S3's CORS headers of a rule the request's Origin matches). */
  readonly decorate?: (response: S3Response) => Promise<S3Response>;
  route(verified: VerifiedRequest): Promise<RoutedRequest>;
  /** What the request asks for, read without trusting it: for the record of a call refused before it was routed. */
  describe?(): { readonly operation?: string; readonly bucket?: string; readonly key?: string };
}

export interface ServiceRouter {
  /** The credential scope's service name this router answers (`s3`, `iam`, `sts`…). */
  readonly service: string;
  /**
   * Regions a credential scope of this service may name besides the server's own: IAM and STS are global,
   * and the AWS CLI and SDKs sign them for us-east-1 whatever region is configured.
   */
  readonly extraSigningRegions: readonly string[];
  /** The router records its own audit events (KMS: one per call with the key's ARN); the pipeline records none for it. */
  readonly auditsItself?: boolean;
  begin(request: IncomingRequest): Promise<RouterSession>;
  /** Any thrown value → this API's error document (S3 XML, Query ErrorResponse, later JSON). */
  errorResponse(err: unknown, ctx: RequestContext, log: Log): S3Response;
}

/** The routers by service name; a duplicate name is a wiring mistake. */
export function serviceRouters(routers: readonly ServiceRouter[]): ReadonlyMap<string, ServiceRouter> {
  const map = new Map<string, ServiceRouter>();
  for (const r of routers) {
    if (map.has(r.service)) throw new Error(`two routers for the ${r.service} service`);
    map.set(r.service, r);
  }
  return map;
}
