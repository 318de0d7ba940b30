import { componentId } from './ids.js';
import { labels, type Labels } from './labels.js';
import type { PacConfig } from './config/config.js';
import {
  ViewKind,
  type ChoiceOption,
  type CloudFlow,
  type CodeComponent,
  type Column,
  type ConnectionReference,
  type CustomTable,
  type EnvironmentVariable,
  type ExtendedTable,
  type FormPlacement,
  type GlobalChoice,
  type OpportunityForm,
  type Relationship,
  type RequiredLevel,
  type SectionControl,
  type SolutionModel,
  type View,
} from './model.js';

/**
 * The co-sell sync solution, as one typed model built from the project configuration. Every schema
 * name is the publisher prefix + a stem below, so these stems are the names other parts refer to.
 */

/** Column stems on `opportunity` (schema name = `<prefix>_<stem>`). */
export const OpportunityColumn = {
  SyncWithPartnerCenter: 'SyncWithPartnerCenter',
  ReferralIdentifier: 'ReferralIdentifier',
  ReferralLink: 'ReferralLink',
  HowCanMicrosoftHelp: 'HowCanMicrosoftHelp',
  Products: 'Products',
  Audit: 'Audit',
  ReferralVisibility: 'ReferralVisibility',
  MicrosoftCrmIdentifier: 'MicrosoftCrmIdentifier',
  ReferralStatus: 'ReferralStatus',
  ReferralSubstatus: 'ReferralSubstatus',
  PartnerCenterETag: 'PartnerCenterETag',
  LastSyncedHash: 'LastSyncedHash',
  LastSyncedOn: 'LastSyncedOn',
} as const;

/** Stems of the table holding an opportunity's Partner Center solutions and its columns. */
export const SolutionTable = {
  Table: 'PartnerCenterSolution',
  Name: 'Name',
  SolutionIdentifier: 'SolutionIdentifier',
  Opportunity: 'Opportunity',
  Relationship: 'Opportunity_PartnerCenterSolution',
  Key: 'key_OpportunitySolution',
} as const;

export const ChoiceName = {
  HowCanMicrosoftHelp: 'HowCanMicrosoftHelp',
  ReferralStatus: 'ReferralStatus',
  ReferralSubstatus: 'ReferralSubstatus',
} as const;

export const EnvironmentVariableName = {
  Checkmark: 'Checkmark',
  SyncOnlyCoSell: 'SyncOnlyCoSell',
  DealValueField: 'DealValueField',
  CustomerCountryCodeField: 'CustomerCountryCodeField',
} as const;

export const ConnectionReferenceName = {
  PartnerCenterReferrals: 'PartnerCenterReferrals',
  PartnerCenterEvents: 'PartnerCenterEvents',
  Dataverse: 'Dataverse',
} as const;

/** Connector api names (Power Platform managed APIs). */
export const ConnectorApi = {
  PartnerCenterReferrals: 'shared_partnercenterref',
  PartnerCenterEvents: 'shared_partnercenterevents',
  Dataverse: 'shared_commondataserviceforapps',
} as const;

export const OPPORTUNITY = { schemaName: 'Opportunity', logicalName: 'opportunity' } as const;

/** The PCF code component that draws the Partner Center section (`pcf/`): manifest namespace and constructor. */
export const PartnerCenterControl = { Namespace: 'CoSell', Constructor: 'PartnerCenterSection' } as const;

/** `<prefix>_<namespace>.<constructor>`: the CustomControl name, its Controls/ folder and the form's customControl name. */
export const partnerCenterControlName = (prefix: string): string =>
  `${prefix}_${PartnerCenterControl.Namespace}.${PartnerCenterControl.Constructor}`;

/**
 * The control's bound properties on our own opportunity columns: each property is named after its
 * column stem (`SyncWithPartnerCenter` binds `<prefix>_syncwithpartnercenter`).
 */
