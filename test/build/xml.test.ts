import { XmlDocument } from 'libxml2-wasm';
import { newXmlDocument, parseXml, serializeXml } from '../../core/xml/xml.js';

describe('project XML text style', () => {
  const tricky = ['R&amp;D', 'a &#65; b', '&lt;tag&gt;', 'plain & simple', '<&"\'>', '🤝 共同銷售'];

  test.each(tricky)('text and attribute %p read back exactly (libxml2 as the reader)', (value) => {
    const root = newXmlDocument().ele('root', { label: value });
    root.ele('text').txt(value);
    const xml = serializeXml(root.doc());
    const doc = XmlDocument.fromString(xml);
    expect(doc.root.attr('label')?.value).toBe(value);
    expect(doc.get('/root/text')?.content).toBe(value);
    doc.dispose();
  });

  test('serializing twice gives the same text (the escaping is undone after writing)', () => {
    const root = newXmlDocument().ele('root', { label: 'R&amp;D' });
    expect(serializeXml(root.doc())).toBe(serializeXml(root.doc()));
  });

  test('parse then serialize is a fixpoint, declaration and CRLF as exports write them', () => {
    const root = newXmlDocument().ele('root', { a: 'R&amp;D <x>' });
    root.ele('empty');
    root.ele('child').txt('1 & 2');
    const once = serializeXml(root.doc(), { declaration: true });
    expect(once).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\r\n<root a="R&amp;amp;D &lt;x&gt;">\r\n  <empty />\r\n  <child>1 &amp; 2</child>\r\n</root>',
    );
    expect(serializeXml(parseXml(once, 'x.xml'), { declaration: true })).toBe(once);
  });

  test('malformed XML names the file', () => {
    expect(() => parseXml('<a><b></a>', 'Other/Customizations.xml')).toThrow(/Other\/Customizations\.xml: is not well-formed XML/);
  });
});
