import { braced } from '../../solution/ids.js';
import { BASE_LANGUAGE, LANGUAGES } from '../../solution/labels.js';
import type { CloudFlow, CustomTable, EntityKey, GlobalChoice, Relationship, SolutionModel, Table } from '../../solution/model.js';
import { newXmlDocument, serializeXml, type XMLBuilder } from '../../core/xml/xml.js';
import { customColumn, systemColumns } from './attributes.js';
import { formXml, tableFormXml } from './forms.js';
import { savedQueries } from './views.js';
import { sortedBy } from '../../core/package/order.js';
import { INTRODUCED_VERSION, elements, labelList } from './xml-parts.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** `Workflows/<display name without spaces/punctuation>-<GUID-UPPER>.json`, as exports name flow files. */
export function flowFileName(flow: Pick<CloudFlow, 'name' | 'id'>): string {
  return `Workflows/${flow.name.replace(/[^A-Za-z0-9]/g, '')}-${flow.id.toUpperCase()}.json`;
}

export const controlManifestPath = (controlName: string): string => `Controls/${controlName}/ControlManifest.xml`;

/** customizations.xml: top-level elements in the order modern exports (E1/E3/E5) and the XSD use. */
export function customizationsXml(model: SolutionModel): string {
  const root = newXmlDocument().ele('ImportExportXml', { 'xmlns:xsi': XSI });
  const entities = root.ele('Entities');
  for (const table of sortedBy(model.tables, (item) => item.schemaName)) entityNode(entities, table, model);
  root.ele('Roles');
  const workflows = root.ele('Workflows');
  for (const flow of sortedBy(model.flows, flowFileName)) workflowNode(workflows, flow);
  root.ele('FieldSecurityProfiles');
  root.ele('Templates');
  root.ele('EntityMaps');
  const relationships = root.ele('EntityRelationships');
  for (const table of model.tables) if (table.kind === 'custom') systemRelationships(relationships, table);
  for (const relationship of model.relationships) relationshipNode(relationships, relationship);
  root.ele('OrganizationSettings');
  const optionsets = root.ele('optionsets');
  for (const choice of sortedBy(model.choices, (item) => item.schemaName)) globalChoice(optionsets, choice);
  const controls = root.ele('CustomControls');
  for (const control of sortedBy(model.controls, (item) => item.name)) {
    const node = controls.ele('CustomControl');
    node.ele('Name').txt(control.name);
    node.ele('FileName').txt(`/${controlManifestPath(control.name)}`);
  }
  root.ele('EntityDataProviders');
  const references = root.ele('connectionreferences');
  for (const reference of model.connectionReferences) {
    const node = references.ele('connectionreference', { connectionreferencelogicalname: reference.logicalName });
    elements(node, [
      ['connectionreferencedisplayname', reference.displayName],
      ['connectorid', `/providers/Microsoft.PowerApps/apis/${reference.apiName}`],
      ['description', reference.description],
      ['iscustomizable', '1'],
      ['statecode', '0'],
      ['statuscode', '1'],
    ]);
  }
  const languages = root.ele('Languages');
  for (const language of LANGUAGES) languages.ele('Language').txt(String(language));
  return serializeXml(root.doc());
}

