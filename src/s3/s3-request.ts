/** The typed request an S3 operation receives and the response it returns; the edge builds one and writes the other. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Authorizer, RequestFacts } from '../common/authorizer.js';
import type { Principal } from '../common/principal.js';
import type { Clock } from '../common/clock.js';
import type { MetaStore } from '../stores/meta-store.js';
import type { LeasingBlobStore } from '../stores/blob-store.js';
import type { Envelope } from '../sse/envelope.js';
import type { PostPolicyVerifier } from '../common/post-policy-verifier.js';
import type { Secret } from '../common/secret.js';

// The edge checks a URL key's length before routing, with the same rule as a POST form's key.
export { checkKeyLength } from './object-names.js';

export interface S3Request {
  readonly method: string;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: URLSearchParams;
  /** Node's lower-cased request headers. */
  readonly headers: IncomingHttpHeaders;
  /** The verified payload (aws-chunked framing removed); errors with an ApiError when verification fails at its end. */
  readonly body: Readable;
  /** Decoded payload length when known. */
  readonly contentLength: number | undefined;
  /** Trailing headers of an aws-chunked body; complete only after the body ended. */
  readonly trailers: () => Readonly<Record<string, string>>;
  readonly principal: Principal | undefined;
  readonly requestId: string;
  readonly secure: boolean;
  readonly sourceIp: string;
  /** The request's own URL origin (for Location headers): scheme://host. */
  readonly origin: string;
  /** What condition keys read (headers, query, transport, signing), for the checks operations make themselves. */
  readonly facts: RequestFacts;
  /**
   * Hands a secret parsed from `fromHeader` (an SSE-C customer key) to the request: the edge wipes it when the
   * request ends (answered, failed or aborted) and removes that header's text from the request at once.
   */
  readonly ownSecret: (secret: Secret, fromHeader: string) => void;
  /** Lets an object write's audit record ride in its own metadata commit (absent: the pipeline records it afterwards). */
  readonly auditRider?: AuditRider;
}

/**
 * Given the answer a write will give if its commit succeeds, `unitFor` returns the unit that journals the write's
 * audit record inside that commit's transaction (one fsync for both). The write sets `committed` once that commit
 * succeeded: the record is then durable and the pipeline makes no second one.
 */
export interface AuditRider {
  unitFor(response: S3Response): () => void;
  committed: boolean;
}

export interface S3Response {
  readonly status: number;
  readonly headers?: Record<string, string | number | readonly string[]>;
  /** XML string, bytes, or a stream (an error mid-stream destroys the connection). */
  readonly body?: string | Buffer | Readable;
  /** What the audit trail records beyond the request and response (CloudTrail's additionalEventData of S3 data events). */
  readonly audit?: { readonly sseApplied?: string };
}

/** What operations may use: narrow ports, no god object. */
export interface S3Context {
  readonly meta: MetaStore;
  /** Deletes wait for reads in flight and never throw (stores/blob-leases.ts). */
  readonly blobs: LeasingBlobStore;
  readonly envelope: Envelope;
  readonly clock: Clock;
  readonly region: string;
  /** `--legacy-bucket-defaults`: new buckets get ObjectWriter and no public access block (S3 before April 2023). */
  readonly legacyBucketDefaults?: boolean;
  /** `--sse-c-default allowed`: new buckets allow SSE-C writes (S3 blocks them on new buckets since April 2026). */
  readonly sseCDefault?: 'blocked' | 'allowed';
  /** `--allow-insecure-sse-c`: SSE-C accepted over plain HTTP (test rigs only). */
  readonly allowInsecureSseC?: boolean;
  /** Checks a browser POST form's policy and signature (implemented by auth/, injected by the composition root). */
  readonly postPolicy: PostPolicyVerifier;
  /** Checks beyond the request's main action (which the edge has authorized): a copy's source, a POST form's signer, each key of DeleteObjects. */
  readonly authorize: Authorizer;
  /** Logs a server-side fact (e.g. a package that failed authentication) with the request id. */
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
}

export type S3Handler = (req: S3Request, ctx: S3Context) => Promise<S3Response>;
