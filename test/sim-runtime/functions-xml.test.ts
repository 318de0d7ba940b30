/**
 * xml() and xpath(): the examples of the Logic Apps functions reference (workflow-definition-language-functions-reference
 * #xml, #xpath: the "produce" document, sum(), node sets) and the JSON → XML pattern real flows use to pick values out
 * of an array (`join(xpath(xml(json(concat('{"r":{"a":', string(list), '}}'))), '/r/a/id/text()'), ',')`).
 */
import { ev, thrown } from './support.js';

const PRODUCE =
  '<produce><item><name>Gala</name><type>apple</type><count>20</count></item><item><name>Honeycrisp</name><type>apple</type><count>10</count></item></produce>';

describe('xml()', () => {
  test('a string becomes the XML content envelope; the text is kept', () => {
    const value = ev(`@xml('<name>Sophia Owen</name>')`) as Record<string, string>;
    expect(value['$content-type']).toBe('application/xml;charset=utf-8');
    expect(Buffer.from(value.$content!, 'base64').toString('utf8')).toBe('<name>Sophia Owen</name>');
  });

  test('a JSON object with one root property: nested objects are elements, arrays repeat, @ is an attribute', () => {
    const value = ev(`@xml(json('{"person":{"@id":"7","name":"Sophia Owen","city":["Seattle","Paris"],"none":null}}'))`) as Record<
      string,
      string
    >;
    expect(Buffer.from(value.$content!, 'base64').toString('utf8')).toBe(
      '<person id="7"><name>Sophia Owen</name><city>Seattle</city><city>Paris</city><none/></person>',
    );
  });

  test('not convertible: several roots, or text that is not XML', () => {
    expect(thrown(() => ev(`@xml(json('{"a":1,"b":2}'))`))).toMatch(/cannot be converted to XML/);
    expect(thrown(() => ev(`@xml('<open>')`))).toMatch(/cannot be parsed as XML/);
  });
});

describe('xpath()', () => {
  test('a node set is an array of the matching elements, as XML', () => {
    expect(ev(`@xpath(xml('${PRODUCE}'), '/produce/item/name')`)).toEqual(['<name>Gala</name>', '<name>Honeycrisp</name>']);
  });

  test('a computed XPath returns its value (the reference: sum of the counts is 30)', () => {
    expect(ev(`@xpath(xml('${PRODUCE}'), 'sum(/produce/item/count)')`)).toBe(30);
    expect(ev(`@xpath(xml('${PRODUCE}'), 'string(/produce/item[2]/name)')`)).toBe('Honeycrisp');
  });

  test('text() nodes come back as strings: the join(xpath(xml(json(…)))) pattern over a JSON array, with a filter', () => {
    const list = `[{"id":"GeneralOrOther","type":"HelpType"},{"id":"Other","type":"Industry"},{"id":"QuotesOrLicensing","type":"HelpType"}]`;
    expect(
      ev(`@join(xpath(xml(json(concat('{"r":{"a":', string(json('${list}')), '}}'))), '/r/a[type=''HelpType'']/id/text()'), ',')`),
    ).toBe('GeneralOrOther,QuotesOrLicensing');
    expect(ev(`@join(xpath(xml(json(concat('{"r":{"a":', string(json('[]')), '}}'))), '/r/a/id/text()'), ',')`)).toBe('');
  });
});
