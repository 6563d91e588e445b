/** Bounded, entity-free parsing of XML request bodies; anything not well-formed is MalformedXML. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { s3Error } from './api-error.js';
import { decodeXmlReferences } from './xml-references.js';

export type XmlObject = { [name: string]: XmlElement };
export type XmlElement = string | XmlObject | XmlElement[];

/** No S3 request document nests deeper than 7 (lifecycle rules); 32 leaves room and bounds the parser's work. */
export const MAX_XML_DEPTH = 32;

/**
 * Element names that are JavaScript prototype properties. INVARIANT: they never become keys of the
 * objects handed to operations (fast-xml-parser also refuses them, by throwing a plain Error).
 * DEVIATION: S3 ignores unknown elements; these few answer MalformedXML (COMPATIBILITY.md).
 */
const PROTOTYPE_NAMES = /<\/?(?:[^\s<>/!?:]*:)?(?:__proto__|constructor|prototype)[\s/>]/;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // XML 1.0 references only: the library's default leaves numeric references (&#34;, as Go writes) undecoded.
  entityDecoder: {
    decode: decodeXmlReferences,
    addInputEntities: () => { throw s3Error('MalformedXML'); },
    setExternalEntities: () => {},
    reset: () => {},
    setXmlVersion: () => {},
  },
  ignoreDeclaration: true,
  // The parser refuses an element when this many are already open above it: depth MAX_XML_DEPTH + 1.
  maxNestedTags: MAX_XML_DEPTH - 1,
});

/**
 * Parses an XML document and returns its root element's name and content. A DOCTYPE (and so any
 * custom entity) is refused: entity expansion is a denial-of-service vector and S3 never needs it.
 * So are nesting deeper than MAX_XML_DEPTH and prototype-property element names: MalformedXML, not 500.
 */
export function parseXml(text: string): { root: string; value: XmlElement } {
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || PROTOTYPE_NAMES.test(text) || XMLValidator.validate(text) !== true) throw s3Error('MalformedXML');
  let doc: XmlObject;
  try {
    doc = parser.parse(text) as XmlObject;
  } catch {
    // The document is well-formed (validated above), so what the parser refuses is a limit we set
    // (nesting) or a name it will not turn into a property: the client's document, not our fault.
    throw s3Error('MalformedXML');
  }
  const roots = Object.entries(doc);
  if (roots.length !== 1) throw s3Error('MalformedXML');
  const [root, value] = roots[0]!;
  return { root, value: value ?? '' };
}

/** Child elements of `node` named `name`, always as an array. */
export function xmlChildren(node: XmlElement | undefined, name: string): XmlElement[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The text of the single child `name`, undefined when absent; MalformedXML when repeated or not text. */
export function xmlText(node: XmlElement | undefined, name: string): string | undefined {
  const list = xmlChildren(node, name);
  if (list.length === 0) return undefined;
  const v = list[0];
  if (list.length > 1 || typeof v !== 'string') {
    if (list.length === 1 && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return '';
    throw s3Error('MalformedXML');
  }
  return v;
}
