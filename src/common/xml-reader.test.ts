/** xml-reader bounds: nesting depth and prototype-property names are MalformedXML, and nothing reaches Object.prototype. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './api-error.js';
import { MAX_XML_DEPTH, parseXml, xmlChildren, xmlText } from './xml-reader.js';

const nested = (depth: number) => `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;
const malformed = (text: string) => () => {
  assert.throws(() => parseXml(text), (e: unknown) => e instanceof ApiError && e.code === 'MalformedXML');
};

test('nesting up to MAX_XML_DEPTH parses; one deeper, or 100,000 deeper, is MalformedXML', () => {
  assert.equal(MAX_XML_DEPTH, 32);
  assert.equal(parseXml(nested(32)).root, 'a');
  malformed(nested(33))();
  malformed(nested(100_000))();
  // Depth counts open elements, not siblings: many shallow elements are fine.
  assert.equal(xmlChildren(parseXml(`<r>${'<b>1</b>'.repeat(5000)}</r>`).value, 'b').length, 5000);
});

test('__proto__, constructor and prototype element names are MalformedXML, prefixed or not, and pollute nothing', () => {
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    malformed(`<${name}><polluted>yes</polluted></${name}>`)();
    malformed(`<Tagging><${name}><polluted>yes</polluted></${name}></Tagging>`)();
    malformed(`<Tagging><${name}/></Tagging>`)();
    malformed(`<Tagging xmlns:p="urn:x"><p:${name}><polluted>yes</polluted></p:${name}></Tagging>`)();
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

test('those words as text, or as part of longer names, are ordinary', () => {
  const doc = parseXml('<Tagging><TagSet><Tag><Key>constructor</Key><Value>__proto__</Value></Tag><Tag><Key>k</Key><Value>v</Value></Tag></TagSet><myprototype>1</myprototype></Tagging>');
  const tags = xmlChildren(xmlChildren(doc.value, 'TagSet')[0], 'Tag');
  assert.deepEqual(tags.map((t) => [xmlText(t, 'Key'), xmlText(t, 'Value')]), [['constructor', '__proto__'], ['k', 'v']]);
});
