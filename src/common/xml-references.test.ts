/** XML 1.0 reference decoding: the predefined entities, numeric references, single pass, and what is not well-formed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeXmlReferences } from './xml-references.js';

test('numeric references as Go encoding/xml writes them, and the five predefined entities', () => {
  assert.equal(decodeXmlReferences('&#34;abc&#34;'), '"abc"');
  assert.equal(decodeXmlReferences('&#x22;&#x00022;'), '""');
  assert.equal(decodeXmlReferences('it&#39;s&#xA;&#x9;&#xD;'), "it's\n\t\r");
  assert.equal(decodeXmlReferences('&amp;&lt;&gt;&quot;&apos;'), '&<>"\'');
  assert.equal(decodeXmlReferences('&#x1F600;&#128512;&#0000065;'), '\u{1F600}\u{1F600}A');
  assert.equal(decodeXmlReferences('plain text'), 'plain text');
});

test('decodes in one pass: an escaped reference stays literal text', () => {
  assert.equal(decodeXmlReferences('&amp;#34;'), '&#34;');
  assert.equal(decodeXmlReferences('&amp;amp;'), '&amp;');
});

test('undefined entities, malformed references and references to non-characters are MalformedXML', () => {
  for (const bad of ['&nbsp;', '&copy;', '&foo;', '&', 'a & b', '&amp', '&#;', '&#x;', '&#12a;', '&#0;', '&#x1;', '&#xD800;', '&#xFFFE;',
    '&#x110000;', '&#99999999999999999999;', '&#X22;']) {
    assert.throws(() => decodeXmlReferences(bad), (e: unknown) => (e as { code?: string }).code === 'MalformedXML', bad);
  }
});
