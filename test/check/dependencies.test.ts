import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readZip, type ZipEntry } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { readBuiltControl } from '../../packaging/pcf-control.js';
import { salesDependencies } from '../../solution/dependencies.js';
import { describeWithShared, REAL_SOLUTIONS_CORPUS, requireShared } from '../support/fixtures.js';
import { tempDir } from '../support/cli.js';
import { defaultModel } from '../support/model.js';
import { xpathAttributes } from '../support/xpath.js';
import { writeBuiltControlFixture } from '../pcf/support.js';
import { check, CONTOSO, fixtureEntries, findingsOf, replaceIn, summary, textOf } from './helpers.js';

/**
 * Declared dependencies: solution.xml's <MissingDependencies> lists what the package needs from Dynamics 365
 * Sales, in the shape of real exports, and `check` finds a component taken from another solution that is
 * neither declared nor a platform table (dependency-undeclared).
 */

const REQUIRED = '/ImportExportXml/SolutionManifest/MissingDependencies/MissingDependency/Required';
const DEPENDENT = '/ImportExportXml/SolutionManifest/MissingDependencies/MissingDependency/Dependent';
const HACKATHON = 'Hackathon28092023_1_0_0_1.zip';

const corpusEntries = (zip: string): ZipEntry[] => (
  requireShared(),
  readZip(new Uint8Array(readFileSync(path.join(REAL_SOLUTIONS_CORPUS, zip))), zip)
);

const withControl = async () =>
  defaultModel({ controls: [await readBuiltControl(await writeBuiltControlFixture(await tempDir('dependencies')), 'pcs')] });

describe('MissingDependencies of our build', () => {
  test('the default build (with its flows) declares opportunity, the Sales Hub form and the Sales columns its flows use', () => {
    const xml = textOf(generatePackage(withFlows(defaultModel()), 'managed'), 'solution.xml');
    const required = xpathAttributes(xml, REQUIRED);
    const key = (attributes: Record<string, string>) => `${attributes.type} ${attributes.schemaName ?? attributes.id}`;
    expect([...new Set(required.map(key))]).toEqual([
      '1 lead',
      '1 opportunity',
      '2 estimatedclosedate',
      '2 estimatedvalue',
      '2 parentaccountid',
      '2 parentcontactid',
      '60 {a837e4a7-01b8-4f82-a475-be9abd67e667}',
    ]);
    expect(required[0]).toEqual({ type: '1', schemaName: 'lead', displayName: 'Lead', solution: 'msdynce_LeadManagement (9.0.4.0066)' });
    expect(required.find((attributes) => attributes.schemaName === 'opportunity')).toEqual({
      type: '1',
      schemaName: 'opportunity',
      displayName: 'Opportunity',
      solution: 'msdynce_Sales (9.0.4.0076)',
    });
    // The shell depends on opportunity, and so does each flow that reads or writes opportunities.
    expect(xpathAttributes(xml, DEPENDENT)).toContainEqual({ type: '1', schemaName: 'opportunity', displayName: 'Opportunity' });
    // Every column's dependents are the flows that name it.
    expect(xpathAttributes(xml, DEPENDENT).filter((dependent) => dependent.type === '29').length).toBeGreaterThanOrEqual(4);
  });

  test('with the PCF control, the bound lookups are required by the Sales Hub form diff', async () => {
    const dependencies = salesDependencies(await withControl());
    const byForm = dependencies
      .filter((dependency) => dependency.dependent.type === 60)
      .map((dependency) => dependency.required.schemaName ?? dependency.required.id);
    expect(byForm).toEqual(['parentaccountid', 'parentcontactid', '{a837e4a7-01b8-4f82-a475-be9abd67e667}']);
  });

  test('the new main form declares the Sales columns it shows, and no Sales Hub form', () => {
    const model = defaultModel(undefined, (config) => {
      config.form = { mode: 'newMainForm' };
    });
    expect(
      salesDependencies(model).map(
        (dependency) => `${dependency.required.type} ${dependency.required.schemaName ?? dependency.required.id}`,
      ),
    ).toEqual(['1 lead', '1 opportunity', '2 estimatedclosedate', '2 estimatedvalue', '2 name', '2 parentaccountid']);
  });
});

