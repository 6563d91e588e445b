/** Escaping XML serializer for S3 response bodies: plain objects in, a document string out. */

export type XmlValue = string | number | boolean | Date | undefined | null | XmlNode | XmlValue[] | XmlSequence;
export interface XmlNode { [name: string]: XmlValue }

/**
 * Sibling elements of different names in one given order (ListObjectVersions interleaves <Version> and
 * <DeleteMarker>), which an object's keys cannot express. The name it is stored under is not written.
 */
export class XmlSequence {
  constructor(readonly elements: ReadonlyArray<readonly [string, XmlValue]>) {}
}

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** Escapes text for element content; also CR, which XML parsers would otherwise normalize away. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}

/** `<?xml …?><root xmlns="…">…</root>`; arrays repeat their element; undefined/null members are omitted. */
/** `xmlns` null omits the namespace (S3's <Error> documents carry none). */
export function toXml(root: string, body: XmlNode, xmlns: string | null = S3_XMLNS): string {
  const attrs = xmlns ? ` xmlns="${xmlns}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attrs}>${children(body)}</${root}>`;
}

function children(node: XmlNode): string {
  let out = '';
  for (const [name, value] of Object.entries(node)) out += element(name, value);
  return out;
}

function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (value instanceof XmlSequence) return value.elements.map(([n, v]) => element(n, v)).join('');
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${children(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}
