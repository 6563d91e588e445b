/** The Bool condition operator ("aws:SecureTransport": "false"). */
import { expandText } from './policy-variables.js';
import type { OperatorTest } from './operator-env.js';

/** "Boolean matching"; policy variables allowed. "true"/"false" compare without regard to case. */
export const bool: OperatorTest = (request, policy, env) => {
  const expected = expandText(policy, env.context, env.variables)?.toLowerCase();
  const actual = request.toLowerCase();
  return (expected === 'true' || expected === 'false') && actual === expected;
};
