/** XML 1.0 references in text: the five predefined entities and numeric character references, nothing else (no DTD). */
import { s3Error } from './api-error.js';

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Every '&' must open a complete reference: `&name;`, `&#123;` or `&#x7B;`. */
const REFERENCE = /&(?:#x([0-9A-Fa-f]+);|#([0-9]+);|([A-Za-z_][\w.-]*);)?/g;

/** XML 1.0 `Char`: a reference to anything else (NUL, a lone surrogate, U+FFFE…) is not well-formed. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Replaces references in one text node in a single pass (so `&amp;#34;` stays the text `&#34;`), as
 * XML 1.0 §4.1 requires. Go's encoding/xml writes `"` as `&#34;`, `'` as `&#39;` and LF as `&#xA;`,
 * so rclone, minio-go and aws-sdk-go bodies depend on it. An undefined entity (there is no DTD to
 * define one), a malformed reference or a reference to a non-XML character is MalformedXML.
 */
export function decodeXmlReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) {
      const value = PREDEFINED[name];
      if (value === undefined) throw s3Error('MalformedXML');
      return value;
    }
    const digits = hex ?? dec;
    // Eight digits already exceed U+10FFFF; the bound keeps Number() exact.
    if (digits === undefined || digits.replace(/^0+/, '').length > 8) throw s3Error('MalformedXML');
    const cp = Number.parseInt(digits, hex !== undefined ? 16 : 10);
    if (!isXmlChar(cp)) throw s3Error('MalformedXML');
    return String.fromCodePoint(cp);
  });
}
