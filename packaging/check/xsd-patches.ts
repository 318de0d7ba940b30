import { createHash } from 'node:crypto';

/**
 * Changes applied IN MEMORY to the pristine Microsoft XSDs (packaging/check/xsd/9.0.0.2090/, a byte copy
 * of ../shared/schemas) before libxml2 compiles them. Two reasons for a patch:
 * - the file only compiles/works under .NET System.Xml (look-ahead regex, UPA violation, `^…$` anchors);
 * - the 9.0.0.2090 schema predates content every modern Dataverse export carries (JsonFileName,
 *   connectionreferences, post-2019 attribute/entity flags, diff-form attributes), so real exports that
 *   import fine would otherwise be flagged.
 *
 * A patch names the exact pristine text it replaces. When that text is not found (the number of times
 * given), loading throws: a changed schema must be looked at, not silently half-patched.
 */
export interface XsdPatch {
  id: string;
  file: string;
  why: string;
  /** Exact pristine text to replace (every occurrence; see `occurrences`). */
  find: string;
  /**
   * When set, the replaced region runs from `find` through the first `through` after it, and its
   * sha256 must equal `regionSha256` (for blocks too long to quote here).
   */
  through?: string;
  regionSha256?: string;
  replace: string;
  /** How many times `find` occurs in the pristine file; default 1. */
  occurrences?: number;
}

const NL = '\r\n';

/** Optional element declarations, one per name, as the schema writes them. */
const optionalElements = (names: readonly string[], type = 'xs:string'): string =>
  names.map((name) => `<xs:element name="${name}" type="${type}" minOccurs="0" maxOccurs="1" />`).join('');

/** Attributes a managed (diff) FormXml puts on form nodes: merge action and position. */
const DIFF_FORM_ATTRIBUTES = '<xs:attributeGroup ref="FormXmlBaseElementCommon" />';

/**
 * Root elements of modern customizations.xml that the 2090 schema does not know and whose content is
 * not modelled here (the ones the schemas README lists). Add a name when a real export needs it.
 */
const MODERN_ROOT_ELEMENTS_UNMODELLED = ['CanvasApps', 'Connectors', 'AIModels'];

const CONNECTION_REFERENCES_TYPE = [
  '<xs:complexType name="connectionreferencestype"><xs:sequence>',
  '<xs:element name="connectionreference" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:all>',
  '<xs:element name="connectionreferencedisplayname" type="xs:string" minOccurs="0" maxOccurs="1" />',
  '<xs:element name="connectorid" type="xs:string" minOccurs="1" maxOccurs="1" />',
  '<xs:element name="customconnectorid" minOccurs="0" maxOccurs="1"><xs:complexType><xs:sequence>',
  '<xs:element name="connectorid" type="xs:string" minOccurs="1" maxOccurs="1" /></xs:sequence></xs:complexType></xs:element>',
  '<xs:element name="description" type="xs:string" minOccurs="0" maxOccurs="1" />',
  '<xs:element name="iscustomizable" type="TrueFalse01Type" minOccurs="0" maxOccurs="1" />',
  '<xs:element name="promptingbehavior" type="xs:nonNegativeInteger" minOccurs="0" maxOccurs="1" />',
  '<xs:element name="statecode" type="xs:nonNegativeInteger" minOccurs="0" maxOccurs="1" />',
  '<xs:element name="statuscode" type="xs:nonNegativeInteger" minOccurs="0" maxOccurs="1" />',
  '</xs:all><xs:attribute name="connectionreferencelogicalname" type="xs:string" use="required" />',
  '</xs:complexType></xs:element></xs:sequence></xs:complexType>',
].join('');

const SKIP_CONTENT =
  '<xs:complexType><xs:sequence><xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded" /></xs:sequence><xs:anyAttribute processContents="skip" /></xs:complexType>';

/** A patch that keeps `anchor` and adds `addition` right after it. */
const addAfter = (id: string, file: string, why: string, anchor: string, addition: string): XsdPatch => ({
  id,
  file,
  why,
  find: anchor,
  replace: `${anchor}${addition}`,
});

const DIFF_FORM_WHY =
  'Managed solutions carry forms of other publishers as a DIFF (solution-format §1.4.3, D4): nodes marked solutionaction="Added|Modified|Removed" with an ordinalvalue position (fixture SecondaryRecordSource). The 2090 schema defines the attribute group but uses it on none of these nodes.';

