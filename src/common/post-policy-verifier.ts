/** The port through which POST Object asks auth/ to check a browser form's policy and signature (dependency inversion across ranks). */
import type { Principal } from './principal.js';

export interface VerifiedPostPolicy {
  readonly principal: Principal;
  /** From the content-length-range conditions (intersected when several): [min, max] bytes allowed for the file. */
  readonly contentLengthRange: readonly [number, number] | undefined;
}

/**
 * Verifies the form's signature over its policy, the policy's expiry, and that every condition holds
 * for `fields` (lower-cased names; `bucket` is the addressed bucket; `key` already has ${filename} substituted).
 */
export type PostPolicyVerifier = (fields: ReadonlyMap<string, string>, bucket: string) => Promise<VerifiedPostPolicy>;
