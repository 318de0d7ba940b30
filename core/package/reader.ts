import type { ZipEntry } from '../io/zip.js';
import { child, childrenNamed, childText, descendants, parseXmlTree, select, type ParsedXml, type XElement } from '../xml/tree.js';

/**
 * What the rules look at: the zip entries plus the parsed solution.xml / customizations.xml reduced
 * to the components the rules cross-check. Built once per zip; rules never parse these files again.
 */
import {
  CONTENT_TYPES_ENTRY,
  CUSTOMIZATIONS_XML,
  ENV_VAR_DEFINITION_FILE,
  ENV_VAR_FOLDER,
  ENV_VAR_VALUES_FILE,
  SOLUTION_XML,
} from './entries.js';

export { CUSTOMIZATIONS_XML, SOLUTION_XML, CONTENT_TYPES_ENTRY as CONTENT_TYPES_XML };
const ENV_VAR_FOLDER_PREFIX = `${ENV_VAR_FOLDER}/`;

export { ComponentType } from './component-types.js';

export interface RootComponent {
  /** Numeric type, undefined when the attribute is not an integer. */
  type: number | undefined;
  rawType: string;
  schemaName?: string;
  id?: string;
  behavior?: string;
  el: XElement;
}

export interface Manifest {
  root: XElement;
  uniqueName?: string;
  version?: string;
  managed?: string;
  prefix?: string;
  optionValuePrefix?: string;
  rootComponents: RootComponent[];
  /** `Required` nodes of MissingDependencies: components the package expects the target to have. */
  missingRequired: XElement[];
}

interface AttributeNode {
  /** SchemaName (`PhysicalName`), falling back to the logical name. */
  schemaName: string;
  logicalName: string;
  isCustom: boolean;
  el: XElement;
}

export interface FormNode {
  formId?: string;
  /** `forms/@type`: main, quick, card… */
  formType?: string;
  systemform: XElement;
  form?: XElement;
}

export interface EntityNode {
  /** Entity schema name (`<Name>` text). */
  name: string;
  el: XElement;
  /** `EntityInfo/entity`, absent for a shell. */
  info?: XElement;
  attributes: AttributeNode[];
  forms: FormNode[];
  keys: XElement[];
}

export interface NamedNode {
  name: string;
  el: XElement;
}

export interface WorkflowNode {
  id?: string;
  name?: string;
  jsonFileName?: string;
  el: XElement;
}

interface OptionSetNode extends NamedNode {
  options: XElement[];
}

export interface FileComponentNode extends NamedNode {
  fileName?: string;
}

interface RelationshipNode extends NamedNode {
  type?: string;
  /** Entities it links (referencing/referenced for 1:N, first/second for N:N). */
  entities: string[];
  referencingAttribute?: string;
}

export interface Customizations {
  root: XElement;
  entities: EntityNode[];
  workflows: WorkflowNode[];
  optionSets: OptionSetNode[];
  connectionReferences: NamedNode[];
  customControls: FileComponentNode[];
  webResources: FileComponentNode[];
  relationships: RelationshipNode[];
}

export interface EnvVarDefinition {
  /** Folder name under environmentvariabledefinitions/. */
  folder: string;
  entry: string;
  parsed: ParsedXml;
  schemaName?: string;
  valuesEntry?: string;
}

export interface SolutionPackage {
  label: string;
  entries: readonly ZipEntry[];
  byName: ReadonlyMap<string, ZipEntry>;
  solutionXml?: ParsedXml;
  customizationsXml?: ParsedXml;
  manifest?: Manifest;
  customizations?: Customizations;
  envVars: EnvVarDefinition[];
}

export function loadPackage(entries: readonly ZipEntry[], label: string): SolutionPackage {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const parse = (name: string): ParsedXml | undefined => {
    const entry = byName.get(name);
    return entry ? parseXmlTree(entry.data, name) : undefined;
  };
  const solutionXml = parse(SOLUTION_XML);
  const customizationsXml = parse(CUSTOMIZATIONS_XML);
  return {
    label,
    entries,
    byName,
    ...(solutionXml ? { solutionXml } : {}),
    ...(customizationsXml ? { customizationsXml } : {}),
    ...(solutionXml?.ok ? { manifest: readManifest(solutionXml.root) } : {}),
    ...(customizationsXml?.ok ? { customizations: readCustomizations(customizationsXml.root) } : {}),
    envVars: readEnvVars(entries),
  };
}

function readManifest(root: XElement): Manifest {
  const manifest = child(root, 'SolutionManifest');
  const publisher = child(manifest, 'Publisher');
  return {
    root,
    ...optionalProps({
      uniqueName: childText(manifest, 'UniqueName'),
      version: childText(manifest, 'Version'),
      managed: childText(manifest, 'Managed'),
      prefix: childText(publisher, 'CustomizationPrefix'),
      optionValuePrefix: childText(publisher, 'CustomizationOptionValuePrefix'),
    }),
    rootComponents: select(manifest, 'RootComponents/RootComponent').map(readRootComponent),
    missingRequired: select(manifest, 'MissingDependencies/MissingDependency/Required'),
  };
}

function readRootComponent(el: XElement): RootComponent {
  const rawType = el.attrs.type ?? '';
  return {
    type: /^\d+$/.test(rawType) ? Number(rawType) : undefined,
    rawType,
    ...optionalProps({ schemaName: el.attrs.schemaName, id: el.attrs.id, behavior: el.attrs.behavior }),
    el,
  };
}

