import { decodeText, readZip } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { fixtureEntries, APPROVALS, AI_BUILDER } from '../check/helpers.js';
import { describeWithShared } from '../support/fixtures.js';
import { defaultModel } from '../support/model.js';
import { queryXml } from '../support/xpath.js';

const CLOUD_FLOWS = "/ImportExportXml/Workflows/Workflow[Category='5']";
const customizationsOf = (entries: ReadonlyArray<{ name: string; data: Uint8Array }>): string =>
  decodeText(entries.find((entry) => entry.name === 'customizations.xml')!.data);

/** What the <Workflow> entry of a cloud flow says in an export: a cloud flow's table lives in its trigger, not here. */
describe('the Workflow entries of our cloud flows', () => {
  test('are cloud flows (category 5, type 1) with PrimaryEntity none, packaged off', () => {
    const [managed] = buildPackages(withFlows(defaultModel()), ['managed']);
    queryXml(customizationsOf(readZip(managed!.bytes, managed!.fileName)), (xml) => {
      expect(xml.count(CLOUD_FLOWS)).toBe(11);
      expect(xml.count('/ImportExportXml/Workflows/Workflow')).toBe(11);
      expect([...new Set(xml.values(`${CLOUD_FLOWS}/PrimaryEntity`))]).toEqual(['none']);
      expect([...new Set(xml.values(`${CLOUD_FLOWS}/Type`))]).toEqual(['1']);
      expect([...new Set(xml.values(`${CLOUD_FLOWS}/StateCode`))]).toEqual(['0']);
    });
  });
});

describeWithShared('the Workflow entries of real exported cloud flows', () => {
  test.each([APPROVALS, AI_BUILDER])('%s says PrimaryEntity none, whatever table its trigger watches', (zip) => {
    queryXml(customizationsOf(fixtureEntries(zip)), (xml) => {
      expect(xml.count(CLOUD_FLOWS)).toBeGreaterThan(0);
      expect([...new Set(xml.values(`${CLOUD_FLOWS}/PrimaryEntity`))]).toEqual(['none']);
    });
  });
});
