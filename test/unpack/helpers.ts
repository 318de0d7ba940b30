import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import type { CliIo } from '../../scripts/cli-support.js';
import { decodeText, encodeText, writeZip, type ZipEntry } from '../../core/io/zip.js';
import { contentTypesXml } from '../../core/package/content-types.js';
import { canonicalEntryOrder } from '../../core/package/entries.js';
import { newXmlDocument, serializeXml } from '../../core/xml/xml.js';

export { REAL_SOLUTIONS as FIXTURES } from '../support/fixtures.js';
export const REAL_ZIPS = [
  'ApprovalsConnectorSetup.zip',
  'AIBuilderPromptsDataverse_1_0_0_1_managed.zip',
  'Contoso_sample_1_0_0_1_managed.zip',
];

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cosell-unpack-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CapturedIo extends CliIo {
  outText: () => string;
  errText: () => string;
}

export function captureIo(cwd: string): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    cwd,
    out: (text) => {
      out.push(text);
    },
    err: (text) => {
      err.push(text);
    },
    outText: () => out.join(''),
    errText: () => err.join(''),
  };
}

/** Every file below `dir` as relative `/` path → bytes (nothing skipped). */
export async function listTree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join('/'), await readFile(full));
  }
  return files;
}

export const text = (data: Uint8Array | undefined): string => (data ? decodeText(data) : '');

/** Labels that must survive the round trip unchanged. */
export const TRICKY = `Referral <&"'> 😀 推荐 紹介`;
export const MULTILINE = 'first line\r\nsecond line & more';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const FLOW_A = 'Workflows/Syncreferral-0A1B2C3D-1111-4A4A-9B9B-000000000001.json';
const FLOW_B = 'Workflows/Updateopportunity-0A1B2C3D-2222-4A4A-9B9B-000000000002.json';
const CONTROL = 'pcc_Contoso.ReferralPanel';

/**
 * A solution zip built with the project's conventions (serializeXml, canonicalEntryOrder, writeZip,
 * contentTypesXml), with every supported component and the component order pack restores.
 */