function entityNode(parent: XMLBuilder, table: Table, model: SolutionModel): void {
  const entity = parent.ele('Entity');
  const name = table.kind === 'custom' ? table.label[BASE_LANGUAGE] : table.displayName;
  entity.ele('Name', { LocalizedName: name, OriginalName: name }).txt(table.schemaName);
  const info = entity.ele('EntityInfo').ele('entity', { Name: table.schemaName });
  // A shell (behavior 2) of a Microsoft table writes no display names, as real exports of shells that add
  // columns do (CRMP2C_managed: Contact with columns and a key, Invoice, SalesOrder…; SalesWin_1_0_0_8
  // BusinessUnit; CustomerServiceCS_1_0_0_15 Email): `<entity Name="…">` holds only attributes (and keys),
  // without `unmodified`, which exports write only on a shell with no attributes either. Our labels in
  // LocalizedNames would rename the table in our managed layer and could undo another solution's names.
  if (table.kind === 'custom') {
    labelList(info, 'LocalizedNames', 'LocalizedName', table.label);
    labelList(info, 'LocalizedCollectionNames', 'LocalizedCollectionName', table.collectionLabel);
    labelList(info, 'Descriptions', 'Description', table.description);
  }
  const attributes = info.ele('attributes');
  if (table.kind === 'custom') {
    customColumn(attributes, table.logicalName, table.primaryName, { primaryName: true });
  }
  for (const column of table.columns) customColumn(attributes, table.logicalName, column);
  if (table.kind === 'custom') systemColumns(attributes, table);
  if (table.keys.length > 0) entityKeys(info, table.keys);
  if (table.kind === 'custom') customEntityFlags(info, table);
  // Main forms in one <forms type="main"> group, by formid: the order `pack` restores.
  const mainForms: Array<{ id: string; write: (group: XMLBuilder) => void }> = model.forms
    .filter((form) => form.entity === table.logicalName)
    .map((form) => ({ id: braced(form.placement.formId), write: (group) => formXml(group, form, model) }));
  if (table.kind === 'custom') mainForms.push({ id: braced(table.form.id), write: (group) => tableFormXml(group, table) });
  if (mainForms.length > 0) {
    const group = entity.ele('FormXml').ele('forms', { type: 'main' });
    for (const form of sortedBy(mainForms, (item) => item.id)) form.write(group);
  }
  if (table.kind === 'custom') savedQueries(entity, table);
}

/** Alternate keys sit after `</attributes>` and before EntitySetName (open-points §2, observed in BA). */
function entityKeys(parent: XMLBuilder, keys: readonly EntityKey[]): void {
  const node = parent.ele('EntityKeys');
  for (const key of keys) {
    const entityKey = node.ele('EntityKey');
    elements(entityKey, [
      ['Name', key.schemaName],
      ['LogicalName', key.logicalName],
      ['IntroducedVersion', INTRODUCED_VERSION],
      ['IsCustomizable', '1'],
    ]);
    const attributes = entityKey.ele('EntityKeyAttributes');
    for (const column of key.columns) attributes.ele('AttributeName').txt(column);
    labelList(entityKey, 'displaynames', 'displayname', key.label);
  }
}

/** Entity flags of a new user-owned table, as AIB exports them, limited to those the 2090 XSD knows. */
function customEntityFlags(info: XMLBuilder, table: CustomTable): void {
  elements(info, [
    ['EntitySetName', table.entitySetName],
    ['IsDuplicateCheckSupported', '1'],
    ['IsBusinessProcessEnabled', '0'],
    ['IsRequiredOffline', '0'],
    ['IsInteractionCentricEnabled', '0'],
    ['IsCollaboration', '0'],
    ['AutoRouteToOwnerQueue', '0'],
    ['IsConnectionsEnabled', '0'],
    ['IsDocumentManagementEnabled', '0'],
    ['AutoCreateAccessTeams', '0'],
    ['IsOneNoteIntegrationEnabled', '0'],
    ['IsKnowledgeManagementEnabled', '0'],
    ['IsSLAEnabled', '0'],
    ['IsDocumentRecommendationsEnabled', '0'],
    ['IsBPFEntity', '0'],
    ['OwnershipTypeMask', 'UserOwned'],
    ['IsAuditEnabled', '1'],
    ['IsActivity', '0'],
    ['ActivityTypeMask', ''],
    ['IsActivityParty', '0'],
    ['IsReplicated', '0'],
    ['IsReplicationUserFiltered', '0'],
    ['IsMailMergeEnabled', '1'],
    ['IsVisibleInMobile', '0'],
    ['IsVisibleInMobileClient', '0'],
    ['IsReadOnlyInMobileClient', '0'],
    ['IsOfflineInMobileClient', '0'],
    ['DaysSinceRecordLastModified', '0'],
    ['MobileOfflineFilters', ''],
    ['IsMapiGridEnabled', '1'],
    ['IsReadingPaneEnabled', '1'],
    ['IsQuickCreateEnabled', '0'],
    ['SyncToExternalSearchIndex', '0'],
    ['IntroducedVersion', INTRODUCED_VERSION],
    ['IsCustomizable', '1'],
    ['IsRenameable', '1'],
    ['IsMappable', '1'],
    ['CanModifyAuditSettings', '1'],
    ['CanModifyMobileVisibility', '1'],
    ['CanModifyMobileClientVisibility', '1'],
    ['CanModifyMobileClientReadOnly', '1'],
    ['CanModifyMobileClientOffline', '1'],
    ['CanModifyConnectionSettings', '1'],
    ['CanModifyDuplicateDetectionSettings', '1'],
    ['CanModifyMailMergeSettings', '1'],
    ['CanModifyQueueSettings', '1'],
    ['CanCreateAttributes', '1'],
    ['CanCreateForms', '1'],
    ['CanCreateCharts', '1'],
    ['CanCreateViews', '1'],
    ['CanModifyAdditionalSettings', '1'],
    ['CanEnableSyncToExternalSearchIndex', '1'],
    ['EnforceStateTransitions', '0'],
    ['CanChangeHierarchicalRelationship', '1'],
    ['EntityHelpUrlEnabled', '0'],
    ['ChangeTrackingEnabled', '1'],
    ['CanChangeTrackingBeEnabled', '1'],
    ['IsEnabledForExternalChannels', '0'],
  ]);
}

