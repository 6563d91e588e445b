/** The typed request an IAM/STS operation receives, the response it returns, and the narrow ports it may use. */
import { iamError } from '../common/api-error.js';
import type { Clock } from '../common/clock.js';
import type { Principal } from '../common/principal.js';
import type { Random } from '../common/random.js';
import type { Secret } from '../common/secret.js';
import type { IamStore } from '../stores/iam-store.js';

export interface IamRequest {
  /** The Query protocol's `Action` (the AWS operation name). */
  readonly action: string;
  /** Every parameter of the query string and the form body, `Action` and `Version` included. */
  readonly params: URLSearchParams;
  /** The authenticated caller; the edge has already authorized the action. */
  readonly principal: Principal;
  readonly requestId: string;
}

export interface IamResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Seals a new access key's secret under the root key (implemented by kms/, injected by the composition root). */
export type SecretSealer = (accessKeyId: string, secret: Secret) => Buffer;

export interface IamContext {
  readonly store: IamStore;
  readonly seal: SecretSealer;
  readonly clock: Clock;
  readonly random: Random;
}

export type IamHandler = (req: IamRequest, ctx: IamContext) => Promise<IamResponse>;

/** A required parameter; absent or empty is IAM's ValidationError naming the member. */
export function required(req: IamRequest, name: string): string {
  const v = req.params.get(name);
  if (v === null || v === '') {
    throw iamError('ValidationError', { message: `1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null` });
  }
  return v;
}

/** An optional parameter; undefined when absent. */
export function optional(req: IamRequest, name: string): string | undefined {
  return req.params.get(name) ?? undefined;
}
