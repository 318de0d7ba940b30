import { braced } from '../../solution/ids.js';
import { BASE_LANGUAGE, LANGUAGES, sameLabel, type Labels } from '../../solution/labels.js';
import type { SolutionModel } from '../../solution/model.js';
import { salesDependencies, type DependencyComponent } from '../../solution/dependencies.js';
import { ComponentType, RootBehavior } from '../../core/package/component-types.js';
import { newXmlDocument, serializeXml, type XMLBuilder } from '../../core/xml/xml.js';

/** Header values of the exporting org: a 2024 online org, as in E3. */
const EXPORT_ORG_VERSION = '9.2.24043.234';
const SOLUTION_PACKAGE_VERSION = '9.2';

interface RootComponent {
  type: number;
  schemaName?: string;
  id?: string;
  behavior: number;
}

/**
 * The root components, as exports list them: tables (type 1; a Microsoft table as a shell), global
 * choices (9), flows (29), forms (60) and code components (66). Environment variable definitions and
 * connection references are NOT roots: exports carry them only in their own files/nodes, and an
 * invented ≥10000 type makes import fail (solution-format §1.3.1).
 */
function rootComponents(model: SolutionModel): RootComponent[] {
  const roots: RootComponent[] = [];
  for (const table of model.tables) {
    roots.push({
      type: ComponentType.Entity,
      schemaName: table.logicalName,
      behavior: table.kind === 'extended' ? RootBehavior.Shell : RootBehavior.IncludeSubcomponents,
    });
  }
  for (const choice of model.choices)
    roots.push({ type: ComponentType.OptionSet, schemaName: choice.schemaName, behavior: RootBehavior.IncludeSubcomponents });
  for (const flow of model.flows)
    roots.push({ type: ComponentType.Workflow, id: braced(flow.id), behavior: RootBehavior.IncludeSubcomponents });
  for (const form of model.forms)
    roots.push({ type: ComponentType.SystemForm, id: braced(form.placement.formId), behavior: RootBehavior.IncludeSubcomponents });
  for (const control of model.controls)
    roots.push({ type: ComponentType.CustomControl, schemaName: control.name, behavior: RootBehavior.IncludeSubcomponents });
  return roots;
}

/** A Required/Dependent's attributes in the order exports write them (type, schemaName, displayName, parent…, solution, id). */
function dependencyAttributes(component: DependencyComponent): Record<string, string> {
  const attributes: Record<string, string> = { type: String(component.type) };
  for (const key of ['schemaName', 'displayName', 'parentSchemaName', 'parentDisplayName', 'solution', 'id'] as const) {
    const value = component[key];
    if (value !== undefined) attributes[key] = value;
  }
  return attributes;
}

function localized(parent: XMLBuilder, container: string, item: string, text: Labels): void {
  const list = parent.ele(container);
  for (const language of LANGUAGES) list.ele(item, { description: text[language], languagecode: String(language) });
}

function descriptions(parent: XMLBuilder, text: string): void {
  const list = parent.ele('Descriptions');
  if (text) list.ele('Description', { description: text, languagecode: String(BASE_LANGUAGE) });
}

const NIL = { 'xsi:nil': 'true' };
const ADDRESS_FIELDS = [
  'AddressTypeCode',
  'City',
  'County',
  'Country',
  'Fax',
  'FreightTermsCode',
  'ImportSequenceNumber',
  'Latitude',
  'Line1',
  'Line2',
  'Line3',
  'Longitude',
  'Name',
  'PostalCode',
  'PostOfficeBox',
  'PrimaryContactName',
  'ShippingMethodCode',
  'StateOrProvince',
  'Telephone1',
  'Telephone2',
  'Telephone3',
  'TimeZoneRuleVersionNumber',
  'UPSZone',
  'UTCOffset',
  'UTCConversionTimeZoneCode',
] as const;

/** solution.xml: the manifest. `managed` is 1 for the managed zip, 0 for the unmanaged one. */
export function solutionXml(model: SolutionModel, managed: boolean): string {
  const root = newXmlDocument().ele('ImportExportXml', {
    version: EXPORT_ORG_VERSION,
    SolutionPackageVersion: SOLUTION_PACKAGE_VERSION,
    languagecode: String(BASE_LANGUAGE),
    generatedBy: 'CrmLive',
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
  });
  const manifest = root.ele('SolutionManifest');
  manifest.ele('UniqueName').txt(model.solution.uniqueName);
  localized(manifest, 'LocalizedNames', 'LocalizedName', sameLabel(model.solution.displayName));
  descriptions(manifest, model.solution.description);
  manifest.ele('Version').txt(model.solution.version);
  manifest.ele('Managed').txt(managed ? '1' : '0');

  const publisher = manifest.ele('Publisher');
  publisher.ele('UniqueName').txt(model.publisher.uniqueName);
  localized(publisher, 'LocalizedNames', 'LocalizedName', sameLabel(model.publisher.displayName));
  descriptions(publisher, model.publisher.description);
  publisher.ele('EMailAddress', NIL);
  publisher.ele('SupportingWebsiteUrl', NIL);
  publisher.ele('CustomizationPrefix').txt(model.publisher.prefix);
  publisher.ele('CustomizationOptionValuePrefix').txt(String(model.publisher.optionValuePrefix));
  const addresses = publisher.ele('Addresses');
  for (const number of ['1', '2']) {
    const address = addresses.ele('Address');
    address.ele('AddressNumber').txt(number);
    for (const field of ADDRESS_FIELDS) address.ele(field, NIL);
  }

  const roots = manifest.ele('RootComponents');
  for (const component of rootComponents(model)) {
    const attributes: Record<string, string> = { type: String(component.type) };
    if (component.schemaName !== undefined) attributes.schemaName = component.schemaName;
    if (component.id !== undefined) attributes.id = component.id;
    attributes.behavior = String(component.behavior);
    roots.ele('RootComponent', attributes);
  }
  const missing = manifest.ele('MissingDependencies');
  for (const dependency of salesDependencies(model)) {
    const node = missing.ele('MissingDependency');
    node.ele('Required', dependencyAttributes(dependency.required));
    node.ele('Dependent', dependencyAttributes(dependency.dependent));
  }
  return serializeXml(root.doc());
}
