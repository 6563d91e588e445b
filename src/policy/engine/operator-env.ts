/** What a condition operator sees besides the two values: the request context (for policy variables) and the policy version. */
import type { ContextIndex } from './request-context.js';

export interface OperatorEnv {
  readonly context: ContextIndex;
  /** False for Version 2008-10-17, where "${…}" is literal text (IAM User Guide › Version). */
  readonly variables: boolean;
}

/** Tests one request value against one policy value; negation and OR/AND across values live in condition-block.ts. */
export type OperatorTest = (requestValue: string, policyValue: string, env: OperatorEnv) => boolean;