const CASCADE = {
  parental: { Assign: 'Cascade', Delete: 'Cascade', Archive: 'NoCascade', Reparent: 'Cascade', Share: 'Cascade', Unshare: 'Cascade' },
  referential: {
    Assign: 'NoCascade',
    Delete: 'RemoveLink',
    Archive: 'RemoveLink',
    Reparent: 'NoCascade',
    Share: 'NoCascade',
    Unshare: 'NoCascade',
  },
  restrict: {
    Assign: 'NoCascade',
    Delete: 'Restrict',
    Archive: 'Restrict',
    Reparent: 'NoCascade',
    Share: 'NoCascade',
    Unshare: 'NoCascade',
  },
  none: { Assign: 'NoCascade', Delete: 'NoCascade', Archive: 'NoCascade', Reparent: 'NoCascade', Share: 'NoCascade', Unshare: 'NoCascade' },
} as const;

function relationshipHead(
  parent: XMLBuilder,
  name: string,
  referencing: string,
  referenced: string,
  cascade: keyof typeof CASCADE,
  attribute: string,
): XMLBuilder {
  const node = parent.ele('EntityRelationship', { Name: name });
  const c = CASCADE[cascade];
  elements(node, [
    ['EntityRelationshipType', 'OneToMany'],
    ['IsCustomizable', '1'],
    ['IntroducedVersion', INTRODUCED_VERSION],
    ['IsHierarchical', '0'],
    ['ReferencingEntityName', referencing],
    ['ReferencedEntityName', referenced],
    ['CascadeAssign', c.Assign],
    ['CascadeDelete', c.Delete],
    ['CascadeArchive', c.Archive],
    ['CascadeReparent', c.Reparent],
    ['CascadeShare', c.Share],
    ['CascadeUnshare', c.Unshare],
  ]);
  if (cascade === 'parental' || cascade === 'referential') node.ele('CascadeRollupView').txt('NoCascade');
  if (cascade === 'parental' || cascade === 'referential') node.ele('IsValidForAdvancedFind').txt('1');
  node.ele('ReferencingAttributeName').txt(attribute);
  return node;
}

function relationshipNode(parent: XMLBuilder, relationship: Relationship): void {
  const node = relationshipHead(
    parent,
    relationship.schemaName,
    relationship.referencingEntity,
    relationship.referencedEntity,
    relationship.cascade,
    relationship.referencingAttribute,
  );
  labelList(node.ele('RelationshipDescription'), 'Descriptions', 'Description', relationship.description);
  const roles = node.ele('EntityRelationshipRoles');
  const child = roles.ele('EntityRelationshipRole');
  elements(child, [
    ['NavPaneDisplayOption', 'UseCollectionName'],
    ['NavPaneArea', 'Details'],
    ['NavPaneOrder', '10000'],
    ['NavigationPropertyName', relationship.referencingAttribute],
    ['RelationshipRoleType', '1'],
  ]);
  const parentRole = roles.ele('EntityRelationshipRole');
  elements(parentRole, [
    ['NavigationPropertyName', relationship.schemaName],
    ['RelationshipRoleType', '0'],
  ]);
}