export const XSD_PATCHES: readonly XsdPatch[] = [
  // --- libxml2 compatibility -------------------------------------------------------------------
  {
    id: 'formxml-lookahead',
    file: 'FormXml.xsd',
    why: '.NET look-ahead `(?!…)` is not XSD regex; libxml2 refuses to compile it. Dropping it only stops rejecting `crm_` query-string parameter names.',
    find: '(?![cC][rR][mM]_)',
    replace: '',
  },
  {
    id: 'formxml-control-parameters',
    file: 'FormXml.xsd',
    why: 'FormXmlControlType/parameters nests xs:choice groups that share element names (UPA violation); libxml2 refuses to compile it. Its content is left unchecked (as customControl/parameters already is).',
    find: '<xs:element name="parameters" minOccurs="0" maxOccurs="1">\r\n\t\t\t\t<xs:complexType>\r\n\t\t\t\t\t<xs:choice minOccurs="1" maxOccurs="1">',
    through: `</xs:choice>${NL}\t\t\t\t\t${NL}\t\t\t\t</xs:complexType>${NL}\t\t\t</xs:element>`,
    regionSha256: '1f9fabb43bfaee26d06c426a42e52e387cb3ad3122d1b18bf6202ec23fab8e86',
    replace: `<xs:element name="parameters" minOccurs="0" maxOccurs="1">${SKIP_CONTENT}</xs:element>`,
  },
  {
    id: 'anchored-version-pattern',
    file: 'Fetch.xsd',
    why: 'In XSD regex `^` and `$` are literal characters (patterns are implicitly anchored); libxml2 therefore rejects every version such as IntroducedVersion 1.0.0.0.',
    find: '<xs:pattern value="^[0-9]+(\\.[0-9]+){1,3}$" />',
    replace: '<xs:pattern value="[0-9]+(\\.[0-9]+){1,3}" />',
  },
  {
    id: 'anchored-percentage-pattern-formxml',
    file: 'FormXml.xsd',
    why: 'Same literal `^…$` anchors, in FormPercentageType (column widths such as 100%).',
    find: '<xs:pattern value="^(100|[0-9]{1,2})%$" />',
    replace: '<xs:pattern value="(100|[0-9]{1,2})%" />',
  },
  {
    id: 'anchored-percentage-pattern-customizations',
    file: 'CustomizationsSolution.xsd',
    why: 'Same literal `^…$` anchors, in the percentage type of CustomizationsSolution.xsd.',
    find: '<xs:pattern value="^(100|[0-9]{1,2})%$" />',
    replace: '<xs:pattern value="(100|[0-9]{1,2})%" />',
  },
  // --- modern export content ----------------------------------------------------------------------
  {
    id: 'workflow-jsonfilename',
    file: 'CustomizationsSolution.xsd',
    why: 'Modern (cloud) flows point to their definition with Workflow/JsonFileName, right after ImageFileName in every export (E1, E3).',
    find: '<xs:element name="ImageFileName" type="xs:string" minOccurs="0" maxOccurs="1" />',
    replace:
      '<xs:element name="ImageFileName" type="xs:string" minOccurs="0" maxOccurs="1" /><xs:element name="JsonFileName" type="xs:string" minOccurs="0" maxOccurs="1" />',
  },
  {
    id: 'root-modern-elements',
    file: 'CustomizationsSolution.xsd',
    why: 'Modern exports add root elements after EntityDataProviders and before Languages: connectionreferences (modelled, we generate it) and canvas apps, custom connectors, AI models… (content not checked).',
    find: '<xs:element name="Languages" type="LanguagesType" minOccurs="0" maxOccurs="1" />',
    replace: [
      '<xs:choice minOccurs="0" maxOccurs="unbounded">',
      '<xs:element name="connectionreferences" type="connectionreferencestype" />',
      ...MODERN_ROOT_ELEMENTS_UNMODELLED.map((name) => `<xs:element name="${name}">${SKIP_CONTENT}</xs:element>`),
      '</xs:choice>',
      '<xs:element name="Languages" type="LanguagesType" minOccurs="0" maxOccurs="1" />',
    ].join(''),
  },
  {
    id: 'connectionreferences-type',
    file: 'CustomizationsSolution.xsd',
    why: 'Type of the connectionreferences root element, from the real exports (E1, E3, E5; doc solution-format §1.4.5).',
    find: '<xs:complexType name="LanguagesType">',
    replace: `${CONNECTION_REFERENCES_TYPE}<xs:complexType name="LanguagesType">`,
  },
  {
    id: 'attribute-modern-elements',
    file: 'CustomizationsSolution.xsd',
    why: 'Attribute elements exported since 2019 (E3, E5): AutoNumberFormat, IsSearchable, IsFilterable, IsRetrievable, IsLocalizable, IsDataSourceSecret. Attribute content is xs:all, so order is free.',
    find: '<xs:element name="XmlAbbreviation" type="xs:string" minOccurs="0" maxOccurs="1" />',
    replace: `<xs:element name="XmlAbbreviation" type="xs:string" minOccurs="0" maxOccurs="1" />${optionalElements(['AutoNumberFormat'])}${optionalElements(['IsSearchable', 'IsFilterable', 'IsRetrievable', 'IsLocalizable', 'IsDataSourceSecret'], 'TrueFalse01Type')}`,
  },
  {
    id: 'workflow-modern-elements',
    file: 'CustomizationsSolution.xsd',
    why: 'Every modern flow export writes IsCustomProcessingStepAllowedForOtherPublishers after BusinessProcessType (E1, E3).',
    find: '<xs:element name="BusinessProcessType" type="xs:nonNegativeInteger" minOccurs="0" maxOccurs="1" />',
    replace:
      '<xs:element name="BusinessProcessType" type="xs:nonNegativeInteger" minOccurs="0" maxOccurs="1" /><xs:element name="IsCustomProcessingStepAllowedForOtherPublishers" type="TrueFalse01Type" minOccurs="0" maxOccurs="1" />',
  },
  addAfter(
    'entity-modern-flags',
    'CustomizationsSolution.xsd',
    'Entity flags exported for new tables since 2019: the first four seen in E3 (2024), the rest in 2024-2025 exports (retention, table type). Entity content is xs:all, so order is free.',
    '<xs:element name="MobileOfflineFilters" type="xs:string" minOccurs="0" maxOccurs="1" />',
    optionalElements(
      [
        'IsRetrieveAuditEnabled',
        'IsRetrieveMultipleAuditEnabled',
        'IsMSTeamsIntegrationEnabled',
        'IsSolutionAware',
        'HasEmailAddresses',
        'IsArchivalEnabled',
        'IsRetentionEnabled',
        'UsesBusinessDataLabelTable',
      ],
      'TrueFalse01Type',
    ) + optionalElements(['TableType']),
  ),
  addAfter(
    'relationship-cascade-archive',
    'CustomizationsSolution.xsd',
    'CascadeArchive (long-term retention) is exported on every 1:N relationship since 2023 (E3).',
    '<xs:element name="CascadeRollupView" type="CrmCascadeSecurityLinkType" minOccurs="0" maxOccurs="1" />',
    '<xs:element name="CascadeArchive" type="CrmCascadeDeleteLinkType" minOccurs="0" maxOccurs="1" />',
  ),
  // --- managed (diff) FormXml ----------------------------------------------------------------------
  addAfter(
    'diff-form-ordinalvalue',
    'FormXml.xsd',
    DIFF_FORM_WHY,
    '<xs:attribute name="solutionaction" type="solutionactionType" />',
    '<xs:attribute name="ordinalvalue" type="xs:string" />',
  ),
  addAfter('diff-form-tab', 'FormXml.xsd', DIFF_FORM_WHY, '<xs:attribute name="collapsible" type="xs:boolean" />', DIFF_FORM_ATTRIBUTES),
  {
    id: 'diff-form-tab-columns-optional',
    file: 'FormXml.xsd',
    why: `${DIFF_FORM_WHY} A tab marked solutionaction="Modified" may carry attributes only, without columns.`,
    find: '<xs:element name="columns" minOccurs="1" maxOccurs="1">',
    replace: '<xs:element name="columns" minOccurs="0" maxOccurs="1">',
  },
  addAfter(
    'diff-form-column',
    'FormXml.xsd',
    `${DIFF_FORM_WHY} Diff columns also carry their position as id="0|1|2".`,
    '<xs:attribute name="width" type="FormPercentageType" use="required" />',
    `<xs:attribute name="id" type="xs:string" />${DIFF_FORM_ATTRIBUTES}`,
  ),
  addAfter('diff-form-section', 'FormXml.xsd', DIFF_FORM_WHY, '<xs:attributeGroup name="FormXmlSectionCommon">', DIFF_FORM_ATTRIBUTES),
  addAfter('diff-form-row', 'FormXml.xsd', DIFF_FORM_WHY, '<xs:attributeGroup name="FormXmlRowCommon">', DIFF_FORM_ATTRIBUTES),
  addAfter('diff-form-cell', 'FormXml.xsd', DIFF_FORM_WHY, '<xs:attributeGroup name="FormXmlCellCommon">', DIFF_FORM_ATTRIBUTES),
  addAfter(
    'diff-form-control',
    'FormXml.xsd',
    DIFF_FORM_WHY,
    '<xs:attribute name="indicationOfSubgrid" type="xs:boolean" />',
    DIFF_FORM_ATTRIBUTES,
  ),
  addAfter(
    'diff-form-label',
    'FormXml.xsd',
    DIFF_FORM_WHY,
    '<xs:attribute name="languagecode" use="required" type="xs:positiveInteger" />',
    DIFF_FORM_ATTRIBUTES,
  ),
  addAfter(
    'diff-form-handler',
    'FormXml.xsd',
    DIFF_FORM_WHY,
    '<xs:attribute name="passExecutionContext" type="xs:boolean" />',
    DIFF_FORM_ATTRIBUTES,
  ),
  addAfter(
    'diff-form-event',
    'FormXml.xsd',
    DIFF_FORM_WHY,
    '<xs:attribute name="BehaviorInBulkEditForm" type="BehaviorInBulkEditForm" />',
    DIFF_FORM_ATTRIBUTES,
  ),
  addAfter(
    'diff-form-library',
    'FormXml.xsd',
    DIFF_FORM_WHY,
    '<xs:attribute name="libraryUniqueId" type="xs:string" use="required" />',
    DIFF_FORM_ATTRIBUTES,
  ),
  {
    id: 'diff-form-libraries',
    file: 'FormXml.xsd',
    why: DIFF_FORM_WHY,
    find: `</xs:sequence>${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:simpleType name="CrmEventType">`,
    replace: `</xs:sequence>${DIFF_FORM_ATTRIBUTES}${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:simpleType name="CrmEventType">`,
  },
  {
    id: 'diff-form-navbarareas',
    file: 'FormXml.xsd',
    why: DIFF_FORM_WHY,
    find: `</xs:sequence>${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:complexType name="FormNavBarType">`,
    replace: `</xs:sequence>${DIFF_FORM_ATTRIBUTES}${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:complexType name="FormNavBarType">`,
  },
];

