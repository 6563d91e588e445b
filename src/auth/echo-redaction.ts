/** What a SignatureDoesNotMatch answer may echo: the canonical request and string to sign with every SSE-C customer key value taken out. */

/** Header lines (`name:value`) and query parameters (`name=value`) carrying a customer key; the key-MD5 ones stay. */
const KEY_LINE = /^((?:x-amz-server-side-encryption-customer-key|x-amz-copy-source-server-side-encryption-customer-key)[ \t]*:).*$/gim;
const KEY_PARAM = /((?:^|[&?\n])(?:x-amz-server-side-encryption-customer-key|x-amz-copy-source-server-side-encryption-customer-key)=)[^&\n]*/gim;

/** `text` with customer-key values replaced by `[redacted]`: an error body must never carry a key the server may not keep. */
export function redactCustomerKeys(text: string): string {
  return text.replace(KEY_LINE, '$1[redacted]').replace(KEY_PARAM, '$1[redacted]');
}
