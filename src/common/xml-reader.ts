/** Bounded, entity-free parsing of XML request bodies; anything not well-formed is MalformedXML. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { s3Error } from './api-error.js';
import { decodeXmlReferences } from './xml-references.js';

export type XmlObject = { [name: string]: XmlElement };
export type XmlElement = string | XmlObject | XmlElement[];

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
});

/**
 * Parses an XML document and returns its root element's name and content. A DOCTYPE (and so any
 * custom entity) is refused: entity expansion is a denial-of-service vector and S3 never needs it.
 */
export function parseXml(text: string): { root: string; value: XmlElement } {
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || XMLValidator.validate(text) !== true) throw s3Error('MalformedXML');
  const doc = parser.parse(text) as XmlObject;
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
