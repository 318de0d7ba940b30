import { CUSTOMIZATIONS_XML, prefixOf, type EntityNode, type SolutionPackage } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import type { XElement } from '../../../core/xml/tree.js';
import { finding, lower, type RuleContext } from './common.js';

/** CustomizationsSolution.xsd caps table and column names at 50 characters (EntityAttributeNameBaseType). */
const TABLE_COLUMN_NAME_MAX = 50;
/** Schema names of environment variables. */
const SOLUTION_AWARE_NAME_MAX = 100;
/**
 * connectionreferencelogicalname is a String of MaxLength 200 (Learn, "Connection Reference
 * (connectionreference) table/entity reference"); Copilot Studio names them up to 110 characters
 * (corpus: BatchMonitoringAgent).
 */
const CONNECTION_REFERENCE_NAME_MAX = 200;
const PRIMARY_NAME_MASK = 'PrimaryName';

interface CustomName {
  kind: string;
  /** Severity of a missing prefix: High unless real exports show the platform accepts it. */
  noPrefixSeverity?: 'High' | 'Medium';
  name: string;
  entry: string;
  where?: XElement;
  maxLength?: number;
}

/**
 * Custom components are named `<publisher prefix>_<Name>`. No prefix at all is a generator bug (High;
 * Medium for environment variables, which real exports show imported without one);
 * another publisher's prefix imports fine (ApprovalsConnectorSetup uses powercat_ under publisher
 * prefix cat) but is worth a look (Medium). Lengths are hard limits (Critical).
 */
export function checkNames({ pkg }: RuleContext): Finding[] {
  const publisherPrefix = pkg.manifest?.prefix;
  return customNames(pkg).flatMap((component) => checkName(component, publisherPrefix));
}

function checkName(component: CustomName, publisherPrefix: string | undefined): Finding[] {
  const { kind, name, entry, where, maxLength, noPrefixSeverity = 'High' } = component;
  const place = { entry, ...(where ? { where } : {}) };
  const findings: Finding[] = [];
  if (maxLength !== undefined && name.length > maxLength) {
    findings.push(
      finding('Critical', 'name-too-long', `${kind} name ${name} has ${name.length} characters; the limit is ${maxLength}`, {
        ...place,
        fix: `shorten it to at most ${maxLength} characters`,
      }),
    );
  }
  const prefix = prefixOf(name);
  if (prefix === undefined) {
    findings.push(
      finding(
        noPrefixSeverity,
        'name-no-prefix',
        `custom ${kind} ${name} has no publisher prefix (expected ${publisherPrefix ?? '<prefix>'}_${name})`,
        {
          ...place,
          fix: `name it ${publisherPrefix ?? '<prefix>'}_${name}: custom components carry the publisher's CustomizationPrefix`,
        },
      ),
    );
  } else if (publisherPrefix !== undefined && lower(prefix) !== lower(publisherPrefix)) {
    findings.push(
      finding(
        'Medium',
        'name-prefix-mismatch',
        `custom ${kind} ${name} uses prefix ${prefix}_ but the publisher's CustomizationPrefix is ${publisherPrefix}`,
        {
          ...place,
          fix: `use ${publisherPrefix}_ for new components (existing ones cannot be renamed once imported)`,
        },
      ),
    );
  }
  return findings;
}

function customNames(pkg: SolutionPackage): CustomName[] {
  const names: CustomName[] = [];
  const customizations = pkg.customizations;
  const inCustomizations = (kind: string, name: string, where: XElement, extra: Partial<CustomName> = {}): CustomName => ({
    kind,
    name,
    entry: CUSTOMIZATIONS_XML,
    where,
    ...extra,
  });
  for (const entity of customizations?.entities ?? []) {
    if (isCustomEntity(entity)) names.push(inCustomizations('table', entity.name, entity.el, { maxLength: TABLE_COLUMN_NAME_MAX }));
    for (const attribute of entity.attributes) {
      if (!attribute.isCustom) continue;
      names.push(inCustomizations('column', attribute.schemaName, attribute.el, { maxLength: TABLE_COLUMN_NAME_MAX }));
    }
  }
  for (const optionSet of customizations?.optionSets ?? []) names.push(inCustomizations('option set', optionSet.name, optionSet.el));
  for (const control of customizations?.customControls ?? []) names.push(inCustomizations('custom control', control.name, control.el));
  for (const reference of customizations?.connectionReferences ?? []) {
    names.push(inCustomizations('connection reference', reference.name, reference.el, { maxLength: CONNECTION_REFERENCE_NAME_MAX }));
  }
  const customColumns = new Set(
    (customizations?.entities ?? []).flatMap((entity) => entity.attributes.filter((a) => a.isCustom).map((a) => lower(a.schemaName))),
  );
  for (const relationship of customizations?.relationships ?? []) {
    // A 1:N is custom when its lookup is a custom column; the system ones of a new table (owner_x,
    // lk_x_createdby…) carry no publisher prefix. N:N relationships have no such signal and are skipped.
    const custom = relationship.referencingAttribute !== undefined && customColumns.has(lower(relationship.referencingAttribute));
    if (custom) names.push(inCustomizations('relationship', relationship.name, relationship.el));
  }
  for (const envVar of pkg.envVars) {
    names.push({
      kind: 'environment variable',
      name: envVar.schemaName ?? envVar.folder,
      entry: envVar.entry,
      ...(envVar.parsed.ok ? { where: envVar.parsed.root } : {}),
      maxLength: SOLUTION_AWARE_NAME_MAX,
      // Environment variables created through the Web API need no prefix, and such a solution imports:
      // Microsoft's Power Pages sample DocumentSubmission (corpus) ships AzureBlobContainerName,
      // AzureBlobStorageAccountName and AzureBlobStorageSasToken under publisher prefix sample.
      noPrefixSeverity: 'Medium',
    });
  }
  return names.filter((component) => component.name !== '');
}

/**
 * A table created by a publisher: its primary name column is a custom field (system tables such as
 * account have IsCustomField 0 there). Shells carry no attributes and are never "custom" here.
 */
function isCustomEntity(entity: EntityNode): boolean {
  return entity.attributes.some((attribute) => attribute.isCustom && isPrimaryName(attribute.el));
}

const isPrimaryName = (attribute: XElement): boolean =>
  attribute.children.some((c) => c.name === 'DisplayMask' && c.text.split('|').includes(PRIMARY_NAME_MASK));
