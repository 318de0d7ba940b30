import type { Labels } from '../../solution/labels.js';
import { labels } from '../../solution/labels.js';
import type { Column, CustomTable } from '../../solution/model.js';
import type { XMLBuilder } from '../../core/xml/xml.js';
import { INTRODUCED_VERSION, bit, elements, labelList } from './xml-parts.js';

/**
 * Attribute (column) XML as Dataverse exports it (observed in E5 and AIB), limited to the elements the
 * published 9.0.0.2090 XSD knows: the post-2090 ones (AutoNumberFormat, IsSearchable, …) are optional
 * on import, so leaving them out keeps our customizations.xml valid against the schema.
 */

const DISPLAY_MASK = 'ValidForAdvancedFind|ValidForForm|ValidForGrid';

const TYPE_NAME: Record<Column['kind'], (column: Column) => string> = {
  boolean: () => 'bit',
  text: () => 'nvarchar',
  memo: () => 'ntext',
  choice: (column) => (column.kind === 'choice' && column.multiSelect ? 'multiselectpicklist' : 'picklist'),
  datetime: () => 'datetime',
  lookup: () => 'lookup',
};

interface AttributeFlags {
  type: string;
  requiredLevel: string;
  displayMask?: string;
  imeMode?: string;
  validForUpdate: boolean;
  validForRead: boolean;
  validForCreate: boolean;
  isCustomField: boolean;
  audit: boolean;
  isLogical?: boolean;
  canModifyRequirementLevel: boolean;
}

function attributeHead(parent: XMLBuilder, physicalName: string, flags: AttributeFlags): XMLBuilder {
  const attribute = parent.ele('attribute', { PhysicalName: physicalName });
  const logical = physicalName.toLowerCase();
  elements(attribute, [
    ['Type', flags.type],
    ['Name', logical],
    ['LogicalName', logical],
    ['RequiredLevel', flags.requiredLevel],
  ]);
  if (flags.displayMask !== undefined) attribute.ele('DisplayMask').txt(flags.displayMask);
  elements(attribute, [
    ['ImeMode', flags.imeMode ?? 'auto'],
    ['ValidForUpdateApi', bit(flags.validForUpdate)],
    ['ValidForReadApi', bit(flags.validForRead)],
    ['ValidForCreateApi', bit(flags.validForCreate)],
    ['IsCustomField', bit(flags.isCustomField)],
    ['IsAuditEnabled', bit(flags.audit)],
  ]);
  if (flags.isLogical) attribute.ele('IsLogical').txt('1');
  elements(attribute, [
    ['IsSecured', '0'],
    ['IntroducedVersion', INTRODUCED_VERSION],
    ['IsCustomizable', '1'],
    ['IsRenameable', '1'],
    ['CanModifySearchSettings', '1'],
    ['CanModifyRequirementLevelSettings', bit(flags.canModifyRequirementLevel)],
    ['CanModifyAdditionalSettings', '1'],
    ['SourceType', '0'],
    ['IsGlobalFilterEnabled', '0'],
    ['IsSortableEnabled', '0'],
    ['CanModifyGlobalFilterSettings', '1'],
    ['CanModifyIsSortableSettings', '1'],
    ['IsDataSourceSecret', '0'],
  ]);
  return attribute;
}

function attributeTail(attribute: XMLBuilder, label: Labels, description: Labels): void {
  labelList(attribute, 'displaynames', 'displayname', label);
  labelList(attribute, 'Descriptions', 'Description', description);
}