export function syntheticZip(label = TRICKY): Uint8Array {
  const names = [{ description: label, languagecode: '1033' }];
  const solution = newXmlDocument().ele('ImportExportXml', {
    version: '9.2.24053.198',
    SolutionPackageVersion: '9.2',
    languagecode: '1033',
    generatedBy: 'CrmLive',
    'xmlns:xsi': XSI,
  });
  const manifest = solution.ele('SolutionManifest');
  manifest.ele('UniqueName').txt('PartnerCenterConnector');
  manifest.ele('LocalizedNames').ele('LocalizedName', names[0]);
  manifest.ele('Descriptions');
  manifest.ele('Version').txt('1.0.0.0');
  manifest.ele('Managed').txt('1');
  const publisher = manifest.ele('Publisher');
  publisher.ele('UniqueName').txt('contoso');
  publisher.ele('EMailAddress').att(XSI, 'xsi:nil', 'true');
  publisher.ele('CustomizationPrefix').txt('pcc');
  const roots = manifest.ele('RootComponents');
  roots.ele('RootComponent', { type: '1', schemaName: 'opportunity', behavior: '2' });
  roots.ele('RootComponent', { type: '29', id: '{0a1b2c3d-1111-4a4a-9b9b-000000000001}', behavior: '0' });
  manifest.ele('MissingDependencies');

  const root = newXmlDocument().ele('ImportExportXml', { 'xmlns:xsi': XSI });
  const entities = root.ele('Entities');
  const opportunity = entities.ele('Entity');
  opportunity.ele('Name', { LocalizedName: 'Opportunity', OriginalName: 'Opportunity' }).txt('Opportunity');
  const info = opportunity.ele('EntityInfo').ele('entity', { Name: 'Opportunity' });
  info.ele('LocalizedNames').ele('LocalizedName', { description: 'Opportunity', languagecode: '1033' });
  const attributes = info.ele('attributes');
  for (const [physical, type] of [
    ['pcc_ReferralId', 'nvarchar'],
    ['pcc_SyncWithPartnerCenter', 'bit'],
  ] as const) {
    const attribute = attributes.ele('attribute', { PhysicalName: physical });
    attribute.ele('Type').txt(type);
    attribute.ele('Name').txt(physical.toLowerCase());
    attribute.ele('AutoNumberFormat').txt(' '); // whitespace-only text must survive
    attribute.ele('displaynames').ele('displayname', { description: label, languagecode: '1033' });
    attribute.ele('Descriptions').ele('Description', { description: MULTILINE, languagecode: '1033' });
  }
  const formXml = opportunity.ele('FormXml');
  const forms = [
    ['main', ['{11111111-0000-0000-0000-00000000000a}', '{22222222-0000-0000-0000-00000000000b}']],
    ['quick', ['{33333333-0000-0000-0000-00000000000c}']],
  ] as const;
  for (const [type, ids] of forms) {
    const group = formXml.ele('forms', { type });
    for (const id of ids) {
      const form = group.ele('systemform');
      form.ele('formid').txt(id);
      form
        .ele('form')
        .ele('tabs')
        .ele('tab', { id: '{aaaaaaaa-0000-0000-0000-000000000001}', solutionaction: 'Added' })
        .ele('labels')
        .ele('label', { description: label, languagecode: '1033' });
      form.ele('LocalizedNames').ele('LocalizedName', names[0]);
    }
  }
  const query = opportunity.ele('SavedQueries').ele('savedqueries').ele('savedquery');
  query.ele('savedqueryid').txt('{44444444-0000-0000-0000-00000000000d}');
  query.ele('fetchxml').ele('fetch', { version: '1.0' }).ele('entity', { name: 'opportunity' });
  const ribbon = opportunity.ele('RibbonDiffXml');
  ribbon.ele('CustomActions');
  ribbon.ele('Templates').ele('RibbonTemplates', { Id: 'Mscrm.Templates' });
  const second = entities.ele('Entity');
  second.ele('Name', { LocalizedName: label, OriginalName: label }).txt('pcc_Referral');
  second.ele('EntityInfo').ele('entity', { Name: 'pcc_Referral' }).ele('attributes');
  second.ele('FormXml');
  second.ele('SavedQueries');
  second.ele('RibbonDiffXml');
  root.ele('Roles');
  const workflows = root.ele('Workflows');
  for (const [file, id, name] of [
    [FLOW_A, '{0a1b2c3d-1111-4a4a-9b9b-000000000001}', `Sync ${label}`],
    [FLOW_B, '{0a1b2c3d-2222-4a4a-9b9b-000000000002}', 'Update opportunity'],
  ] as const) {
    const workflow = workflows.ele('Workflow', { WorkflowId: id, Name: name });
    workflow.ele('JsonFileName').txt(`/${file}`);
    workflow.ele('Category').txt('5');
    workflow.ele('Description').att(XSI, 'xsi:nil', 'true');
    workflow.ele('LocalizedNames').ele('LocalizedName', { languagecode: '1033', description: name });
  }
  root.ele('FieldSecurityProfiles');
  root.ele('Templates');
  root.ele('EntityMaps');
  const relationships = root.ele('EntityRelationships');
  // Deliberately not sorted: pack must restore this order from Other/Relationships.xml.
  for (const [name, parent] of [
    ['pcc_referral_opportunity', 'Opportunity'],
    ['pcc_contact_referral', 'pcc_Referral'],
    ['pcc_account_opportunity', 'Opportunity'],
  ] as const) {
    const relationship = relationships.ele('EntityRelationship', { Name: name });
    relationship.ele('EntityRelationshipType').txt('OneToMany');
    relationship.ele('ReferencingEntityName').txt('pcc_Referral');
    relationship.ele('ReferencedEntityName').txt(parent);
    relationship.ele('RelationshipDescription').ele('Descriptions').ele('Description', { description: label, languagecode: '1033' });
  }
  root.ele('OrganizationSettings');
  const optionSets = root.ele('optionsets');
  for (const name of ['pcc_dealstage', 'pcc_referralstatus']) {
    const optionSet = optionSets.ele('optionset', { Name: name, localizedName: label });
    optionSet.ele('OptionSetType').txt('picklist');
    optionSet.ele('options').ele('option', { value: '100000000' }).ele('labels').ele('label', { description: label, languagecode: '1033' });
  }
  const control = root.ele('CustomControls').ele('CustomControl');
  control.ele('Name').txt(CONTROL);
  control.ele('FileName').txt(`/Controls/${CONTROL}/ControlManifest.xml`);
  root.ele('EntityDataProviders');
  const reference = root.ele('connectionreferences').ele('connectionreference', { connectionreferencelogicalname: 'pcc_dataverse' });
  reference.ele('connectionreferencedisplayname').txt(label);
  reference.ele('connectorid').txt('/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps');
  root.ele('Languages').ele('Language').txt('1033');

  const entries: ZipEntry[] = [
    { name: 'solution.xml', data: encodeText(serializeXml(solution.doc())) },
    { name: 'customizations.xml', data: encodeText(serializeXml(root.doc())) },
    { name: FLOW_A, data: encodeText(`\ufeff{\r\n  "properties": { "displayName": ${JSON.stringify(label)} }\r\n}`) },
    { name: FLOW_B, data: encodeText('{"properties":{}}\n') },
    {
      name: `Controls/${CONTROL}/ControlManifest.xml`,
      data: encodeText('<manifest><control namespace="Contoso" constructor="ReferralPanel" /></manifest>'),
    },
    { name: `Controls/${CONTROL}/bundle.js`, data: encodeText('var x = "<&>";\n') },
    { name: `Controls/${CONTROL}/strings/ReferralPanel.1033.resx`, data: encodeText('<root />') },
    {
      name: 'environmentvariabledefinitions/pcc_SyncOnlyCoSell/environmentvariabledefinition.xml',
      data: encodeText(
        '<environmentvariabledefinition schemaname="pcc_SyncOnlyCoSell">\n  <type>100000002</type>\n</environmentvariabledefinition>',
      ),
    },
    {
      name: 'environmentvariabledefinitions/pcc_SyncOnlyCoSell/environmentvariablevalues.json',
      data: encodeText('{"environmentvariablevalues":{}}'),
    },
  ];
  entries.push({ name: '[Content_Types].xml', data: encodeText(contentTypesXml(entries.map((entry) => entry.name))) });
  return writeZip(canonicalEntryOrder(entries));
}

