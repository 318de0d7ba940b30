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
const MODERN_ROOT_ELEMENTS_UNMODELLED = [
  'CanvasApps',
  'Connectors',
  'AIModels',
  // Records of solution-aware tables and of their N:N relationships ("…set"), exported under the table's or
  // relationship's name: Omnichannel / Channel Integration Framework configuration (corpus:
  // DCCPChannelIntegrationFramework ×2, ContosoMainSolution) and in-app help pages (corpus: ReleasePlanner).
  'msdyn_appconfig_msdyn_channelproviderset',
  'msdyn_appconfiguration_applicationextensionset',
  'msdyn_appconfiguration_sessiontemplateset',
  'msdyn_msdyn_paneconfig_msdyn_appconfigset',
  'msdyn_msdyn_prod_agentscript_msdyn_sessiontemplset',
  'msdyn_notificationtemplate_notificationfieldset',
  'msdyn_sessiontemplate_applicationtabset',
  'msdyn_helppages',
];

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

/** The last child of the customizations.xml root, ImportExportXml. */
const ROOT_LAST_ELEMENT = '<xs:element name="StoredProcedures" type="StoredProceduresType" minOccurs="0" maxOccurs="1" />';

const ROLE_IS_CUSTOMIZABLE = '<xs:element name="IsCustomizable" type="TrueFalse01Type" minOccurs="0" maxOccurs="1" />';

/** "True" or "False", as app site maps write their switches. */
const TRUE_FALSE_WORD =
  '<xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="True" /><xs:enumeration value="False" /></xs:restriction></xs:simpleType>';

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

/** Merge action and position on the nodes of a managed site map diff. */
const DIFF_SITEMAP_ATTRIBUTES =
  '<xs:attribute name="solutionaction" type="solutionactionType" /><xs:attribute name="ordinalvalue" type="xs:string" />';

