import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { componentId } from '../../solution/ids.js';
import { projectFile } from '../../core/paths.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { generatePackage, packageFileName } from '../../packaging/generate/package.js';
import { decodeText, readZip, type ZipEntry } from '../../core/io/zip.js';
import { configFixtureFile, defaultModel } from '../support/model.js';
import { queryXml, xpathAttributes, xpathValue, xpathValues } from '../support/xpath.js';

const text = (entries: ZipEntry[], name: string): string => decodeText(entries.find((entry) => entry.name === name)!.data);
const ROOT_COMPONENTS = '/ImportExportXml/SolutionManifest/RootComponents/RootComponent';
const CONTENT_TYPES = { ct: 'http://schemas.openxmlformats.org/package/2006/content-types' };

describe('generated solution package', () => {
  const model = defaultModel();
  const managed = generatePackage(model, 'managed');
  const unmanaged = generatePackage(model, 'unmanaged');

  test('names files as Dataverse exports do', () => {
    expect(packageFileName(model, 'managed')).toBe('CoSellSync_1_0_0_0_managed.zip');
    expect(packageFileName(model, 'unmanaged')).toBe('CoSellSync_1_0_0_0.zip');
  });

  test('root files first in export order, components sorted, no folder entries', () => {
    expect(managed.map((entry) => entry.name)).toEqual([
      'customizations.xml',
      '[Content_Types].xml',
      'solution.xml',
      'environmentvariabledefinitions/pcs_Checkmark/environmentvariabledefinition.xml',
      'environmentvariabledefinitions/pcs_CustomerCountryCodeField/environmentvariabledefinition.xml',
      'environmentvariabledefinitions/pcs_DealValueField/environmentvariabledefinition.xml',
      'environmentvariabledefinitions/pcs_SyncOnlyCoSell/environmentvariabledefinition.xml',
    ]);
  });

  test('[Content_Types].xml is the single BOM line exports have', () => {
    const bytes = managed.find((entry) => entry.name === '[Content_Types].xml')!.data;
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(decodeText(bytes)).toBe(
      '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /></Types>',
    );
  });

  test('managed and unmanaged differ only in <Managed>', () => {
    expect(xpathValue(text(managed, 'solution.xml'), '/ImportExportXml/SolutionManifest/Managed')).toBe('1');
    expect(xpathValue(text(unmanaged, 'solution.xml'), '/ImportExportXml/SolutionManifest/Managed')).toBe('0');
    expect(text(unmanaged, 'solution.xml').replace('<Managed>0</Managed>', '<Managed>1</Managed>')).toBe(text(managed, 'solution.xml'));
    expect(text(unmanaged, 'customizations.xml')).toBe(text(managed, 'customizations.xml'));
  });

  test('neither zip ships an environment variable current value', () => {
    for (const entries of [managed, unmanaged])
      expect(entries.some((entry) => entry.name.endsWith('environmentvariablevalues.json'))).toBe(false);
  });

  test('root components: opportunity and lead as shells, the custom table, the choices, the form', () => {
    const formId = model.forms[0]!.placement.formId;
    expect(xpathAttributes(text(managed, 'solution.xml'), ROOT_COMPONENTS)).toEqual([
      { type: '1', schemaName: 'opportunity', behavior: '2' },
      { type: '1', schemaName: 'pcs_partnercentersolution', behavior: '0' },
      { type: '1', schemaName: 'lead', behavior: '2' },
      { type: '9', schemaName: 'pcs_howcanmicrosofthelp', behavior: '0' },
      { type: '9', schemaName: 'pcs_referralstatus', behavior: '0' },
      { type: '9', schemaName: 'pcs_referralsubstatus', behavior: '0' },
      { type: '9', schemaName: 'pcs_referraldecision', behavior: '0' },
      { type: '9', schemaName: 'pcs_declinereason', behavior: '0' },
      { type: '60', id: `{${formId}}`, behavior: '0' },
    ]);
  });

  test('customizations.xml holds the columns, key, relationship, choices and connection references', () => {
    const customizations = text(managed, 'customizations.xml');
    expect(customizations.slice(0, '<ImportExportXml '.length)).toBe('<ImportExportXml ');
    queryXml(customizations, (xml) => {
      expect(xml.values('/ImportExportXml/Entities/Entity/Name')).toEqual(['Lead', 'Opportunity', 'pcs_PartnerCenterSolution']);
      const leadKey = '/ImportExportXml/Entities/Entity[Name="Lead"]/EntityInfo/entity/EntityKeys/EntityKey';
      expect(xml.values(`${leadKey}/Name`)).toEqual(['pcs_key_LeadReferralIdentifier']);
      expect(xml.values(`${leadKey}/EntityKeyAttributes/AttributeName`)).toEqual(['pcs_referralidentifier']);
      expect(xml.attributes('/ImportExportXml/Entities/Entity/Name[.="Opportunity"]')).toEqual([
        { LocalizedName: 'Opportunity', OriginalName: 'Opportunity' },
      ]);
      const opportunity = '/ImportExportXml/Entities/Entity[Name="Opportunity"]/EntityInfo/entity';
      const help = `${opportunity}/attributes/attribute[@PhysicalName="pcs_HowCanMicrosoftHelp"]`;
      expect(xml.value(`${help}/Type`)).toBe('multiselectpicklist');
      expect(xml.value(`${help}/OptionSetName`)).toBe('pcs_howcanmicrosofthelp');
      expect(xml.values(`${help}/displaynames/displayname/@description`)).toEqual(['How can Microsoft help?', 'Microsoft 可以如何協助？']);
      const key = `${opportunity}/EntityKeys/EntityKey`;
      expect(xml.values(`${key}/Name`)).toEqual(['pcs_key_ReferralIdentifier']);
      expect(xml.values(`${key}/EntityKeyAttributes/AttributeName`)).toEqual(['pcs_referralidentifier']);
      const relationship = '/ImportExportXml/EntityRelationships/EntityRelationship[@Name="pcs_Opportunity_PartnerCenterSolution"]';
      expect(xml.value(`${relationship}/EntityRelationshipType`)).toBe('OneToMany');
      expect(xml.value(`${relationship}/ReferencingEntityName`)).toBe('pcs_PartnerCenterSolution');
      expect(xml.value(`${relationship}/ReferencedEntityName`)).toBe('Opportunity');
      expect(xml.value(`${relationship}/ReferencingAttributeName`)).toBe('pcs_Opportunity');
      const references = '/ImportExportXml/connectionreferences/connectionreference';
      expect(xml.values(`${references}/@connectionreferencelogicalname`)).toEqual([
        'pcs_PartnerCenterReferrals',
        'pcs_PartnerCenterEvents',
        'pcs_Dataverse',
      ]);
      expect(xml.values(`${references}/connectorid`)).toEqual([
        '/providers/Microsoft.PowerApps/apis/shared_partnercenterref',
        '/providers/Microsoft.PowerApps/apis/shared_partnercenterevents',
        '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
      ]);
      expect(xml.values('/ImportExportXml/Languages/Language')).toEqual(['1033', '1028']);
      expect(xml.attributes('//section[@name="pcs_microsoftpartnercenter"]/labels/label')).toEqual([
        { description: 'Microsoft Partner Center', languagecode: '1033' },
        { description: 'Microsoft 合作夥伴中心', languagecode: '1028' },
      ]);
    });
  });

  test('the solutions table ships its main form and the standard system views', () => {
    queryXml(text(managed, 'customizations.xml'), (xml) => {
      const entity = '/ImportExportXml/Entities/Entity[Name="pcs_PartnerCenterSolution"]';
      const types = xml
        .values(`${entity}/SavedQueries/savedqueries/savedquery/querytype`)
        .map(Number)
        .sort((a, b) => a - b);
      expect(types).toEqual([0, 0, 1, 2, 4, 64]);
      expect(xml.values(`${entity}//savedquery[isquickfindquery="1"]//filter[@isquickfindfields="1"]/condition/@attribute`)).toEqual([
        'pcs_name',
        'pcs_solutionidentifier',
      ]);
      expect(xml.values(`${entity}/FormXml/forms[@type="main"]/systemform//control/@datafieldname`)).toEqual([
        'pcs_name',
        'pcs_solutionidentifier',
        'pcs_opportunity',
        'ownerid',
      ]);
    });
  });

  test('the Partner Center section lists the solutions in a subgrid on the associated view', () => {
    const solutions = model.tables.find((table) => table.kind === 'custom')!;
    const associated = solutions.kind === 'custom' ? solutions.views.find((view) => view.queryType === 2)! : undefined;
    queryXml(text(managed, 'customizations.xml'), (xml) => {
      const grid = '//section[@name="pcs_microsoftpartnercenter"]//control[@id="pcs_partnercentersolution_grid"]';
      expect(xml.value(`${grid}/parameters/ViewId`)).toBe(`{${associated!.id}}`);
      expect(xml.value(`${grid}/parameters/RelationshipName`)).toBe('pcs_Opportunity_PartnerCenterSolution');
      expect(xml.value(`${grid}/parameters/TargetEntityType`)).toBe('pcs_partnercentersolution');
    });
  });

  test('read-only fields are disabled on the form and hidden bookkeeping is not on it', () => {
    queryXml(text(managed, 'customizations.xml'), (xml) => {
      const section = '//forms[@type="main"]/systemform//section[@name="pcs_microsoftpartnercenter"]';
      expect(xml.value(`${section}//control[@datafieldname="pcs_referralidentifier"]/@disabled`)).toBe('true');
      expect(xml.value(`${section}//control[@datafieldname="pcs_audit"]/@disabled`)).toBe('true');
      expect(xml.value(`${section}//control[@datafieldname="pcs_syncwithpartnercenter"]/@disabled`)).toBe('false');
      for (const hidden of ['pcs_partnercenteretag', 'pcs_lastsyncedhash', 'pcs_lastsyncedon'])
        expect(xml.count(`//systemform//control[@datafieldname="${hidden}"]`)).toBe(0);
    });
  });

  test('a Boolean env var default is written yes/no; strings as given', () => {
    const defaultOf = (name: string) =>
      xpathValue(
        text(managed, `environmentvariabledefinitions/${name}/environmentvariabledefinition.xml`),
        `/environmentvariabledefinition[@schemaname="${name}"]/defaultvalue`,
      );
    expect(defaultOf('pcs_Checkmark')).toBe('yes');
    expect(defaultOf('pcs_DealValueField')).toBe('estimatedvalue');
  });

  test('the same input gives byte-identical zips', () => {
    const [first] = buildPackages(defaultModel(), ['managed']);
    const [second] = buildPackages(defaultModel(), ['managed']);
    expect(Buffer.from(first!.bytes).equals(Buffer.from(second!.bytes))).toBe(true);
  });

  test('the zip bytes do not depend on the time zone of the machine', () => {
    const script = `import('${projectFile('dist/packaging/build-solution.js')}').then(async (b) => {
      const { loadConfig } = await import('${projectFile('dist/solution/config/config.js')}');
      const { buildCoSellModel } = await import('${projectFile('dist/solution/cosell.js')}');
      const model = buildCoSellModel(await loadConfig(${JSON.stringify(configFixtureFile('default'))}));
      process.stdout.write(b.buildPackages(model, ['managed'])[0].sha256);
    })`;
    const hashIn = (tz: string) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: tz } }).toString();
    const [local] = buildPackages(defaultModel(), ['managed']);
    expect(hashIn('Asia/Taipei')).toBe(local!.sha256);
    expect(hashIn('America/Los_Angeles')).toBe(local!.sha256);
  });

  test('a new version keeps every component id, so the import upgrades in place', () => {
    const next = generatePackage(
      defaultModel(undefined, (config) => {
        config.solution.version = '1.0.0.1';
      }),
      'managed',
    );
    expect(text(next, 'customizations.xml')).toBe(text(managed, 'customizations.xml'));
    const ids = (xml: string) => [...xml.matchAll(/\{[0-9a-f-]{36}\}/g)].map((m) => m[0]);
    expect(ids(text(next, 'solution.xml'))).toEqual(ids(text(managed, 'solution.xml')));
    expect(xpathValue(text(next, 'solution.xml'), '/ImportExportXml/SolutionManifest/Version')).toBe('1.0.0.1');
  });

  test('labels with XML-special characters, emoji and CJK round-trip intact', () => {
    const tricky = 'Co-sell <&"\'> 🤝 共同銷售';
    const built = generatePackage(
      defaultModel(undefined, (config) => {
        config.solution.displayName = tricky;
        config.solution.description = tricky;
      }),
      'managed',
    );
    expect(xpathValues(text(built, 'solution.xml'), '/ImportExportXml/SolutionManifest/*/*[@languagecode="1033"]/@description')).toEqual([
      tricky,
      tricky,
    ]);
    expect(
      xpathValue(
        text(built, 'customizations.xml'),
        '//connectionreference[@connectionreferencelogicalname="pcs_Dataverse"]/connectionreferencedisplayname',
      ),
    ).toBe(`${tricky} | Dataverse`);
  });

  test('flows and code components given to the model are packaged with their files and roots', () => {
    const flowId = componentId('workflow', 'test-flow');
    const withParts = defaultModel({
      flows: [
        {
          id: flowId,
          name: 'Test Flow: one',
          description: 'A test flow',
          document: { properties: { definition: {} }, schemaVersion: '1.0.0.0' },
        },
      ],
      controls: [
        {
          name: 'pcs_CoSell.ReferralPanel',
          files: [
            {
              path: 'ControlManifest.xml',
              data: new TextEncoder().encode(
                '<manifest><control namespace="CoSell" constructor="ReferralPanel" version="9.9.9" /></manifest>',
              ),
            },
            { path: 'bundle.js', data: new TextEncoder().encode('void 0;') },
          ],
        },
      ],
    });
    const entries = generatePackage(withParts, 'managed');
    const fileName = `Workflows/TestFlowone-${flowId.toUpperCase()}.json`;
    expect(entries.map((entry) => entry.name)).toEqual(
      expect.arrayContaining([
        fileName,
        'Controls/pcs_CoSell.ReferralPanel/ControlManifest.xml',
        'Controls/pcs_CoSell.ReferralPanel/bundle.js',
      ]),
    );
    expect(text(entries, fileName)).toBe('{\r\n  "properties": {\r\n    "definition": {}\r\n  },\r\n  "schemaVersion": "1.0.0.0"\r\n}');
    queryXml(text(entries, 'customizations.xml'), (xml) => {
      const workflow = `/ImportExportXml/Workflows/Workflow[@WorkflowId="{${flowId}}"]`;
      expect(xml.value(`${workflow}/@Name`)).toBe('Test Flow: one');
      expect(xml.value(`${workflow}/JsonFileName`)).toBe(`/${fileName}`);
      expect(xml.value(`${workflow}/StateCode`)).toBe('0');
      expect(xml.values('/ImportExportXml/CustomControls/CustomControl/Name')).toEqual(['pcs_CoSell.ReferralPanel']);
      expect(xml.values('/ImportExportXml/CustomControls/CustomControl/FileName')).toEqual([
        '/Controls/pcs_CoSell.ReferralPanel/ControlManifest.xml',
      ]);
    });
    // The manifest goes in with the version derived from the solution's 1.0.0.0 (solution/control-version.ts).
    expect(xpathAttributes(text(entries, 'Controls/pcs_CoSell.ReferralPanel/ControlManifest.xml'), '/manifest/control')).toEqual([
      { namespace: 'CoSell', constructor: 'ReferralPanel', version: '1.0.0' },
    ]);
    expect(text(entries, 'Controls/pcs_CoSell.ReferralPanel/bundle.js')).toBe('void 0;');
    expect(xpathAttributes(text(entries, 'solution.xml'), `${ROOT_COMPONENTS}[@type="29" or @type="66"]`)).toEqual([
      { type: '29', id: `{${flowId}}`, behavior: '0' },
      { type: '66', schemaName: 'pcs_CoSell.ReferralPanel', behavior: '0' },
    ]);
    expect(xpathAttributes(text(entries, '[Content_Types].xml'), '/ct:Types/ct:Default', { namespaces: CONTENT_TYPES })).toEqual([
      { Extension: 'xml', ContentType: 'application/octet-stream' },
      { Extension: 'json', ContentType: 'application/octet-stream' },
      { Extension: 'js', ContentType: 'application/octet-stream' },
    ]);
  });

  test('an existing form gets a diff section marked Added under the given tab (tab and column as its path)', () => {
    const tabId = '11111111-2222-3333-4444-555555555555';
    const diff = generatePackage(
      defaultModel(undefined, (config) => {
        config.form = { mode: 'existingForm', formId: '{A837E4A7-01B8-4F82-A475-BE9ABD67E667}', tabId, columnIndex: 1, columnWidth: '50%' };
      }),
      'managed',
    );
    queryXml(text(diff, 'customizations.xml'), (xml) => {
      const form = '/ImportExportXml/Entities/Entity[Name="Opportunity"]/FormXml/forms[@type="main"]/systemform';
      expect(xml.values(`${form}/formid`)).toEqual(['{a837e4a7-01b8-4f82-a475-be9abd67e667}']);
      expect(xml.attributes(`${form}//tab`)).toEqual([{ id: `{${tabId}}` }]);
      expect(xml.attributes(`${form}//column`)).toEqual([{ width: '50%', id: '1' }]);
      expect(xml.values(`${form}//section/@name`)).toEqual(['pcs_microsoftpartnercenter']);
      expect(xml.value(`${form}//section/@solutionaction`)).toBe('Added');
      expect(xml.count(`${form}//control[@datafieldname="name"]`)).toBe(0);
      expect(xml.attributes(`${form}/LocalizedNames/LocalizedName`)).toEqual([{ description: 'Opportunity', languagecode: '1033' }]);
    });
    expect(xpathAttributes(text(diff, 'solution.xml'), `${ROOT_COMPONENTS}[@type="60"]`)).toEqual([
      { type: '60', id: '{a837e4a7-01b8-4f82-a475-be9abd67e667}', behavior: '0' },
    ]);
  });

  test('the written zip reads back to the same entries', () => {
    const [built] = buildPackages(model, ['managed']);
    const back = readZip(built!.bytes, 'built');
    expect(back.map((entry) => entry.name)).toEqual(managed.map((entry) => entry.name));
    expect(createHash('sha256').update(back[0]!.data).digest('hex')).toBe(createHash('sha256').update(managed[0]!.data).digest('hex'));
  });
});