/** A column the solution adds (custom field), on an extended or a custom table. */
export function customColumn(parent: XMLBuilder, entityLogicalName: string, column: Column, options: { primaryName?: boolean } = {}): void {
  const attribute = attributeHead(parent, column.schemaName, {
    type: TYPE_NAME[column.kind](column),
    requiredLevel: column.requiredLevel,
    displayMask: options.primaryName ? `PrimaryName|${DISPLAY_MASK}|RequiredForForm` : DISPLAY_MASK,
    imeMode: column.kind === 'datetime' ? 'inactive' : 'auto',
    validForUpdate: true,
    validForRead: true,
    validForCreate: true,
    isCustomField: true,
    audit: column.audit,
    canModifyRequirementLevel: true,
  });
  switch (column.kind) {
    case 'boolean':
      attribute.ele('AppDefaultValue').txt(bit(column.defaultValue));
      twoOptionSet(
        attribute,
        `${entityLogicalName}_${column.logicalName}`,
        column.label,
        column.description,
        column.trueLabel,
        column.falseLabel,
      );
      break;
    case 'text':
      elements(attribute, [
        ['Format', column.format],
        ['MaxLength', String(column.maxLength)],
        ['Length', String(column.maxLength * 2)],
      ]);
      break;
    case 'memo':
      elements(attribute, [
        ['Format', 'text'],
        ['MaxLength', String(column.maxLength)],
      ]);
      break;
    case 'choice':
      if (!column.multiSelect && column.defaultValue !== undefined) attribute.ele('AppDefaultValue').txt(String(column.defaultValue));
      attribute.ele('OptionSetName').txt(column.choice.schemaName);
      break;
    case 'datetime':
      elements(attribute, [
        ['Format', 'datetime'],
        ['CanChangeDateTimeBehavior', '1'],
        ['Behavior', '1'],
      ]);
      break;
    case 'lookup':
      elements(attribute, [['LookupStyle', 'single']]);
      attribute.ele('LookupTypes');
      break;
  }
  attributeTail(attribute, column.label, column.description);
}

function twoOptionSet(parent: XMLBuilder, name: string, label: Labels, description: Labels, trueLabel: Labels, falseLabel: Labels): void {
  const set = parent.ele('optionset', { Name: name });
  elements(set, [
    ['OptionSetType', 'bit'],
    ['IntroducedVersion', INTRODUCED_VERSION],
    ['IsCustomizable', '1'],
  ]);
  labelList(set, 'displaynames', 'displayname', label);
  labelList(set, 'Descriptions', 'Description', description);
  const options = set.ele('options');
  for (const [value, text] of [
    ['1', trueLabel],
    ['0', falseLabel],
  ] as const) {
    labelList(options.ele('option', { value }), 'labels', 'label', text);
  }
}

/**
 * The system columns Dataverse exports for every user-owned custom table (observed in AIB), in the
 * export's order (alphabetical by physical name).
 */
export function systemColumns(parent: XMLBuilder, table: CustomTable): void {
  primaryKeyColumn(parent, table);
  recordHistoryColumns(parent);
  ownershipColumns(parent);
  stateColumn(parent, table);
  statusReasonColumn(parent, table);
  timeZoneColumns(parent);
}

function primaryKeyColumn(parent: XMLBuilder, table: CustomTable): void {
  const primaryKey = attributeHead(parent, `${table.schemaName}Id`, {
    type: 'primarykey',
    requiredLevel: 'systemrequired',
    displayMask: 'ValidForAdvancedFind|RequiredForGrid',
    validForUpdate: false,
    validForRead: true,
    validForCreate: true,
    isCustomField: false,
    audit: false,
    canModifyRequirementLevel: false,
  });
  attributeTail(primaryKey, table.label, labels('Unique identifier for entity instances', '實體執行個體的唯一識別碼'));
}

function systemLookup(parent: XMLBuilder, physical: string, label: Labels, description: Labels, flags: Partial<AttributeFlags> = {}): void {
  const attribute = attributeHead(parent, physical, {
    type: 'lookup',
    requiredLevel: 'none',
    displayMask: DISPLAY_MASK,
    validForUpdate: false,
    validForRead: true,
    validForCreate: false,
    isCustomField: false,
    audit: false,
    canModifyRequirementLevel: true,
    ...flags,
  });
  elements(attribute, [['LookupStyle', 'single']]);
  attribute.ele('LookupTypes');
  attributeTail(attribute, label, description);
}

