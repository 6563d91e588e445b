/** The BinaryEquals condition operator: base64 values compared byte for byte. */
import type { OperatorTest } from './operator-env.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether text is canonical base64 ("the value … must be base-64 encoded"). */
export function isBase64(text: string): boolean {
  return text.length > 0 && BASE64.test(text);
}

/** "Test byte-for-byte equality of key values in binary format"; both sides are base64 text. */
export const binaryEquals: OperatorTest = (request, policy) =>
  isBase64(request) && isBase64(policy) && Buffer.from(request, 'base64').equals(Buffer.from(policy, 'base64'));