export const SECTION_CONTROL_COLUMNS = [
  OpportunityColumn.SyncWithPartnerCenter,
  OpportunityColumn.ReferralIdentifier,
  OpportunityColumn.ReferralLink,
  OpportunityColumn.HowCanMicrosoftHelp,
  OpportunityColumn.ReferralVisibility,
  OpportunityColumn.ReferralStatus,
  OpportunityColumn.ReferralSubstatus,
  OpportunityColumn.MicrosoftCrmIdentifier,
  OpportunityColumn.Audit,
] as const;

/** The control's bound properties on standard opportunity lookups (property name → column logical name). */
export const SectionLookupProperty = { CustomerAccount: 'parentaccountid', CustomerContact: 'parentcontactid' } as const;
export const REFERRAL_ID_KEY = 'key_ReferralIdentifier';
export const PARTNER_CENTER_SECTION = 'MicrosoftPartnerCenter';

/** Partner Center's "How can Microsoft help?" options, in its CSV code order 1–6. */
const HELP_OPTIONS: ReadonlyArray<[string, Labels]> = [
  ['WorkloadSpecificValueProposition', labels('Workload-specific value proposition', '特定工作負載的價值主張')],
  ['CustomerTechnicalArchitecture', labels('Customer technical architecture', '客戶技術架構')],
  ['ProofOfConceptOrDemo', labels('Proof of concept / demo', '概念驗證 / 示範')],
  ['QuotesAndLicensing', labels('Quotes and licensing', '報價與授權')],
  ['PostSalesCustomerSuccess', labels('Post-sales customer success', '售後客戶成功')],
  ['GeneralOrOther', labels('General or other', '一般或其他')],
];

/** Partner Center ReferralStatus (None is "no value" on the column). */
const STATUS_OPTIONS: ReadonlyArray<[string, Labels]> = [
  ['New', labels('New', '新增')],
  ['Active', labels('Active', '進行中')],
  ['Closed', labels('Closed', '已結束')],
];

/** Partner Center ReferralSubstatus (None is "no value" on the column). */
const SUBSTATUS_OPTIONS: ReadonlyArray<[string, Labels]> = [
  ['Pending', labels('Pending', '待處理')],
  ['Received', labels('Received', '已接收')],
  ['Accepted', labels('Accepted', '已接受')],
  ['Won', labels('Won', '贏得')],
  ['Lost', labels('Lost', '失去')],
  ['Declined', labels('Declined', '已拒絕')],
  ['Expired', labels('Expired', '已過期')],
];

const YES = labels('Yes', '是');
const NO = labels('No', '否');
const NO_DESCRIPTION = labels('', '');

/** Choice values start at option-value prefix × 10000, as Dataverse numbers them. */
export function choiceOptions(optionValuePrefix: number, entries: ReadonlyArray<[string, Labels]>): ChoiceOption[] {
  return entries.map(([key, label], index) => ({ key, label, value: optionValuePrefix * 10000 + index }));
}

export interface ModelExtensions {
  flows?: readonly CloudFlow[];
  controls?: readonly CodeComponent[];
  /** Extra opportunity columns (benchmarks use synthetic ones to grow the model). */
  extraOpportunityColumns?: readonly Column[];
}