function systemDateTime(
  parent: XMLBuilder,
  physical: string,
  format: string,
  label: Labels,
  description: Labels,
  flags: Partial<AttributeFlags> = {},
): void {
  const attribute = attributeHead(parent, physical, {
    type: 'datetime',
    requiredLevel: 'none',
    displayMask: DISPLAY_MASK,
    imeMode: 'inactive',
    validForUpdate: false,
    validForRead: true,
    validForCreate: false,
    isCustomField: false,
    audit: false,
    canModifyRequirementLevel: true,
    ...flags,
  });
  elements(attribute, [
    ['Format', format],
    ['CanChangeDateTimeBehavior', '0'],
    ['Behavior', '1'],
  ]);
  attributeTail(attribute, label, description);
}

function systemInteger(
  parent: XMLBuilder,
  physical: string,
  min: string,
  label: Labels,
  description: Labels,
  flags: Partial<AttributeFlags> = {},
): void {
  const attribute = attributeHead(parent, physical, {
    type: 'int',
    requiredLevel: 'none',
    validForUpdate: true,
    validForRead: true,
    validForCreate: true,
    isCustomField: false,
    audit: false,
    canModifyRequirementLevel: true,
    ...flags,
  });
  elements(attribute, [
    ['Format', ''],
    ['MinValue', min],
    ['MaxValue', '2147483647'],
  ]);
  attributeTail(attribute, label, description);
}

/** Who created and modified the record and when, the import that created it and when it was migrated. */
function recordHistoryColumns(parent: XMLBuilder): void {
  systemLookup(
    parent,
    'CreatedBy',
    labels('Created By', '建立者'),
    labels('Unique identifier of the user who created the record.', '建立記錄之使用者的唯一識別碼。'),
  );
  systemDateTime(
    parent,
    'CreatedOn',
    'datetime',
    labels('Created On', '建立時間'),
    labels('Date and time when the record was created.', '記錄的建立日期和時間。'),
  );
  systemLookup(
    parent,
    'CreatedOnBehalfBy',
    labels('Created By (Delegate)', '建立者 (代理人)'),
    labels('Unique identifier of the delegate user who created the record.', '建立記錄之代理使用者的唯一識別碼。'),
  );
  systemInteger(
    parent,
    'ImportSequenceNumber',
    '-2147483648',
    labels('Import Sequence Number', '匯入序號'),
    labels('Sequence number of the import that created this record.', '建立此記錄之匯入的序號。'),
    { displayMask: 'ValidForAdvancedFind', validForUpdate: false, audit: true },
  );
  systemLookup(
    parent,
    'ModifiedBy',
    labels('Modified By', '修改者'),
    labels('Unique identifier of the user who modified the record.', '修改記錄之使用者的唯一識別碼。'),
  );
  systemDateTime(
    parent,
    'ModifiedOn',
    'datetime',
    labels('Modified On', '修改時間'),
    labels('Date and time when the record was modified.', '記錄的修改日期和時間。'),
  );
  systemLookup(
    parent,
    'ModifiedOnBehalfBy',
    labels('Modified By (Delegate)', '修改者 (代理人)'),
    labels('Unique identifier of the delegate user who modified the record.', '修改記錄之代理使用者的唯一識別碼。'),
  );
  systemDateTime(
    parent,
    'OverriddenCreatedOn',
    'date',
    labels('Record Created On', '記錄建立日期'),
    labels('Date and time that the record was migrated.', '記錄移轉的日期和時間。'),
    { displayMask: 'ValidForAdvancedFind|ValidForGrid', validForCreate: true, audit: true },
  );
}

