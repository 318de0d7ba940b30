import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeText, readZip } from '../../core/io/zip.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { describeWithShared, REAL_SOLUTIONS_CORPUS, requireShared } from '../support/fixtures.js';
import { defaultModel, fixtureModel } from '../support/model.js';
import { queryXml, type XmlQuery } from '../support/xpath.js';

/**
 * Touch only what we own: the opportunity table is Microsoft's (Dynamics 365 Sales), and our package
 * extends it as a shell (root component type 1, behavior 2). A shell carries our columns and key, not
 * display names: LocalizedNames in our managed layer would rename the table and could undo another managed
 * solution's names. Real exports of shells that add columns show the shape (below, from ../shared).
 */

const entry = (entries: ReadonlyArray<{ name: string; data: Uint8Array }>, name: string): string =>
  decodeText(entries.find((item) => item.name === name)!.data);
const entity = (schemaName: string): string => `/ImportExportXml/Entities/Entity[Name="${schemaName}"]`;
const shellBehavior = (xml: XmlQuery, logicalName: string): string[] =>
  xml.values(`/ImportExportXml/SolutionManifest/RootComponents/RootComponent[@type="1"][@schemaName="${logicalName}"]/@behavior`);

describe('our opportunity shell', () => {
  test.each([
    ['default', defaultModel()],
    ['contoso-existing-form', fixtureModel('contoso-existing-form')],
  ])('(%s configuration) holds our columns and key, and no display name of the table', (_name, model) => {
    const prefix = model.publisher.prefix;
    const entries = generatePackage(model, 'managed');
    queryXml(entry(entries, 'solution.xml'), (xml) => expect(shellBehavior(xml, 'opportunity')).toEqual(['2']));
    queryXml(entry(entries, 'customizations.xml'), (xml) => {
      const opportunity = entity('Opportunity');
      // The entity is named the way exports name a shell, in the base language only.
      expect(xml.attributes(`${opportunity}/Name`)).toEqual([{ LocalizedName: 'Opportunity', OriginalName: 'Opportunity' }]);
      expect(xml.attributes(`${opportunity}/EntityInfo/entity`)).toEqual([{ Name: 'Opportunity' }]);
      // attributes and keys only: no LocalizedNames, LocalizedCollectionNames or Descriptions, in any language.
      expect(xml.names(`${opportunity}/EntityInfo/entity/*`)).toEqual(['attributes', 'EntityKeys']);
      expect(
        xml.count(`${opportunity}/EntityInfo/entity/*[self::LocalizedNames or self::LocalizedCollectionNames or self::Descriptions]`),
      ).toBe(0);
      expect(xml.count(`${opportunity}/EntityInfo//@unmodified`)).toBe(0);
      expect(xml.values(`${opportunity}/EntityInfo/entity/attributes/attribute/@PhysicalName`)).toContain(`${prefix}_ReferralIdentifier`);
      expect(xml.values(`${opportunity}/EntityInfo/entity/EntityKeys/EntityKey/Name`)).toEqual([`${prefix}_key_ReferralIdentifier`]);
      // The table we own keeps its names in both languages.
      const own = `${entity(`${prefix}_PartnerCenterSolution`)}/EntityInfo/entity`;
      for (const list of ['LocalizedNames/LocalizedName', 'LocalizedCollectionNames/LocalizedCollectionName', 'Descriptions/Description']) {
        expect(xml.values(`${own}/${list}/@languagecode`)).toEqual(['1033', '1028']);
      }
    });
  });
});

/** The real exports whose shells show the shape (see ../shared/fixtures/real-solutions-corpus/SOURCES.tsv). */
const CRMP2C = 'CRMP2C_managed.zip'; // microsoft/Dynamics-365-FastTrack-Implementation-Assets, Dual-write P2C
const SALES_WIN = 'SalesWin_1_0_0_8.zip'; // thomassandsor/OpportunityWinDialog, unmanaged
const SALES_WIN_MANAGED = 'SalesWin_1_0_0_8_managed.zip';
const CUSTOMER_SERVICE = 'CustomerServiceCS_1_0_0_15_managed.zip'; // thomassandsor/CustomerService

function corpusEntries(zip: string): ReturnType<typeof readZip> {
  requireShared();
  return readZip(readFileSync(path.join(REAL_SOLUTIONS_CORPUS, zip)), zip);
}

describeWithShared('shells (behavior 2) of Microsoft tables in real exports', () => {
  test.each([
    [CRMP2C, 'Contact', 'contact', ['attributes', 'EntityKeys']],
    [CRMP2C, 'Invoice', 'invoice', ['attributes']],
    [CRMP2C, 'SalesOrder', 'salesorder', ['attributes']],
    [SALES_WIN, 'BusinessUnit', 'businessunit', ['attributes']],
    [SALES_WIN_MANAGED, 'BusinessUnit', 'businessunit', ['attributes']],
    [CUSTOMER_SERVICE, 'Email', 'email', ['attributes']],
  ])('%s: %s, extended with columns, carries no display names and no unmodified', (zip, schemaName, logicalName, children) => {
    const entries = corpusEntries(zip);
    queryXml(entry(entries, 'solution.xml'), (xml) => expect(shellBehavior(xml, logicalName)).toEqual(['2']));
    queryXml(entry(entries, 'customizations.xml'), (xml) => {
      const shell = entity(schemaName);
      expect(xml.count(`${shell}/EntityInfo/entity/attributes/attribute[IsCustomField="1"]`)).toBeGreaterThan(0);
      expect(xml.names(`${shell}/EntityInfo/entity/*`)).toEqual(children);
      expect(xml.attributes(`${shell}/EntityInfo/entity`)).toEqual([{ Name: schemaName }]);
      expect(xml.count(`${shell}/EntityInfo/entity/*[self::LocalizedNames or self::LocalizedCollectionNames or self::Descriptions]`)).toBe(
        0,
      );
      // The name is on <Name> only, in the base language.
      expect(xml.count(`${shell}/Name/@LocalizedName`)).toBe(1);
    });
  });

  test(`${SALES_WIN}: unmodified="1" marks a shell whose table metadata is untouched (no attributes), the Opportunity`, () => {
    const entries = corpusEntries(SALES_WIN);
    queryXml(entry(entries, 'solution.xml'), (xml) => expect(shellBehavior(xml, 'opportunity')).toEqual(['2']));
    queryXml(entry(entries, 'customizations.xml'), (xml) => {
      const opportunity = entity('Opportunity');
      expect(xml.attributes(`${opportunity}/Name`)).toEqual([{ LocalizedName: 'Opportunity', OriginalName: 'Opportunity' }]);
      expect(xml.attributes(`${opportunity}/EntityInfo/entity`)).toEqual([{ Name: 'Opportunity', unmodified: '1' }]);
      expect(xml.count(`${opportunity}/EntityInfo/entity/attributes/*`)).toBe(0);
      expect(xml.names(`${opportunity}/EntityInfo/entity/*`)).toEqual(['attributes']);
    });
  });
});