describeWithShared('MissingDependencies have the shape of real exports', () => {
  test('each Required we write is, attribute for attribute, one that Hackathon28092023 (a Sales Hub form diff) or SalesHub_Customization (lead) writes', async () => {
    const ours = xpathAttributes(textOf(generatePackage(withFlows(await withControl()), 'managed'), 'solution.xml'), REQUIRED);
    const theirs = [HACKATHON, 'SalesHub_Customization_1_0_0_1.zip'].flatMap((zip) =>
      xpathAttributes(textOf(corpusEntries(zip), 'solution.xml'), REQUIRED).map((attributes) => JSON.stringify(attributes)),
    );
    expect(ours.length).toBeGreaterThan(5);
    expect(ours.map((attributes) => JSON.stringify(attributes)).filter((attributes) => !theirs.includes(attributes))).toEqual([]);
  });

  test('our Dependent of the opportunity table and of the form are the ones Hackathon28092023 writes', () => {
    const ours = xpathAttributes(textOf(generatePackage(defaultModel(), 'managed'), 'solution.xml'), DEPENDENT).map((a) =>
      JSON.stringify(a),
    );
    const theirs = xpathAttributes(textOf(corpusEntries(HACKATHON), 'solution.xml'), DEPENDENT).map((a) => JSON.stringify(a));
    // Ours: opportunity, the form, and lead (the leads made from referrals carry its key), whose Dependent has the
    // very shape of the opportunity one.
    const asOpportunity = (dependent: string): string =>
      dependent.replace('"schemaName":"lead","displayName":"Lead"', '"schemaName":"opportunity","displayName":"Opportunity"');
    expect(ours).toHaveLength(3);
    expect(ours.map(asOpportunity).filter((dependent) => !theirs.includes(dependent))).toEqual([]);
  });
});

describeWithShared('check: dependency-undeclared (Medium)', () => {
  test('our build declares everything: no finding; dropping the opportunity declaration is caught', async () => {
    const entries = generatePackage(withFlows(defaultModel()), 'managed');
    expect(await check(entries)).toEqual([]);
    const dropped = replaceIn(
      entries,
      'solution.xml',
      /<MissingDependency>\s*<Required type="1" schemaName="opportunity"[^]*?<\/MissingDependency>/g,
      '',
    );
    const findings = findingsOf(await check(dropped), 'dependency-undeclared', 'Medium');
    expect(findings.map((f) => f.message)).toContain(
      'the package extends table opportunity of another solution but does not declare it in MissingDependencies',
    );
  });

  test('dropping the form declaration, or a bound column declaration, is caught', async () => {
    const entries = generatePackage(withFlows(await withControl()), 'managed');
    expect(await check(entries)).toEqual([]);
    const noForm = replaceIn(entries, 'solution.xml', /<MissingDependency>\s*<Required type="60"[^]*?<\/MissingDependency>/, '');
    expect(summary(await check(noForm))).toEqual(['dependency-undeclared/Medium']);
    const noColumn = replaceIn(
      entries,
      'solution.xml',
      /<MissingDependency>\s*<Required type="2" schemaName="parentcontactid"[^]*?<\/MissingDependency>/g,
      '',
    );
    const findings = findingsOf(await check(noColumn), 'dependency-undeclared', 'Medium');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('binds column parentcontactid of Opportunity');
  });

  test('dropping the lead declarations (the lead shell, the flow that creates leads) is caught', async () => {
    const entries = generatePackage(withFlows(defaultModel()), 'managed');
    const noLead = replaceIn(
      entries,
      'solution.xml',
      /<MissingDependency>\s*<Required type="1" schemaName="lead"[^]*?<\/MissingDependency>/g,
      '',
    );
    const findings = findingsOf(await check(noLead), 'dependency-undeclared', 'Medium');
    expect(findings.map((f) => f.message)).toEqual([
      'the package extends table lead of another solution but does not declare it in MissingDependencies',
    ]);
  });

  test('a platform table (Contoso_sample extends account) needs no declaration', async () => {
    expect(findingsOf(await check(fixtureEntries(CONTOSO)), 'dependency-undeclared', 'Medium')).toEqual([]);
  });

  test('Hackathon28092023 declares the Sales Hub form and opportunity; dropping the form one is caught', async () => {
    const entries = corpusEntries(HACKATHON);
    expect(findingsOf(await check(entries), 'dependency-undeclared', 'Medium')).toEqual([]);
    const noForm = replaceIn(
      entries,
      'solution.xml',
      /<MissingDependency>\s*<Required type="60" displayName="Opportunity"[^]*?<\/MissingDependency>/g,
      '',
    );
    expect(summary(await check(noForm)).filter((rule) => rule.startsWith('dependency'))).toEqual(['dependency-undeclared/Medium']);
  });
});
