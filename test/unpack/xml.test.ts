import { create } from 'xmlbuilder2';
import { UserError } from '../../core/errors.js';
import { decodeText } from '../../core/io/zip.js';
import { parseTree, serializeTree } from '../../core/xml/dom.js';
import { newXmlDocument, serializeXml } from '../../core/xml/xml.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const reserialize = (text: string, declaration = false): string => decodeText(serializeTree(parseTree(text, 'test.xml'), declaration));

/** A document using every text feature pack has to carry through unchanged. */
function sample(): string {
  const root = newXmlDocument().ele('ImportExportXml', { 'xmlns:xsi': XSI });
  root.ele('Blank').txt(' ');
  root.ele('Lines').txt('one\r\ntwo\nthree\ttab');
  root.ele('Nil').att(XSI, 'xsi:nil', 'true');
  root.ele('Label', { description: `<&"'> 😀 推荐 line\nbreak\ttab`, languagecode: '1033' });
  root.ele('Empty');
  root.ele('Nested').ele('Deeper').txt('text with  two spaces ');
  root.com(' a comment ');
  root.ele('Code').dat('if (a < b && c) {}');
  return serializeXml(root.doc());
}

describe('XML parse → serializeXml', () => {
  it('is a fixpoint for serializeXml output, whitespace-only text included', () => {
    const original = sample();
    expect(original).toContain('<Blank> </Blank>');
    expect(reserialize(original)).toBe(original);
    expect(reserialize(`<?xml version="1.0" encoding="utf-8"?>\r\n${original}`)).toBe(original);
  });

  it('adds the XML declaration only when asked', () => {
    expect(reserialize('<a><b /></a>', true)).toBe('<?xml version="1.0" encoding="utf-8"?>\r\n<a>\r\n  <b />\r\n</a>');
  });

  it('replaces foreign indentation (LF, tabs, BOM) by the project style', () => {
    expect(reserialize('\ufeff<a>\n\t<b>x</b>\n\t<c></c>\n</a>\n')).toBe('<a>\r\n  <b>x</b>\r\n  <c />\r\n</a>');
  });

  it('needs its own parse: xmlbuilder2 drops whitespace-only text by default', () => {
    const viaDefault = serializeXml(create('<a><b> </b></a>'));
    expect(viaDefault).toBe('<a>\r\n  <b />\r\n</a>');
    expect(reserialize('<a><b> </b></a>')).toBe('<a>\r\n  <b> </b>\r\n</a>');
  });

  it('refuses text that is not XML with a UserError naming the file', () => {
    expect(() => parseTree('not xml at all', 'broken.xml')).toThrow(UserError);
    expect(() => parseTree('', 'empty.xml')).toThrow(/empty\.xml: is not well-formed XML/);
  });
});