function readCustomizations(root: XElement): Customizations {
  const named = (path: string, nameOf: (el: XElement) => string | undefined): NamedNode[] =>
    select(root, path).map((el) => ({ name: nameOf(el) ?? '', el }));
  return {
    root,
    entities: select(root, 'Entities/Entity').map(readEntity),
    workflows: select(root, 'Workflows/Workflow').map((el) => ({
      ...optionalProps({ id: el.attrs.WorkflowId, name: el.attrs.Name, jsonFileName: childText(el, 'JsonFileName') }),
      el,
    })),
    optionSets: select(root, 'optionsets/optionset').map((el) => ({
      name: el.attrs.Name ?? '',
      el,
      options: select(el, 'options/option'),
    })),
    connectionReferences: named('connectionreferences/connectionreference', (el) => el.attrs.connectionreferencelogicalname),
    customControls: select(root, 'CustomControls/CustomControl').map((el) => ({
      name: childText(el, 'Name') ?? '',
      el,
      ...optionalProps({ fileName: childText(el, 'FileName') }),
    })),
    webResources: select(root, 'WebResources/WebResource').map((el) => ({
      name: childText(el, 'Name') ?? '',
      el,
      ...optionalProps({ fileName: childText(el, 'FileName') }),
    })),
    relationships: select(root, 'EntityRelationships/EntityRelationship').map(readRelationship),
  };
}

function readEntity(el: XElement): EntityNode {
  const info = select(el, 'EntityInfo/entity')[0];
  const forms = select(el, 'FormXml/forms').flatMap((forms) =>
    childrenNamed(forms, 'systemform').map((systemform) => ({
      ...optionalProps({ formId: childText(systemform, 'formid'), formType: forms.attrs.type }),
      systemform,
      ...(child(systemform, 'form') ? { form: child(systemform, 'form') } : {}),
    })),
  );
  return {
    name: childText(el, 'Name') ?? info?.attrs.Name ?? '',
    el,
    ...(info ? { info } : {}),
    attributes: select(info, 'attributes/attribute').map((attribute) => {
      const logicalName = childText(attribute, 'LogicalName') ?? childText(attribute, 'Name') ?? attribute.attrs.PhysicalName ?? '';
      return {
        schemaName: attribute.attrs.PhysicalName ?? logicalName,
        logicalName,
        isCustom: childText(attribute, 'IsCustomField') === '1',
        el: attribute,
      };
    }),
    forms,
    keys: select(info, 'EntityKeys/EntityKey'),
  };
}

function readRelationship(el: XElement): RelationshipNode {
  const entities = ['ReferencingEntityName', 'ReferencedEntityName', 'FirstEntityName', 'SecondEntityName']
    .map((name) => childText(el, name))
    .filter((name): name is string => name !== undefined && name !== '');
  return {
    name: el.attrs.Name ?? '',
    el,
    entities,
    ...optionalProps({ type: childText(el, 'EntityRelationshipType'), referencingAttribute: childText(el, 'ReferencingAttributeName') }),
  };
}

function readEnvVars(entries: readonly ZipEntry[]): EnvVarDefinition[] {
  const names = new Set(entries.map((entry) => entry.name));
  return entries
    .filter((entry) => entry.name.startsWith(ENV_VAR_FOLDER_PREFIX) && entry.name.endsWith(`/${ENV_VAR_DEFINITION_FILE}`))
    .map((entry) => {
      const folder = entry.name.slice(ENV_VAR_FOLDER_PREFIX.length, -(ENV_VAR_DEFINITION_FILE.length + 1));
      const parsed = parseXmlTree(entry.data, entry.name);
      const valuesEntry = `${ENV_VAR_FOLDER_PREFIX}${folder}/${ENV_VAR_VALUES_FILE}`;
      return {
        folder,
        entry: entry.name,
        parsed,
        ...optionalProps({ schemaName: parsed.ok ? parsed.root.attrs.schemaname : undefined }),
        ...(names.has(valuesEntry) ? { valuesEntry } : {}),
      };
    });
}

/** Drops undefined values, so optional properties are absent rather than undefined. */
function optionalProps<T extends Record<string, string | undefined>>(props: T): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const [key, value] of Object.entries(props)) if (value !== undefined) out[key as keyof T] = value;
  return out;
}

// --- small shared helpers ----------------------------------------------------------------------------

/** `{79CC39CC-…}` and `79cc39cc-…` compare equal. */
export const normalizeGuid = (value: string): string => value.trim().replace(/^\{/, '').replace(/\}$/, '').toLowerCase();

export const GUID_PATTERN = /^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/;

/** Entry name a `/Workflows/x.json`-style file reference points to. */
export const entryNameOf = (fileName: string): string => fileName.trim().replace(/\\/g, '/').replace(/^\//, '');

/** The `prefix` of `prefix_Name`, undefined when there is no underscore after the first character. */
export function prefixOf(schemaName: string): string | undefined {
  const index = schemaName.indexOf('_');
  return index > 0 ? schemaName.slice(0, index) : undefined;
}

/** Whether MissingDependencies declares a required component of this type and name (case-insensitive). */
export function declaredMissing(manifest: Manifest | undefined, type: number, name: string): boolean {
  const wanted = name.toLowerCase();
  return (manifest?.missingRequired ?? []).some(
    (required) => required.attrs.type === String(type) && (required.attrs.schemaName ?? '').toLowerCase() === wanted,
  );
}

/** Every form element with this name inside a form (tabs, sections, cells, controls…). */
export const formElements = (form: FormNode, name: string): XElement[] => descendants(form.form, name);