export const SYNTHETIC_FILES = {
  flowA: FLOW_A,
  flowB: FLOW_B,
  control: CONTROL,
};

/** Replaces one entry (or adds it) in a zip's entry list and rebuilds the zip the project's way. */
export function rebuildZip(entries: readonly ZipEntry[]): Uint8Array {
  return writeZip(canonicalEntryOrder(entries));
}

interface Normal {
  name: string;
  attributes: string[];
  text: string;
  children: Normal[];
}

/** Containers whose children pack writes in canonical order rather than the export's order. */
const REORDERED = new Set(['Entities', 'Workflows', 'optionsets', 'CustomControls', 'FormXml', 'forms', 'savedqueries']);

function normalize(element: Element): Normal {
  const children = Array.from(element.childNodes)
    .filter((node): node is Element => node.nodeType === 1)
    .map(normalize);
  if (REORDERED.has(element.tagName)) children.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return {
    name: element.tagName,
    attributes: Array.from(element.attributes)
      .map((attribute) => `${attribute.name}=${attribute.value}`)
      .sort(),
    text: Array.from(element.childNodes)
      .filter((node) => node.nodeType === 3 || node.nodeType === 4)
      .map((node) => node.nodeValue ?? '')
      .join('')
      .trim(),
    children,
  };
}

/**
 * The XML as a comparable tree: same elements, attributes and text once whitespace between elements is
 * normalised; children of the REORDERED containers are compared as sets. Parsed with xmlbuilder2's
 * defaults, independently of the code under test.
 */
export function normalizedXml(data: Uint8Array): Normal {
  const document = create(decodeText(data)).node as unknown as Document;
  return normalize(document.documentElement);
}