export function buildCoSellModel(config: PacConfig, extensions: ModelExtensions = {}): SolutionModel {
  const prefix = config.publisher.customizationPrefix;
  const name = (stem: string): string => `${prefix}_${stem}`;
  const valuePrefix = config.publisher.optionValuePrefix;

  const column = <K extends Column['kind']>(
    stem: string,
    kind: K,
    label: Labels,
    description: Labels,
    extra: Omit<Extract<Column, { kind: K }>, 'kind' | 'schemaName' | 'logicalName' | 'label' | 'description' | 'requiredLevel' | 'audit'>,
    requiredLevel: RequiredLevel = 'none',
  ): Extract<Column, { kind: K }> =>
    ({
      kind,
      schemaName: name(stem),
      logicalName: name(stem).toLowerCase(),
      label,
      description,
      requiredLevel,
      audit: true,
      ...extra,
    }) as Extract<Column, { kind: K }>;

  const choice = (stem: string, label: Labels, description: Labels, entries: ReadonlyArray<[string, Labels]>): GlobalChoice => ({
    schemaName: name(stem).toLowerCase(),
    label,
    description,
    options: choiceOptions(valuePrefix, entries),
  });

  const helpChoice = choice(
    ChoiceName.HowCanMicrosoftHelp,
    labels('How can Microsoft help?', 'Microsoft 可以如何協助？'),
    labels(
      'The help a co-sell referral asks of Microsoft, as Partner Center lists it.',
      '共同銷售推薦向 Microsoft 請求的協助，與合作夥伴中心的選項一致。',
    ),
    HELP_OPTIONS,
  );
  const statusChoice = choice(
    ChoiceName.ReferralStatus,
    labels('Referral Status', '推薦狀態'),
    labels('Partner Center referral status.', '合作夥伴中心推薦狀態。'),
    STATUS_OPTIONS,
  );
  const substatusChoice = choice(
    ChoiceName.ReferralSubstatus,
    labels('Referral Sub-status', '推薦子狀態'),
    labels('Partner Center referral sub-status.', '合作夥伴中心推薦子狀態。'),
    SUBSTATUS_OPTIONS,
  );

  const C = OpportunityColumn;
  const opportunityColumns: Column[] = [
    column(
      C.SyncWithPartnerCenter,
      'boolean',
      labels('Sync with Partner Center', '與合作夥伴中心同步'),
      labels(
        'Yes to create and keep a Partner Center co-sell referral for this opportunity.',
        '選「是」即為此商機建立並同步合作夥伴中心共同銷售推薦。',
      ),
      { defaultValue: false, trueLabel: YES, falseLabel: NO },
    ),
    column(
      C.ReferralIdentifier,
      'text',
      labels('Referral Identifier', '推薦識別碼'),
      labels('Id of the Partner Center referral; written by the sync.', '合作夥伴中心推薦的識別碼，由同步寫入。'),
      { format: 'text', maxLength: 100 },
    ),
    column(
      C.ReferralLink,
      'text',
      labels('Referral Link', '推薦連結'),
      labels('Link to the referral in Partner Center.', '合作夥伴中心中此推薦的連結。'),
      { format: 'url', maxLength: 500 },
    ),
    column(C.HowCanMicrosoftHelp, 'choice', labels('How can Microsoft help?', 'Microsoft 可以如何協助？'), helpChoice.description, {
      multiSelect: true,
      choice: helpChoice,
    }),
    column(
      C.Products,
      'text',
      labels('Products', '產品'),
      labels(
        'Partner Center solution ids, kept for compatibility with the earlier connector.',
        '合作夥伴中心解決方案識別碼，為相容舊版連接器而保留。',
      ),
      { format: 'text', maxLength: 4000 },
    ),
    column(
      C.Audit,
      'memo',
      labels('Audit', '稽核'),
      labels('What the sync did and why it failed, newest first.', '同步的處理紀錄與失敗原因，最新的在最前。'),
      { maxLength: 100000 },
    ),
    column(
      C.ReferralVisibility,
      'boolean',
      labels('Referral Visibility', '推薦可見度'),
      labels('Yes to make the referral visible to Microsoft sellers.', '選「是」讓 Microsoft 銷售人員看得到此推薦。'),
      { defaultValue: false, trueLabel: YES, falseLabel: NO },
    ),
    column(
      C.MicrosoftCrmIdentifier,
      'text',
      labels('Microsoft CRM Identifier', 'Microsoft CRM 識別碼'),
      labels("Id of Microsoft's side of a shared referral.", '共用推薦中 Microsoft 端的識別碼。'),
      { format: 'text', maxLength: 100 },
    ),
    column(C.ReferralStatus, 'choice', statusChoice.label, statusChoice.description, { multiSelect: false, choice: statusChoice }),
    column(C.ReferralSubstatus, 'choice', substatusChoice.label, substatusChoice.description, {
      multiSelect: false,
      choice: substatusChoice,
    }),
    column(
      C.PartnerCenterETag,
      'text',
      labels('Partner Center ETag', '合作夥伴中心 ETag'),
      labels('ETag of the referral as last read; sent as If-Match.', '最後讀取的推薦 ETag，更新時作為 If-Match 送出。'),
      { format: 'text', maxLength: 200 },
    ),
    column(
      C.LastSyncedHash,
      'memo',
      labels('Last Synced Fingerprint', '最後同步指紋'),
      labels(
        "The shared fields as of the last sync; equal on the next change means it is the sync's own write (an echo).",
        '最後同步時共用欄位的指紋；下次變更時相同即為同步自身寫入的回聲。',
      ),
      { maxLength: 20000 },
    ),
    column(
      C.LastSyncedOn,
      'datetime',
      labels('Last Synced On', '最後同步時間'),
      labels('When the sync last wrote this opportunity.', '同步最後寫入此商機的時間。'),
      {},
    ),
    ...(extensions.extraOpportunityColumns ?? []),
  ];
  const opportunity: ExtendedTable = {
    kind: 'extended',
    schemaName: OPPORTUNITY.schemaName,
    logicalName: OPPORTUNITY.logicalName,
    label: labels('Opportunity', '商機'),
    collectionLabel: labels('Opportunities', '商機'),
    columns: opportunityColumns,
    keys: [
      {
        schemaName: name(REFERRAL_ID_KEY),
        logicalName: name(REFERRAL_ID_KEY).toLowerCase(),
        label: labels('Referral Identifier key', '推薦識別碼索引鍵'),
        columns: [name(C.ReferralIdentifier).toLowerCase()],
      },
    ],
  };

  const S = SolutionTable;
  const solutionTableSchema = name(S.Table);
  const solutionTableLogical = solutionTableSchema.toLowerCase();
  const solutionColumns = [name(S.Name), name(S.SolutionIdentifier), name(S.Opportunity)].map((column) => column.toLowerCase());
  const solutions: CustomTable = {
    kind: 'custom',
    schemaName: solutionTableSchema,
    logicalName: solutionTableSchema.toLowerCase(),
    entitySetName: `${solutionTableSchema.toLowerCase()}s`,
    label: labels('Partner Center Solution', '合作夥伴中心解決方案'),
    collectionLabel: labels('Partner Center Solutions', '合作夥伴中心解決方案'),
    description: labels(
      'A Partner Center solution offered on a co-sell opportunity (a co-sell referral needs at least one).',
      '共同銷售商機所提供的合作夥伴中心解決方案（共同銷售推薦至少需要一個）。',
    ),
    primaryName: column(
      S.Name,
      'text',
      labels('Solution Name', '解決方案名稱'),
      NO_DESCRIPTION,
      { format: 'text', maxLength: 200 },
      'required',
    ),
    columns: [
      column(
        S.SolutionIdentifier,
        'text',
        labels('Solution Identifier', '解決方案識別碼'),
        labels('Id of the solution in Partner Center.', '此解決方案在合作夥伴中心的識別碼。'),
        { format: 'text', maxLength: 100 },
        'required',
      ),
      column(
        S.Opportunity,
        'lookup',
        labels('Opportunity', '商機'),
        labels('The opportunity this solution is offered on.', '提供此解決方案的商機。'),
        { targetEntity: OPPORTUNITY.logicalName },
        'required',
      ),
    ],
    keys: [
      {
        schemaName: name(S.Key),
        logicalName: name(S.Key).toLowerCase(),
        label: labels('Opportunity and solution key', '商機與解決方案索引鍵'),
        columns: [name(S.Opportunity).toLowerCase(), name(S.SolutionIdentifier).toLowerCase()],
      },
    ],
    views: standardViews(solutionTableLogical, labels('Partner Center Solutions', '合作夥伴中心解決方案'), solutionColumns),
    form: {
      id: componentId('systemform', `${solutionTableLogical}:main`),
      label: labels('Information', '資訊'),
      fields: [...solutionColumns, 'ownerid'],
    },
  };
  const relationship: Relationship = {
    schemaName: name(S.Relationship),
    referencedEntity: OPPORTUNITY.schemaName,
    referencingEntity: solutionTableSchema,
    referencingAttribute: name(S.Opportunity),
    cascade: 'parental',
    description: labels('Solutions offered on the opportunity.', '商機所提供的解決方案。'),
  };

  const E = EnvironmentVariableName;
  const environmentVariables: EnvironmentVariable[] = [
    {
      schemaName: name(E.Checkmark),
      type: 'Boolean',
      defaultValue: true,
      label: labels('Checkmark', '勾選標記'),
      description: labels(
        'Yes to mark the opportunity name ✔ when a sync succeeds and ✘ when it fails.',
        '選「是」在同步成功時於商機名稱標上 ✔，失敗時標上 ✘。',
      ),
    },
    {
      schemaName: name(E.SyncOnlyCoSell),
      type: 'Boolean',
      defaultValue: true,
      label: labels('Sync only co-sell opportunities', '僅同步共同銷售商機'),
      description: labels(
        'Yes to sync only co-sell referrals; No also brings other referrals in as leads.',
        '選「是」僅同步共同銷售推薦；選「否」時其他推薦會以潛在客戶匯入。',
      ),
    },
    {
      schemaName: name(E.DealValueField),
      type: 'String',
      defaultValue: 'estimatedvalue',
      label: labels('Deal value field', '交易金額欄位'),
      description: labels('Logical name of the opportunity column holding the deal value.', '存放交易金額的商機欄位邏輯名稱。'),
    },
    {
      schemaName: name(E.CustomerCountryCodeField),
      type: 'String',
      defaultValue: 'address1_country',
      label: labels('Customer country code field', '客戶國家代碼欄位'),
      description: labels(
        'Logical name of the account column holding the ISO 3166 two-letter country code.',
        '存放 ISO 3166 兩碼國家代碼的帳戶欄位邏輯名稱。',
      ),
    },
  ];

  const R = ConnectionReferenceName;
  const connectionReferences: ConnectionReference[] = [
    {
      logicalName: name(R.PartnerCenterReferrals),
      apiName: ConnectorApi.PartnerCenterReferrals,
      displayName: `${config.solution.displayName} | Partner Center Referrals`,
      description: 'Reads, creates and updates Partner Center referrals.',
    },
    {
      logicalName: name(R.PartnerCenterEvents),
      apiName: ConnectorApi.PartnerCenterEvents,
      displayName: `${config.solution.displayName} | Partner Center Events`,
      description: 'Registers the Partner Center webhook for referral events.',
    },
    {
      logicalName: name(R.Dataverse),
      apiName: ConnectorApi.Dataverse,
      displayName: `${config.solution.displayName} | Dataverse`,
      description: 'Reads and writes opportunities, accounts, contacts and solutions.',
    },
  ];

  const columnName = (stem: string): string => name(stem).toLowerCase();
  const controlName = partnerCenterControlName(prefix);
  const sectionControl: SectionControl | undefined = extensions.controls?.some((control) => control.name === controlName)
    ? {
        control: controlName,
        anchor: columnName(C.SyncWithPartnerCenter),
        bindings: [
          ...SECTION_CONTROL_COLUMNS.map((stem) => ({ property: stem, column: columnName(stem) })),
          ...Object.entries(SectionLookupProperty).map(([property, column]) => ({ property, column })),
        ],
      }
    : undefined;
  const form: OpportunityForm = {
    entity: OPPORTUNITY.logicalName,
    placement: formPlacement(config, prefix),
    section: {
      name: name(PARTNER_CENTER_SECTION).toLowerCase(),
      label: labels('Microsoft Partner Center', 'Microsoft 合作夥伴中心'),
      fields: [
        { column: columnName(C.SyncWithPartnerCenter), readOnly: false },
        { column: columnName(C.ReferralIdentifier), readOnly: true },
        { column: columnName(C.ReferralLink), readOnly: true },
        { column: columnName(C.HowCanMicrosoftHelp), readOnly: false },
        { column: columnName(C.ReferralVisibility), readOnly: false },
        { column: columnName(C.Products), readOnly: false },
        { column: columnName(C.ReferralStatus), readOnly: true },
        { column: columnName(C.ReferralSubstatus), readOnly: true },
        { column: columnName(C.MicrosoftCrmIdentifier), readOnly: true },
        { column: columnName(C.Audit), readOnly: true },
      ],
      subgrid: {
        name: `${solutionTableLogical}_grid`,
        label: labels('Partner Center Solutions', '合作夥伴中心解決方案'),
        targetEntity: solutionTableLogical,
        relationship: relationship.schemaName,
        viewId: solutions.views.find((view) => view.queryType === ViewKind.Associated)!.id,
      },
      ...(sectionControl ? { control: sectionControl } : {}),
    },
  };

  return {
    publisher: {
      uniqueName: config.publisher.uniqueName,
      displayName: config.publisher.displayName,
      description: config.publisher.description ?? '',
      prefix,
      optionValuePrefix: valuePrefix,
    },
    solution: {
      uniqueName: config.solution.uniqueName,
      displayName: config.solution.displayName,
      description: config.solution.description ?? '',
      version: config.solution.version,
    },
    tables: [opportunity, solutions],
    choices: [helpChoice, statusChoice, substatusChoice],
    relationships: [relationship],
    environmentVariables,
    connectionReferences,
    forms: [form],
    flows: extensions.flows ?? [],
    controls: extensions.controls ?? [],
  };
}

