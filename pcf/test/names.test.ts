import { BoundColumn, Property, StringKey, namesFor, prefixOf, DEFAULT_NAMES } from '../PartnerCenterSection/names';
import { format, languageOf, translator } from '../PartnerCenterSection/model/strings';
import { readText, strings } from './support';

const manifest = (): Document => new DOMParser().parseFromString(readText('ControlManifest.Input.xml'), 'application/xml');

describe('names: manifest, resx and the generated columns agree', () => {
  test('the manifest declares exactly the generated properties, all bound', () => {
    const properties = [...manifest().getElementsByTagName('property')].map((p) => [p.getAttribute('name'), p.getAttribute('usage')]);
    expect(properties.map(([name]) => name).sort()).toEqual(Object.keys(Property).sort());
    expect(properties.filter(([, usage]) => usage !== 'bound')).toEqual([]);
    expect(Object.keys(BoundColumn).sort()).toEqual(Object.keys(Property).sort());
  });

  test('the manifest is a virtual control on the platform React 16.14.0 and Fluent 9', () => {
    const control = manifest().getElementsByTagName('control')[0];
    expect(control.getAttribute('control-type')).toBe('virtual');
    const libraries = [...manifest().getElementsByTagName('platform-library')].map(
      (l) => `${l.getAttribute('name')} ${l.getAttribute('version')}`,
    );
    expect(libraries[0]).toBe('React 16.14.0');
    expect(libraries[1]).toMatch(/^Fluent 9\.\d+\.\d+$/);
  });

  test.each([1033, 1028] as const)('resx %i has every key, each with text, and the same placeholders as English', (language) => {
    const table = strings(language);
    const english = strings(1033);
    expect(Object.keys(table).sort()).toEqual(Object.keys(StringKey).sort());
    for (const [key, text] of Object.entries(table)) {
      expect(text.trim()).not.toBe('');
      expect(text.match(/\{\d\}/g) ?? []).toEqual(english[key].match(/\{\d\}/g) ?? []);
    }
  });

  test('every display/description key the manifest names is in the resx', () => {
    const keys = [...manifest().querySelectorAll('[display-name-key],[description-key]')]
      .flatMap((el) => [el.getAttribute('display-name-key'), el.getAttribute('description-key')])
      .filter((key): key is string => !!key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'PartnerCenterSection_Display',
        'PartnerCenterSection_Desc',
        ...Object.keys(Property).map((name) => `Property_${name}`),
      ]),
    );
    for (const key of keys) expect(Object.keys(StringKey)).toContain(key);
  });

  test('the manifest lists both resx files', () => {
    const resx = [...manifest().getElementsByTagName('resx')].map((r) => r.getAttribute('path'));
    expect(resx).toEqual(['strings/PartnerCenterSection.1033.resx', 'strings/PartnerCenterSection.1028.resx']);
  });

  test('names for another publisher prefix; the prefix is read from a bound column', () => {
    expect(prefixOf('abc_audit')).toBe('abc');
    expect(prefixOf('audit')).toBe('pcs');
    expect(prefixOf(undefined)).toBe('pcs');
    expect(namesFor('abc')).toMatchObject({
      solutionTable: 'abc_partnercentersolution',
      solutionOpportunityValue: '_abc_opportunity_value',
      countryCodeVariable: 'abc_CustomerCountryCodeField',
    });
    expect(DEFAULT_NAMES.column('Audit')).toBe(BoundColumn.Audit);
  });

  test('strings: placeholders, missing keys, languages', () => {
    expect(format('a {0} b {1} {2}', ['x', 2])).toBe('a x b 2 {2}');
    expect(translator(() => '')('Audit_Label')).toBe('Audit_Label');
    expect(
      translator(() => {
        throw new Error('no');
      })('Audit_Label'),
    ).toBe('Audit_Label');
    expect(languageOf(1028)).toBe(1028);
    expect(languageOf(3076)).toBe(1028);
    expect(languageOf(1041)).toBe(1033);
    expect(languageOf(undefined)).toBe(1033);
  });
});