/** The owner (a user or a team) and the business unit, team and user that own the record. */
function ownershipColumns(parent: XMLBuilder): void {
  const owner = attributeHead(parent, 'OwnerId', {
    type: 'owner',
    requiredLevel: 'systemrequired',
    displayMask: `${DISPLAY_MASK}|RequiredForForm`,
    validForUpdate: true,
    validForRead: true,
    validForCreate: true,
    isCustomField: false,
    audit: true,
    canModifyRequirementLevel: true,
  });
  elements(owner, [['LookupStyle', 'single']]);
  const types = owner.ele('LookupTypes');
  types.ele('LookupType', { id: '00000000-0000-0000-0000-000000000000' }).txt('8');
  types.ele('LookupType', { id: '00000000-0000-0000-0000-000000000000' }).txt('9');
  attributeTail(owner, labels('Owner', '擁有者'), labels('Owner Id', '擁有者識別碼'));

  systemLookup(
    parent,
    'OwningBusinessUnit',
    labels('Owning Business Unit', '擁有的營業單位'),
    labels('Unique identifier for the business unit that owns the record', '擁有記錄之營業單位的唯一識別碼'),
    { audit: true },
  );
  systemLookup(
    parent,
    'OwningTeam',
    labels('Owning Team', '擁有的小組'),
    labels('Unique identifier for the team that owns the record.', '擁有記錄之小組的唯一識別碼。'),
    { displayMask: undefined, isLogical: true },
  );
  systemLookup(
    parent,
    'OwningUser',
    labels('Owning User', '擁有的使用者'),
    labels('Unique identifier for the user that owns the record.', '擁有記錄之使用者的唯一識別碼。'),
    { displayMask: undefined, isLogical: true },
  );
}

function stateColumn(parent: XMLBuilder, table: CustomTable): void {
  const state = attributeHead(parent, 'statecode', {
    type: 'state',
    requiredLevel: 'systemrequired',
    displayMask: DISPLAY_MASK,
    validForUpdate: true,
    validForRead: true,
    validForCreate: false,
    isCustomField: false,
    audit: true,
    canModifyRequirementLevel: true,
  });
  const statusLabel = labels('Status', '狀態');
  const statusDescription = labels(`Status of the ${table.label[1033]}`, `${table.label[1028]}的狀態`);
  const stateSet = state.ele('optionset', { Name: `${table.logicalName}_statecode` });
  stateSet.ele('OptionSetType').txt('state');
  labelList(stateSet, 'displaynames', 'displayname', statusLabel);
  labelList(stateSet, 'Descriptions', 'Description', statusDescription);
  const states = stateSet.ele('states');
  labelList(
    states.ele('state', { value: '0', defaultstatus: '1', invariantname: 'Active' }),
    'labels',
    'label',
    labels('Active', '使用中'),
  );
  labelList(
    states.ele('state', { value: '1', defaultstatus: '2', invariantname: 'Inactive' }),
    'labels',
    'label',
    labels('Inactive', '非使用中'),
  );
  attributeTail(state, statusLabel, statusDescription);
}

function statusReasonColumn(parent: XMLBuilder, table: CustomTable): void {
  const status = attributeHead(parent, 'statuscode', {
    type: 'status',
    requiredLevel: 'none',
    displayMask: DISPLAY_MASK,
    validForUpdate: true,
    validForRead: true,
    validForCreate: true,
    isCustomField: false,
    audit: true,
    canModifyRequirementLevel: true,
  });
  const reasonLabel = labels('Status Reason', '狀態原因');
  const reasonDescription = labels(`Reason for the status of the ${table.label[1033]}`, `${table.label[1028]}狀態的原因`);
  const statusSet = status.ele('optionset', { Name: `${table.logicalName}_statuscode` });
  statusSet.ele('OptionSetType').txt('status');
  labelList(statusSet, 'displaynames', 'displayname', reasonLabel);
  labelList(statusSet, 'Descriptions', 'Description', reasonDescription);
  const statuses = statusSet.ele('statuses');
  labelList(statuses.ele('status', { value: '1', state: '0' }), 'labels', 'label', labels('Active', '使用中'));
  labelList(statuses.ele('status', { value: '2', state: '1' }), 'labels', 'label', labels('Inactive', '非使用中'));
  attributeTail(status, reasonLabel, reasonDescription);
}

function timeZoneColumns(parent: XMLBuilder): void {
  systemInteger(
    parent,
    'TimeZoneRuleVersionNumber',
    '-1',
    labels('Time Zone Rule Version Number', '時區規則版本號碼'),
    labels('For internal use only.', '僅供內部使用。'),
  );
  systemInteger(
    parent,
    'UTCConversionTimeZoneCode',
    '-1',
    labels('UTC Conversion Time Zone Code', 'UTC 轉換時區代碼'),
    labels('Time zone code that was in use when the record was created.', '建立記錄時使用的時區代碼。'),
  );
}