/** Applies every patch for `file` to its pristine text; throws when a patch target is missing. */
export function patchXsd(file: string, pristine: string, patches: readonly XsdPatch[] = XSD_PATCHES): string {
  let text = pristine;
  for (const patch of patches.filter((p) => p.file === file)) text = applyPatch(text, patch);
  return text;
}

function applyPatch(text: string, patch: XsdPatch): string {
  const expected = patch.occurrences ?? 1;
  const found = text.split(patch.find).length - 1;
  if (found !== expected) {
    throw new Error(
      `XSD patch ${patch.id}: expected ${expected} occurrence(s) of its target text in ${patch.file}, found ${found}; the schema changed, review the patch`,
    );
  }
  if (patch.through === undefined) return text.split(patch.find).join(patch.replace);
  const start = text.indexOf(patch.find);
  const end = text.indexOf(patch.through, start + patch.find.length);
  if (end === -1)
    throw new Error(`XSD patch ${patch.id}: end of its region not found in ${patch.file}; the schema changed, review the patch`);
  const region = text.slice(start, end + patch.through.length);
  const digest = createHash('sha256').update(region).digest('hex');
  if (digest !== patch.regionSha256) {
    throw new Error(`XSD patch ${patch.id}: the region it replaces in ${patch.file} changed (sha256 ${digest}); review the patch`);
  }
  return text.slice(0, start) + patch.replace + text.slice(end + patch.through.length);
}