/**
 * The system views Dataverse exports for every custom table (observed in AIB): active and inactive
 * public views, advanced find, associated (used by subgrids), lookup and quick find.
 */
export function standardViews(table: string, plural: ReturnType<typeof labels>, columns: readonly string[]): View[] {
  const view = (
    key: string,
    queryType: View['queryType'],
    isDefault: boolean,
    label: ReturnType<typeof labels>,
    stateCode: 0 | 1,
    extra: Partial<View> = {},
  ): View => ({ id: componentId('savedquery', `${table}:${key}`), queryType, isDefault, label, columns, stateCode, ...extra });
  return [
    view('active', ViewKind.Public, true, labels(`Active ${plural[1033]}`, `使用中的${plural[1028]}`), 0),
    view('inactive', ViewKind.Public, false, labels(`Inactive ${plural[1033]}`, `非使用中的${plural[1028]}`), 1),
    view('advancedfind', ViewKind.AdvancedFind, true, labels(`${plural[1033]} Advanced Find View`, `${plural[1028]}進階尋找檢視`), 0),
    view('associated', ViewKind.Associated, true, labels(`${plural[1033]} Associated View`, `${plural[1028]}關聯檢視`), 0),
    view('lookup', ViewKind.Lookup, true, labels(`${plural[1033]} Lookup View`, `${plural[1028]}查詢檢視`), 0, {
      columns: columns.slice(0, 1),
    }),
    view('quickfind', ViewKind.QuickFind, true, labels(`Quick Find Active ${plural[1033]}`, `快速尋找使用中的${plural[1028]}`), 0, {
      quickFindColumns: columns.slice(0, 2),
    }),
  ];
}

const stripBraces = (guid: string): string => guid.replace(/^\{|\}$/g, '').toLowerCase();

function formPlacement(config: PacConfig, prefix: string): FormPlacement {
  const form = config.form;
  if (form.mode === 'existingForm') {
    const name = form.formName ?? 'Opportunity';
    return {
      mode: 'existingForm',
      formId: stripBraces(form.formId),
      tabId: stripBraces(form.tabId),
      columnIndex: form.columnIndex ?? 0,
      columnWidth: form.columnWidth ?? '100%',
      name: labels(name, name),
    };
  }
  return {
    mode: 'newMainForm',
    formId: componentId('systemform', `${prefix}:opportunity:main:${PARTNER_CENTER_SECTION}`),
    name: form.formName
      ? labels(form.formName, form.formName)
      : labels('Opportunity – Microsoft Partner Center', '商機 – Microsoft 合作夥伴中心'),
  };
}
