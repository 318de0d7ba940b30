/**
 * What `cosell unpack` / `cosell pack` understand, in one place. Anything a solution holds that is not
 * described here is refused with a message naming it, never dropped.
 */

/**
 * How a component travels between the zip and the unpacked folder:
 * - `split`: a top-level customizations.xml element whose items go to their own files (SolutionPackager
 *   layout); the element stays in Other/Customizations.xml as an empty placeholder (`<Workflows />`).
 * - `inline`: a top-level customizations.xml element kept as it is in Other/Customizations.xml.
 * - `files`: a zip folder whose files are copied byte for byte.
 */
export type Handling = 'split' | 'inline' | 'files';

export interface SupportedComponent {
  /** Top-level element of customizations.xml, when the component lives there. */
  readonly element?: string;
  /** Zip folder holding the component's own files (copied byte for byte both ways). */
  readonly zipFolder?: string;
  readonly handling: Handling;
  /** Where it goes in the unpacked folder (for --help and messages). */
  readonly layout: string;
}

export const SUPPORTED_COMPONENTS: readonly SupportedComponent[] = [
  {
    element: 'Entities',
    handling: 'split',
    layout: 'Entities/<Name>/Entity.xml, FormXml/<type>/{formid}.xml, SavedQueries/{id}.xml, RibbonDiff.xml',
  },
  {
    element: 'Workflows',
    zipFolder: 'Workflows',
    handling: 'split',
    layout: 'Workflows/<file>.json (bytes unchanged) + Workflows/<file>.json.data.xml',
  },
  {
    element: 'EntityRelationships',
    handling: 'split',
    layout: 'Other/Relationships.xml (names, in order) + Other/Relationships/<ReferencedEntity>.xml',
  },
  { element: 'optionsets', handling: 'split', layout: 'OptionSets/<Name>.xml' },
  {
    element: 'CustomControls',
    zipFolder: 'Controls',
    handling: 'split',
    layout: 'Controls/<Name>/* (bytes unchanged) + Controls/<Name>/ControlManifest.xml.data.xml',
  },
  { element: 'connectionreferences', handling: 'inline', layout: 'inline in Other/Customizations.xml' },
  { element: 'Languages', handling: 'inline', layout: 'inline in Other/Customizations.xml' },
  {
    zipFolder: 'environmentvariabledefinitions',
    handling: 'files',
    layout: 'environmentvariabledefinitions/<schemaname>/* (bytes unchanged)',
  },
];

/** Readable names for component types we know but do not handle, used in refusals. */
const UNSUPPORTED_NAMES: Readonly<Record<string, string>> = {
  WebResources: 'web resources',
  CanvasApps: 'canvas apps',
  AppModules: 'model-driven apps',
  AppModuleSiteMaps: 'app site maps',
  SolutionPluginAssemblies: 'plug-in assemblies',
  PluginAssemblies: 'plug-in assemblies',
  SdkMessageProcessingSteps: 'plug-in steps',
  Roles: 'security roles',
  FieldSecurityProfiles: 'field security profiles',
  Templates: 'templates',
  EntityMaps: 'entity maps',
  OrganizationSettings: 'organization settings',
  EntityDataProviders: 'virtual entity data providers',
  Connectors: 'custom connectors',
  Reports: 'reports',
  Dashboards: 'dashboards',
  SiteMap: 'site map',
  RibbonDiffXml: 'application ribbon',
  Formulas: 'formula columns',
  dvtablesearchs: 'Dataverse search settings',
};

/** `WebResources (web resources)`, or the bare name for a type we have no readable name for. */
export function describeComponentType(name: string, separator: 'paren' | 'colon' = 'paren'): string {
  const readable = UNSUPPORTED_NAMES[name];
  if (!readable) return name;
  return separator === 'paren' ? `${name} (${readable})` : `${name}: ${readable}`;
}

export const componentForElement = (element: string): SupportedComponent | undefined =>
  SUPPORTED_COMPONENTS.find((component) => component.element === element);

export const componentForZipFolder = (folder: string): SupportedComponent | undefined =>
  SUPPORTED_COMPONENTS.find((component) => component.zipFolder === folder);

/**
 * Top-level order of customizations.xml in modern exports (solution-format.md §1.4, XSD sequence); used
 * only to place a container that Other/Customizations.xml lacks but whose files exist.
 */
export const TOP_LEVEL_ORDER: readonly string[] = [
  'Entities',
  'Roles',
  'Workflows',
  'FieldSecurityProfiles',
  'Templates',
  'EntityMaps',
  'EntityRelationships',
  'OrganizationSettings',
  'optionsets',
  'WebResources',
  'CustomControls',
  'SolutionPluginAssemblies',
  'AppModuleSiteMaps',
  'AppModules',
  'EntityDataProviders',
  'CanvasApps',
  'Connectors',
  'connectionreferences',
  'Languages',
];

/** Child order of `<Entity>` (XSD), for placing a FormXml/SavedQueries/RibbonDiffXml that Entity.xml lacks. */
export const ENTITY_CHILD_ORDER: readonly string[] = ['Name', 'EntityInfo', 'FormXml', 'SavedQueries', 'RibbonDiffXml'];

/** Zip root entries. */
export { SOLUTION_XML as ZIP_SOLUTION, CUSTOMIZATIONS_XML as ZIP_CUSTOMIZATIONS } from '../../core/package/entries.js';

/** Element names inside customizations.xml. */
export const EL = {
  entities: 'Entities',
  entity: 'Entity',
  entityName: 'Name',
  formXml: 'FormXml',
  forms: 'forms',
  systemform: 'systemform',
  formid: 'formid',
  savedQueries: 'SavedQueries',
  savedqueries: 'savedqueries',
  savedquery: 'savedquery',
  savedqueryid: 'savedqueryid',
  ribbonDiffXml: 'RibbonDiffXml',
  workflows: 'Workflows',
  workflow: 'Workflow',
  jsonFileName: 'JsonFileName',
  xamlFileName: 'XamlFileName',
  relationships: 'EntityRelationships',
  relationship: 'EntityRelationship',
  referencedEntityName: 'ReferencedEntityName',
  firstEntityName: 'FirstEntityName',
  optionsets: 'optionsets',
  optionset: 'optionset',
  customControls: 'CustomControls',
  customControl: 'CustomControl',
  controlName: 'Name',
  controlFileName: 'FileName',
} as const;

/** Paths inside the unpacked folder (SolutionPackager layout). */
export const SRC = {
  solution: 'Other/Solution.xml',
  customizations: 'Other/Customizations.xml',
  relationshipNames: 'Other/Relationships.xml',
  relationshipsFolder: 'Other/Relationships',
  entitiesFolder: 'Entities',
  entityFile: 'Entity.xml',
  formsFolder: 'FormXml',
  savedQueriesFolder: 'SavedQueries',
  ribbonFile: 'RibbonDiff.xml',
  optionSetsFolder: 'OptionSets',
  workflowsFolder: 'Workflows',
  controlsFolder: 'Controls',
  controlManifest: 'ControlManifest.xml',
  /** Suffix of the side files holding a Workflow / CustomControl element next to its file. */
  sidecarSuffix: '.data.xml',
  /** SolutionPackager's managed variant of a form in a "Both" folder. */
  managedSuffix: '_managed.xml',
} as const;