const SITEMAP_DIFF_WHY =
  'A managed solution carries the site map of another publisher\'s app as a DIFF, like forms: Area, Group, SubArea and Title nodes with solutionaction="Added|Modified|Removed" and an ordinalvalue position (corpus: SalesHub_Customization managed, the Sales Hub site map).';

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
  addAfter(
    'workflow-modern-elements',
    'CustomizationsSolution.xsd',
    'Workflow elements of exports since about 2021, between FormId and PrimaryEntity in this order: IsCustomProcessingStepAllowedForOtherPublishers (every flow export: E1, E3; after FormId in the corpus export SalesWin), ModernFlowType (0 cloud flow, 1 agent flow; corpus: BatchMonitoringAgent, MCSResponsesAnalyzer, SalesOrderProcessingAutomation) and ProcessTriggerScope (business process flows; corpus: PermitManagement, ReleasePlanner).',
    '<xs:element name="FormId" type="GuidType" minOccurs="0" maxOccurs="1" />',
    optionalElements(['IsCustomProcessingStepAllowedForOtherPublishers'], 'TrueFalse01Type') +
      optionalElements(['ModernFlowType', 'ProcessTriggerScope'], 'xs:nonNegativeInteger'),
  ),
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
  // --- content seen in the corpus of real exports (../shared/fixtures/real-solutions-corpus) ----------
  {
    id: 'root-organization-attributes',
    file: 'CustomizationsSolution.xsd',
    why: "Since about September 2024 every export writes OrganizationVersion, OrganizationSchemaType and CRMServerServiceabilityVersion (the exporting org's build) on the customizations.xml root, as on solution.xml (corpus: autoDetectLanguage, MCSResponsesAnalyzer, customHIL, SidePaneAgentSample, BatchMonitoringAgent, SalesOrderProcessingAutomation, DocumentSubmission, ColumnLevelSecuritySampleSolution ×2). The 2090 root declares no attribute.",
    find: `${ROOT_LAST_ELEMENT}${NL}\t\t\t</xs:sequence>`,
    replace: `${ROOT_LAST_ELEMENT}${NL}\t\t\t</xs:sequence>${['OrganizationVersion', 'OrganizationSchemaType', 'CRMServerServiceabilityVersion'].map((name) => `<xs:attribute name="${name}" type="xs:string" />`).join('')}`,
  },
  addAfter(
    'option-ishidden',
    'CustomizationsSolution.xsd',
    'Choice options carry IsHidden="0|1" (an option hidden from pickers) in 2024-2025 exports (corpus: MCSResponsesAnalyzer, SalesOrderProcessingAutomation, BatchMonitoringAgent, DocumentSubmission…).',
    '<xs:attribute name="ExternalValue" type="xs:string" />',
    '<xs:attribute name="IsHidden" type="TrueFalse01Type" />',
  ),
  addAfter(
    'state-ishidden',
    'CustomizationsSolution.xsd',
    'Same IsHidden="0|1" on the state options of a statecode column (corpus: SalesOrderProcessingAutomation).',
    '<xs:attribute name="invariantname" use="required" type="xs:string" />',
    '<xs:attribute name="IsHidden" type="TrueFalse01Type" />',
  ),
  addAfter(
    'status-ishidden',
    'CustomizationsSolution.xsd',
    'Same IsHidden="0|1" on the status options of a statuscode column (corpus: SalesOrderProcessingAutomation).',
    '<xs:attribute name="TransitionData" type="xs:string"></xs:attribute>',
    '<xs:attribute name="IsHidden" type="TrueFalse01Type" />',
  ),
  {
    id: 'role-modern-elements',
    file: 'CustomizationsSolution.xsd',
    why: 'Security roles of 2024-2025 exports write IsAutoAssigned (0|1: given to every user of a business unit) and a Description after IsCustomizable (corpus: ColumnLevelSecuritySampleSolution ×2, MCSResponsesAnalyzer, SalesOrderProcessingAutomation).',
    find: `${ROLE_IS_CUSTOMIZABLE}${NL}\t\t\t\t\t\t<xs:element name="IntroducedVersion" type="VersionType" minOccurs="0" maxOccurs="1" />${NL}\t\t\t\t\t\t<xs:element name="RolePrivileges"`,
    replace: `${ROLE_IS_CUSTOMIZABLE}${optionalElements(['IsAutoAssigned'], 'TrueFalse01Type')}${optionalElements(['Description'])}${NL}\t\t\t\t\t\t<xs:element name="IntroducedVersion" type="VersionType" minOccurs="0" maxOccurs="1" />${NL}\t\t\t\t\t\t<xs:element name="RolePrivileges"`,
  },
  {
    id: 'role-isinherited',
    file: 'CustomizationsSolution.xsd',
    why: 'Roles exported since 2019 carry isinherited="0|1" (member\'s privilege inheritance: team members get the role\'s privileges) on <Role> (corpus: CustomerServiceCS ×3, PermitManagement ×2, ReleasePlanner).',
    find: `</xs:sequence>${NL}\t\t\t\t\t<xs:attribute name="name" use="required" type="xs:string" />${NL}\t\t\t\t\t<xs:attribute name="id" use="required" type="GuidType" />`,
    replace: `</xs:sequence>${NL}\t\t\t\t\t<xs:attribute name="name" use="required" type="xs:string" />${NL}\t\t\t\t\t<xs:attribute name="id" use="required" type="GuidType" /><xs:attribute name="isinherited" type="TrueFalse01Type" />`,
  },
  addAfter(
    'appmodule-modern-elements',
    'CustomizationsSolution.xsd',
    'Model-driven apps (AppModule) exported since 2019 write OptimizedFor (empty), statecode and statuscode after WelcomePageId (corpus: CustomerServiceCS, PermitManagement, ReleasePlanner, SalesHub_Customization, SalesWin, SidePaneAgentSample, MCSResponsesAnalyzer, SalesOrderProcessingAutomation).',
    '<xs:element name="WelcomePageId" type="xs:string" minOccurs="0" maxOccurs="1" />',
    optionalElements(['OptimizedFor']) + optionalElements(['statecode', 'statuscode'], 'xs:nonNegativeInteger'),
  ),
  {
    id: 'appmodule-navigationtype',
    file: 'CustomizationsSolution.xsd',
    why: 'AppModule/NavigationType (0 single-session, 1 multi-session) follows ClientType in the same exports as appmodule-modern-elements.',
    find: `</xs:element>${NL}\t\t\t<xs:element name="URL" type="xs:string" minOccurs="0" maxOccurs="1" />`,
    replace: `</xs:element>${optionalElements(['NavigationType'], 'xs:nonNegativeInteger')}${NL}\t\t\t<xs:element name="URL" type="xs:string" minOccurs="0" maxOccurs="1" />`,
  },
  {
    id: 'appmodule-app-elements',
    file: 'CustomizationsSolution.xsd',
    why: 'AppModule ends with appelements and appsettings in 2022-2025 exports (corpus: SalesWin ×2, MCSResponsesAnalyzer, SalesOrderProcessingAutomation, SidePaneAgentSample); their content (app elements and setting values, components of their own) is not modelled.',
    find: `<xs:element name="Descriptions" type="DescriptionsType" minOccurs="0" maxOccurs="1" />\t\t\t${NL}\t\t</xs:sequence>`,
    replace: `<xs:element name="Descriptions" type="DescriptionsType" minOccurs="0" maxOccurs="1" /><xs:element name="appelements" minOccurs="0" maxOccurs="1">${SKIP_CONTENT}</xs:element><xs:element name="appsettings" minOccurs="0" maxOccurs="1">${SKIP_CONTENT}</xs:element>\t\t\t${NL}\t\t</xs:sequence>`,
  },
  {
    id: 'appmodulesitemap-modern-elements',
    file: 'CustomizationsSolution.xsd',
    why: 'App site maps exported since 2020 write the navigation switches EnableCollapsibleGroups, ShowHome, ShowPinned, ShowRecents ("True"/"False") after SiteMapUniqueName (corpus: CustomerServiceCS, MCSResponsesAnalyzer, PermitManagement, SalesHub_Customization, SalesWin, SalesOrderProcessingAutomation, SidePaneAgentSample).',
    find: '<xs:element name="SiteMapName" type="xs:string" minOccurs="0" maxOccurs="1" />',
    replace: `${['EnableCollapsibleGroups', 'ShowHome', 'ShowPinned', 'ShowRecents'].map((name) => `<xs:element name="${name}" minOccurs="0" maxOccurs="1">${TRUE_FALSE_WORD}</xs:element>`).join('')}<xs:element name="SiteMapName" type="xs:string" minOccurs="0" maxOccurs="1" />`,
  },
  addAfter(
    'convertrule-modern-elements',
    'CustomizationsSolution.xsd',
    'Record creation rules (ConvertRule, e.g. email to case) end with ConvertRuleType and SenderResolutionOption in exports since 2021 (corpus: CustomerServiceCS 1.0.0.19).',
    '<xs:element name="RecordVersion" type="xs:string" minOccurs="0" maxOccurs="1" />',
    optionalElements(['ConvertRuleType', 'SenderResolutionOption'], 'xs:integer'),
  ),
  {
    id: 'convertruleitem-primary-create-entity',
    file: 'CustomizationsSolution.xsd',
    why: 'A record creation rule item names the table it creates, PrimaryCreateEntityLogicalName, after WorkflowId (corpus: CustomerServiceCS 1.0.0.19).',
    find: `<xs:element name="WorkflowId" type="GuidType" minOccurs="0" maxOccurs="1" />${NL}\t\t\t\t\t\t\t\t\t\t\t</xs:sequence>`,
    replace: `<xs:element name="WorkflowId" type="GuidType" minOccurs="0" maxOccurs="1" />${optionalElements(['PrimaryCreateEntityLogicalName'])}${NL}\t\t\t\t\t\t\t\t\t\t\t</xs:sequence>`,
  },
  {
    id: 'customcontroldefaultconfig-id-optional',
    file: 'CustomizationsSolution.xsd',
    why: "A table's default control configuration (CustomControlDefaultConfig) is exported without CustomControlDefaultConfigId since 2024, the import matches it by table (corpus: SalesOrderProcessingAutomation, two tables).",
    find: '<xs:element name="CustomControlDefaultConfigId" type="GuidType" minOccurs="1" maxOccurs="1" />',
    replace: '<xs:element name="CustomControlDefaultConfigId" type="GuidType" minOccurs="0" maxOccurs="1" />',
  },
  addAfter(
    'attribute-type-file',
    'CustomizationsSolution.xsd',
    'File columns (type file, since 2020) are missing from the 2090 attribute type list (corpus: SalesOrderProcessingAutomation).',
    '<xs:enumeration value="managedproperty" />',
    '<xs:enumeration value="file" />',
  ),
  addAfter(
    'systemform-type-powerbi',
    'CustomizationsSolution.xsd',
    'Power BI dashboards are system forms of type powerbi (corpus: SalesHub_Customization ×2, Dashboards/Dashboard/FormXml/forms type="powerbi").',
    '<xs:enumeration value="interactioncentricdashboard" />',
    '<xs:enumeration value="powerbi" />',
  ),
  addAfter(
    'sitemap-subarea-page',
    'SiteMapType.xsd',
    'A site map SubArea may open a custom page, Page="<custom page name>" (modern app designer, since 2021; corpus: MCSResponsesAnalyzer).',
    '<xs:appinfo>SubArea.Id</xs:appinfo>\r\n\t\t\t\t\t\t  <xs:documentation>A unique identifier for this SubArea element.</xs:documentation>\r\n\t\t\t\t\t\t</xs:annotation>\r\n\t\t\t\t\t  </xs:attribute>',
    '<xs:attribute name="Page" type="xs:string" />',
  ),
  addAfter(
    'diff-sitemap-subarea',
    'SiteMapType.xsd',
    SITEMAP_DIFF_WHY,
    '<xs:appinfo>SubArea.Id</xs:appinfo>\r\n\t\t\t\t\t\t  <xs:documentation>A unique identifier for this SubArea element.</xs:documentation>\r\n\t\t\t\t\t\t</xs:annotation>\r\n\t\t\t\t\t  </xs:attribute>',
    DIFF_SITEMAP_ATTRIBUTES,
  ),
  addAfter(
    'diff-sitemap-group',
    'SiteMapType.xsd',
    SITEMAP_DIFF_WHY,
    '<xs:appinfo>Group.Id</xs:appinfo>\r\n\t\t\t\t\t<xs:documentation>A unique identifier for this Group element.</xs:documentation>\r\n\t\t\t\t  </xs:annotation>\r\n\t\t\t\t</xs:attribute>',
    DIFF_SITEMAP_ATTRIBUTES,
  ),
  addAfter(
    'diff-sitemap-area',
    'SiteMapType.xsd',
    SITEMAP_DIFF_WHY,
    '<xs:appinfo>Area.Id</xs:appinfo>\r\n\t\t\t  <xs:documentation>A unique identifier for this Area element.</xs:documentation>\r\n\t\t\t</xs:annotation>\r\n\t\t  </xs:attribute>',
    DIFF_SITEMAP_ATTRIBUTES,
  ),
  addAfter(
    'diff-sitemap-title',
    'SiteMapType.xsd',
    SITEMAP_DIFF_WHY,
    '<xs:appinfo>Title.LCID</xs:appinfo>\r\n\t\t\t  <xs:documentation>A four or five digit Locale ID for the title.</xs:documentation>\r\n\t\t\t</xs:annotation>\r\n\t\t  </xs:attribute>',
    DIFF_SITEMAP_ATTRIBUTES,
  ),
  {
    id: 'sitemap-subarea-isvisible',
    file: 'SiteMapType.xsd',
    why: 'A SubArea may start with <IsVisible settings="<setting definition>" defaultValue="true|false" /> (or featureControls="<feature control>" instead of settings): shown only when that app setting or feature is on (corpus: SalesHub_Customization, the Sales accelerator subareas).',
    find: '<xs:element name="Titles"\r\n\t\t\t\t\t\t\t\t\ttype="TitlesType_SiteMap"',
    replace:
      '<xs:element name="IsVisible" minOccurs="0" maxOccurs="1"><xs:complexType><xs:attribute name="settings" type="xs:string" /><xs:attribute name="featureControls" type="xs:string" /><xs:attribute name="defaultValue" type="xs:boolean" /></xs:complexType></xs:element><xs:element name="Titles"\r\n\t\t\t\t\t\t\t\t\ttype="TitlesType_SiteMap"',
  },
  {
    id: 'sdkmessageprocessingstep-any-order-start',
    file: 'CustomizationsSolution.xsd',
    why: 'Plug-in steps (SdkMessageProcessingStep) are exported with SdkMessageId either after Rank, as the schema orders it (corpus: CRMP2C, P2CFieldService, msdyn_URSUpgradeScripts, SampleCalculatePricePlugin), or first, before PluginTypeName (corpus: PermitManagement ×2, 2023). Every child occurs at most once, so the sequence becomes an xs:all (any order); which children, their types and counts are still checked.',
    find: `<xs:complexType name="sdkmessageprocessingsteptype">${NL}\t\t<xs:sequence>`,
    replace: `<xs:complexType name="sdkmessageprocessingsteptype">${NL}\t\t<xs:all>`,
  },
  {
    id: 'sdkmessageprocessingstep-any-order-end',
    file: 'CustomizationsSolution.xsd',
    why: 'End of the xs:all of sdkmessageprocessingstep-any-order-start.',
    find: `</xs:sequence>${NL}\t\t<xs:attribute name="SdkMessageProcessingStepId" use="required" type="GuidType" />`,
    replace: `</xs:all>${NL}\t\t<xs:attribute name="SdkMessageProcessingStepId" use="required" type="GuidType" />`,
  },
  // --- FormXml of recent and managed (diff) exports -------------------------------------------------
  addAfter(
    'form-modern-attributes',
    'FormXml.xsd',
    `form headerdensity (the header layout: HighWithControls, HighWithFlyout, …) is written by the form designer since 2019 (corpus: 26 forms, e.g. PermitManagement, SalesWin, CustomerServiceCS); and a form of another publisher exported as a diff carries solutionaction itself. ${DIFF_FORM_WHY}`,
    '<xs:attribute name="shownavigationbar" type="xs:boolean" />',
    `<xs:attribute name="headerdensity" type="xs:string" />${DIFF_FORM_ATTRIBUTES}`,
  ),
  {
    id: 'diff-form-controldescriptions',
    file: 'FormXml.xsd',
    why: `${DIFF_FORM_WHY} Diff forms of the corpus (CRMP2C, P2CFieldService, SalesHub_Customization, SidePaneAgentSample, Hackathon28092023) mark controlDescriptions and each controlDescription.`,
    find: `<xs:attribute name="forControl" type="xs:string" use="required" />`,
    replace: `<xs:attribute name="forControl" type="xs:string" use="required" />${DIFF_FORM_ATTRIBUTES}`,
  },
  {
    id: 'diff-form-controldescriptions-list',
    file: 'FormXml.xsd',
    why: `${DIFF_FORM_WHY} (controlDescriptions itself; see diff-form-controldescriptions).`,
    find: `</xs:sequence>${NL}\t\t\t\t\t${NL}\t\t\t\t</xs:complexType>${NL}\t\t\t</xs:element>${NL}\t\t\t<xs:element name="tabs" minOccurs="1" maxOccurs="1">`,
    replace: `</xs:sequence>${DIFF_FORM_ATTRIBUTES}${NL}\t\t\t\t\t${NL}\t\t\t\t</xs:complexType>${NL}\t\t\t</xs:element>${NL}\t\t\t<xs:element name="tabs" minOccurs="1" maxOccurs="1">`,
  },
  {
    id: 'diff-form-tabs-optional',
    file: 'FormXml.xsd',
    why: `${DIFF_FORM_WHY} A form marked solutionaction="Modified" may change only its libraries and events and carry no tabs (corpus: CRMP2C, the InvoiceDetail quick create diff). rules/forms.ts (form-tabs-missing) still requires tabs on a whole form.`,
    find: '<xs:element name="tabs" minOccurs="1" maxOccurs="1">',
    replace: '<xs:element name="tabs" minOccurs="0" maxOccurs="1">',
  },
  {
    id: 'header-footer-rows-optional',
    file: 'FormXml.xsd',
    why: 'A form header (or footer) may be written with its attributes only, no rows: an empty header (corpus: P2CFieldService, a whole managed form of msdyn_workorder with <header id=… columns="111" … />).',
    find: `<xs:complexType name="FormXmlHeaderFooterType">${NL}\t\t<xs:sequence>${NL}\t\t\t<xs:element name="rows" minOccurs="1" maxOccurs="1">`,
    replace: `<xs:complexType name="FormXmlHeaderFooterType">${NL}\t\t<xs:sequence>${NL}\t\t\t<xs:element name="rows" minOccurs="0" maxOccurs="1">`,
  },
  {
    id: 'diff-form-events',
    file: 'FormXml.xsd',
    why: `${DIFF_FORM_WHY} Diff forms of the corpus mark the form's events list (CRMP2C, P2CFieldService).`,
    find: `</xs:sequence>${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:complexType name="FormXmlExternalDependenciesType">`,
    replace: `</xs:sequence>${DIFF_FORM_ATTRIBUTES}${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:complexType name="FormXmlExternalDependenciesType">`,
  },
  {
    id: 'diff-form-handlers',
    file: 'FormXml.xsd',
    why: `${DIFF_FORM_WHY} Diff forms of the corpus mark an event's Handlers list (CRMP2C, P2CFieldService, SalesHub_Customization).`,
    find: `<xs:element name="Handlers" minOccurs="0" maxOccurs="1">${NL}\t\t\t\t\t\t\t<xs:complexType>${NL}\t\t\t\t\t\t\t\t<xs:sequence>${NL}\t\t\t\t\t\t\t\t\t<xs:element name="Handler" type="FormXmlHandlerType" minOccurs="0" maxOccurs="50" />${NL}\t\t\t\t\t\t\t\t</xs:sequence>`,
    replace: `<xs:element name="Handlers" minOccurs="0" maxOccurs="1">${NL}\t\t\t\t\t\t\t<xs:complexType>${NL}\t\t\t\t\t\t\t\t<xs:sequence>${NL}\t\t\t\t\t\t\t\t\t<xs:element name="Handler" type="FormXmlHandlerType" minOccurs="0" maxOccurs="50" />${NL}\t\t\t\t\t\t\t\t</xs:sequence>${DIFF_FORM_ATTRIBUTES}`,
  },
  {
    id: 'diff-form-navigation',
    file: 'FormXml.xsd',
    why: `${DIFF_FORM_WHY} Diff forms of the corpus mark Navigation (CRMP2C, P2CFieldService).`,
    find: `</xs:all>${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:complexType name ="FormParametersType">`,
    replace: `</xs:all>${DIFF_FORM_ATTRIBUTES}${NL}\t\t${NL}\t</xs:complexType>${NL}\t<xs:complexType name ="FormParametersType">`,
  },
  addAfter(
    'diff-form-navbar-relationship-item',
    'FormXml.xsd',
    `${DIFF_FORM_WHY} Diff forms of the corpus mark a NavBarByRelationshipItem (CRMP2C).`,
    '<xs:attribute name="RelationshipName" type="xs:string" use="required" />',
    DIFF_FORM_ATTRIBUTES,
  ),
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