/** The owner/audit relationships Dataverse exports with every user-owned custom table (observed in AIB). */
function systemRelationships(parent: XMLBuilder, table: CustomTable): void {
  const t = table.logicalName;
  const rows: ReadonlyArray<[string, string, keyof typeof CASCADE, string]> = [
    [`business_unit_${t}`, 'BusinessUnit', 'restrict', 'OwningBusinessUnit'],
    [`lk_${t}_createdby`, 'SystemUser', 'none', 'CreatedBy'],
    [`lk_${t}_createdonbehalfby`, 'SystemUser', 'none', 'CreatedOnBehalfBy'],
    [`lk_${t}_modifiedby`, 'SystemUser', 'none', 'ModifiedBy'],
    [`lk_${t}_modifiedonbehalfby`, 'SystemUser', 'none', 'ModifiedOnBehalfBy'],
    [`owner_${t}`, 'Owner', 'none', 'OwnerId'],
    [`team_${t}`, 'Team', 'none', 'OwningTeam'],
    [`user_${t}`, 'SystemUser', 'none', 'OwningUser'],
  ];
  for (const [name, referenced, cascade, attribute] of rows)
    relationshipHead(parent, name, table.schemaName, referenced, cascade, attribute);
}

function globalChoice(parent: XMLBuilder, choice: GlobalChoice): void {
  const set = parent.ele('optionset', { Name: choice.schemaName, localizedName: choice.label[BASE_LANGUAGE] });
  elements(set, [
    ['OptionSetType', 'picklist'],
    ['IsGlobal', '1'],
    ['IntroducedVersion', INTRODUCED_VERSION],
    ['IsCustomizable', '1'],
    ['ExternalTypeName', ''],
  ]);
  labelList(set, 'displaynames', 'displayname', choice.label);
  labelList(set, 'Descriptions', 'Description', choice.description);
  const options = set.ele('options');
  for (const option of choice.options) {
    const node = options.ele('option', { value: String(option.value), ExternalValue: '' });
    labelList(node, 'labels', 'label', option.label);
  }
}

/** A modern flow's `Workflow` entry (identical in E1 unmanaged and E3 managed); packaged turned off. */
function workflowNode(parent: XMLBuilder, flow: CloudFlow): void {
  const node = parent.ele('Workflow', { WorkflowId: braced(flow.id), Name: flow.name });
  elements(node, [
    ['JsonFileName', `/${flowFileName(flow)}`],
    ['Type', '1'],
    ['Subprocess', '0'],
    ['Category', '5'],
    ['Mode', '0'],
    ['Scope', '4'],
    ['OnDemand', '0'],
    ['TriggerOnCreate', '0'],
    ['TriggerOnDelete', '0'],
    ['AsyncAutodelete', '0'],
    ['SyncWorkflowLogOnFailure', '0'],
    ['StateCode', '0'],
    ['StatusCode', '1'],
    ['RunAs', '1'],
    ['IsTransacted', '1'],
    ['IntroducedVersion', INTRODUCED_VERSION],
    ['IsCustomizable', '1'],
    ['BusinessProcessType', '0'],
    ['IsCustomProcessingStepAllowedForOtherPublishers', '1'],
    // A cloud flow's table lives in its trigger; exported cloud flows (category 5) say none here.
    ['PrimaryEntity', 'none'],
  ]);
  const names = node.ele('LocalizedNames');
  names.ele('LocalizedName', { languagecode: String(BASE_LANGUAGE), description: flow.name });
  if (flow.description) {
    const descriptions = node.ele('Descriptions');
    descriptions.ele('Description', { languagecode: String(BASE_LANGUAGE), description: flow.description });
  }
}
