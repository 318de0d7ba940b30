import { componentId } from './ids.js';
import { labels, type Labels } from './labels.js';
import type { PacConfig } from './config/config.js';
import { SALES_HUB_OPPORTUNITY_FORM } from './sales.js';
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
  LastPartnerCenterWrite: 'LastPartnerCenterWrite',
  PartnerCenterChangedOn: 'PartnerCenterChangedOn',
  SolutionsSent: 'SolutionsSent',
  SolutionsUnsent: 'SolutionsUnsent',
  Decision: 'Decision',
  DeclineReason: 'DeclineReason',
  RespondBy: 'RespondBy',
  DecisionSent: 'DecisionSent',
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
  ReferralDecision: 'ReferralDecision',
  DeclineReason: 'DeclineReason',
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

const OPPORTUNITY = { schemaName: 'Opportunity', logicalName: 'opportunity' } as const;
const LEAD = { schemaName: 'Lead', logicalName: 'lead' } as const;
/** The lead's key on the referral it came from (a non-co-sell referral becomes a lead when Sync only co-sell is No). */
const LEAD_REFERRAL_ID_KEY = 'key_LeadReferralIdentifier';

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
  OpportunityColumn.RespondBy,
  OpportunityColumn.Decision,
  OpportunityColumn.DeclineReason,
] as const;

/** The control's bound properties on standard opportunity lookups (property name → column logical name). */
export const SectionLookupProperty = { CustomerAccount: 'parentaccountid', CustomerContact: 'parentcontactid' } as const;
const REFERRAL_ID_KEY = 'key_ReferralIdentifier';
const PARTNER_CENTER_SECTION = 'MicrosoftPartnerCenter';
const PARTNER_CENTER_LABEL = labels('Microsoft Partner Center', 'Microsoft 合作夥伴中心');

/**
 * Partner Center's "How can Microsoft help?" options, in its CSV code order 1–6; the keys are the connector's
 * published codes (the Logic Apps SDK's Partnercenterref enum AssistanceRequestCodeType: QuotesOrLicensing, not
 * QuotesAndLicensing).
 */
const HELP_OPTIONS: ReadonlyArray<[string, Labels]> = [
  ['WorkloadSpecificValueProposition', labels('Workload-specific value proposition', '特定工作負載的價值主張')],
  ['CustomerTechnicalArchitecture', labels('Customer technical architecture', '客戶技術架構')],
  ['ProofOfConceptOrDemo', labels('Proof of concept / demo', '概念驗證 / 示範')],
  ['QuotesOrLicensing', labels('Quotes and licensing', '報價與授權')],
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

/** The seller's answer to an inbound referral (no value: not answered yet). */
export const DecisionOption = { Accept: 'Accept', Decline: 'Decline' } as const;
const DECISION_OPTIONS: ReadonlyArray<[string, Labels]> = [
  [DecisionOption.Accept, labels('Accept', '接受')],
  [DecisionOption.Decline, labels('Decline', '拒絕')],
];

/**
 * Partner Center's reasons for declining (or losing) a referral, in its bulk CSV code order 1–8
 * (../shared/docs/partner-center.md §1.8). The English label is what the decision flow sends as `statusReason`.
 */
const DECLINE_REASON_OPTIONS: ReadonlyArray<[string, Labels]> = [
  ['ProjectBudgetNotAdequate', labels('Project budget not adequate', '專案預算不足')],
  ['CustomerDidNotRespond', labels('Customer did not respond', '客戶未回應')],
  ['CustomerChoseAnotherVendor', labels('Customer chose another vendor', '客戶選擇了其他廠商')],
  ['CustomerRequirementNotMet', labels('Customer requirement not met', '未符合客戶需求')],
  ['NotACustomer', labels('Not a customer', '不是客戶')],
  ['ProposedTimelineTooShort', labels('Proposed timeline too short', '提議的時程太短')],
  ['ReportAsAbuse', labels('Report as abuse/spam/phishing', '回報為濫用/垃圾郵件/網路釣魚')],
  ['Others', labels('Others', '其他')],
];

const YES = labels('Yes', '是');
const NO = labels('No', '否');
const NO_DESCRIPTION = labels('', '');

/** Choice values start at option-value prefix × 10000, as Dataverse numbers them. */
function choiceOptions(optionValuePrefix: number, entries: ReadonlyArray<[string, Labels]>): ChoiceOption[] {
  return entries.map(([key, label], index) => ({ key, label, value: optionValuePrefix * 10000 + index }));
}

export interface ModelExtensions {
  flows?: readonly CloudFlow[];
  controls?: readonly CodeComponent[];
  /** Extra opportunity columns (benchmarks use synthetic ones to grow the model). */
  extraOpportunityColumns?: readonly Column[];
}

export function buildCoSellModel(config: PacConfig, extensions: ModelExtensions = {}): SolutionModel {
  const naming = schemaNaming(config.publisher.customizationPrefix);
  const choices = coSellChoices(naming, config.publisher.optionValuePrefix);
  const opportunity = opportunityTable(naming, choices, extensions.extraOpportunityColumns ?? []);
  const solutions = solutionTable(naming);
  const relationship = solutionRelationship(naming);
  const controls = extensions.controls ?? [];
  return {
    publisher: {
      uniqueName: config.publisher.uniqueName,
      displayName: config.publisher.displayName,
      description: config.publisher.description ?? '',
      prefix: naming.prefix,
      optionValuePrefix: config.publisher.optionValuePrefix,
    },
    solution: {
      uniqueName: config.solution.uniqueName,
      displayName: config.solution.displayName,
      description: config.solution.description ?? '',
      version: config.solution.version,
    },
    tables: [opportunity, solutions, leadTable(naming, choices)],
    choices: [choices.help, choices.status, choices.substatus, choices.decision, choices.declineReason],
    relationships: [relationship],
    environmentVariables: environmentVariables(naming),
    connectionReferences: connectionReferences(naming, config.solution.displayName),
    forms: [opportunityForm(config, naming, solutions, relationship, controls)],
    flows: extensions.flows ?? [],
    controls,
    ...(config.mappings ? { partnerMappings: config.mappings } : {}),
  };
}

/** Names of the solution's components: the publisher prefix + a stem. */
interface SchemaNaming {
  readonly prefix: string;
  /** `<prefix>_<stem>`. */
  schema(stem: string): string;
  /** The schema name in lower case. */
  logical(stem: string): string;
}

function schemaNaming(prefix: string): SchemaNaming {
  return {
    prefix,
    schema: (stem) => `${prefix}_${stem}`,
    logical: (stem) => `${prefix}_${stem}`.toLowerCase(),
  };
}

type ColumnOf<K extends Column['kind']> = Extract<Column, { kind: K }>;
type ColumnDetails<K extends Column['kind']> = Omit<
  ColumnOf<K>,
  'kind' | 'schemaName' | 'logicalName' | 'label' | 'description' | 'requiredLevel' | 'audit'
>;

function column<K extends Column['kind']>(
  naming: SchemaNaming,
  stem: string,
  kind: K,
  label: Labels,
  description: Labels,
  details: ColumnDetails<K>,
  requiredLevel: RequiredLevel = 'none',
): ColumnOf<K> {
  return {
    kind,
    schemaName: naming.schema(stem),
    logicalName: naming.logical(stem),
    label,
    description,
    requiredLevel,
    audit: true,
    ...details,
  } as ColumnOf<K>;
}

interface CoSellChoices {
  readonly help: GlobalChoice;
  readonly status: GlobalChoice;
  readonly substatus: GlobalChoice;
  readonly decision: GlobalChoice;
  readonly declineReason: GlobalChoice;
}

function coSellChoices(naming: SchemaNaming, optionValuePrefix: number): CoSellChoices {
  const choice = (stem: string, label: Labels, description: Labels, entries: ReadonlyArray<[string, Labels]>): GlobalChoice => ({
    schemaName: naming.logical(stem),
    label,
    description,
    options: choiceOptions(optionValuePrefix, entries),
  });
  return {
    help: choice(
      ChoiceName.HowCanMicrosoftHelp,
      labels('How can Microsoft help?', 'Microsoft 可以如何協助？'),
      labels(
        'The help a co-sell referral asks of Microsoft, as Partner Center lists it.',
        '共同銷售推薦向 Microsoft 請求的協助，與合作夥伴中心的選項一致。',
      ),
      HELP_OPTIONS,
    ),
    status: choice(
      ChoiceName.ReferralStatus,
      labels('Referral Status', '推薦狀態'),
      labels('Partner Center referral status.', '合作夥伴中心推薦狀態。'),
      STATUS_OPTIONS,
    ),
    substatus: choice(
      ChoiceName.ReferralSubstatus,
      labels('Referral Sub-status', '推薦子狀態'),
      labels('Partner Center referral sub-status.', '合作夥伴中心推薦子狀態。'),
      SUBSTATUS_OPTIONS,
    ),
    decision: choice(
      ChoiceName.ReferralDecision,
      labels('Decision', '決定'),
      labels(
        "The seller's answer to a referral shared with us; the sync sends it to Partner Center.",
        '銷售人員對分享給我們的推薦的回覆；由同步送到合作夥伴中心。',
      ),
      DECISION_OPTIONS,
    ),
    declineReason: choice(
      ChoiceName.DeclineReason,
      labels('Decline reason', '拒絕原因'),
      labels('Why the referral is declined, as Partner Center lists the reasons.', '拒絕推薦的原因，與合作夥伴中心的選項一致。'),
      DECLINE_REASON_OPTIONS,
    ),
  };
}

/** Leads made from referrals carry the referral's id, with a key on it: found again, never made twice. */
function leadTable(naming: SchemaNaming, choices: CoSellChoices): ExtendedTable {
  return {
    kind: 'extended',
    schemaName: LEAD.schemaName,
    logicalName: LEAD.logicalName,
    displayName: 'Lead',
    columns: [
      column(
        naming,
        OpportunityColumn.ReferralIdentifier,
        'text',
        labels('Referral Identifier', '推薦識別碼'),
        labels(
          'Id of the Partner Center referral this lead came from; written by the sync.',
          '此潛在客戶來源的合作夥伴中心推薦識別碼，由同步寫入。',
        ),
        { format: 'text', maxLength: 100 },
      ),
      ...decisionColumns(naming, choices),
      auditColumn(naming),
    ],
    keys: [
      {
        schemaName: naming.schema(LEAD_REFERRAL_ID_KEY),
        logicalName: naming.logical(LEAD_REFERRAL_ID_KEY),
        label: labels('Referral Identifier key', '推薦識別碼索引鍵'),
        columns: [naming.logical(OpportunityColumn.ReferralIdentifier)],
      },
    ],
  };
}

function opportunityTable(naming: SchemaNaming, choices: CoSellChoices, extraColumns: readonly Column[]): ExtendedTable {
  return {
    kind: 'extended',
    schemaName: OPPORTUNITY.schemaName,
    logicalName: OPPORTUNITY.logicalName,
    displayName: 'Opportunity',
    columns: [
      ...referralColumns(naming, choices),
      ...microsoftColumns(naming, choices),
      ...bookkeepingColumns(naming),
      ...decisionColumns(naming, choices),
      ...extraColumns,
    ],
    keys: [
      {
        schemaName: naming.schema(REFERRAL_ID_KEY),
        logicalName: naming.logical(REFERRAL_ID_KEY),
        label: labels('Referral Identifier key', '推薦識別碼索引鍵'),
        columns: [naming.logical(OpportunityColumn.ReferralIdentifier)],
      },
    ],
  };
}

/** The referral fields the seller fills in or follows, and the sync's Audit log. */
function referralColumns(naming: SchemaNaming, choices: CoSellChoices): Column[] {
  return [
    column(
      naming,
      OpportunityColumn.SyncWithPartnerCenter,
      'boolean',
      labels('Sync with Partner Center', '與合作夥伴中心同步'),
      labels(
        'Yes to create and keep a Partner Center co-sell referral for this opportunity.',
        '選「是」即為此商機建立並同步合作夥伴中心共同銷售推薦。',
      ),
      { defaultValue: false, trueLabel: YES, falseLabel: NO },
    ),
    column(
      naming,
      OpportunityColumn.ReferralIdentifier,
      'text',
      labels('Referral Identifier', '推薦識別碼'),
      labels('Id of the Partner Center referral; written by the sync.', '合作夥伴中心推薦的識別碼，由同步寫入。'),
      { format: 'text', maxLength: 100 },
    ),
    column(
      naming,
      OpportunityColumn.ReferralLink,
      'text',
      labels('Referral Link', '推薦連結'),
      labels('Link to the referral in Partner Center.', '合作夥伴中心中此推薦的連結。'),
      { format: 'url', maxLength: 500 },
    ),
    column(
      naming,
      OpportunityColumn.HowCanMicrosoftHelp,
      'choice',
      labels('How can Microsoft help?', 'Microsoft 可以如何協助？'),
      choices.help.description,
      { multiSelect: true, choice: choices.help },
    ),
    column(
      naming,
      OpportunityColumn.Products,
      'text',
      labels('Products', '產品'),
      labels(
        'Partner Center solution ids, kept for compatibility with the earlier connector.',
        '合作夥伴中心解決方案識別碼，為相容舊版連接器而保留。',
      ),
      { format: 'text', maxLength: 4000 },
    ),
    auditColumn(naming),
  ];
}

/** What the sync did and why it failed (on the opportunity, and on a lead for the seller's decision). */
function auditColumn(naming: SchemaNaming): Column {
  return column(
    naming,
    OpportunityColumn.Audit,
    'memo',
    labels('Audit', '稽核'),
    labels('What the sync did and why it failed, newest first.', '同步的處理紀錄與失敗原因，最新的在最前。'),
    { maxLength: 100000 },
  );
}

/** What Microsoft sees of the referral and what it reports back. */
function microsoftColumns(naming: SchemaNaming, choices: CoSellChoices): Column[] {
  return [
    column(
      naming,
      OpportunityColumn.ReferralVisibility,
      'boolean',
      labels('Referral Visibility', '推薦可見度'),
      labels('Yes to make the referral visible to Microsoft sellers.', '選「是」讓 Microsoft 銷售人員看得到此推薦。'),
      { defaultValue: false, trueLabel: YES, falseLabel: NO },
    ),
    column(
      naming,
      OpportunityColumn.MicrosoftCrmIdentifier,
      'text',
      labels('Microsoft CRM Identifier', 'Microsoft CRM 識別碼'),
      labels("Id of Microsoft's side of a shared referral.", '共用推薦中 Microsoft 端的識別碼。'),
      { format: 'text', maxLength: 100 },
    ),
    column(naming, OpportunityColumn.ReferralStatus, 'choice', choices.status.label, choices.status.description, {
      multiSelect: false,
      choice: choices.status,
    }),
    column(naming, OpportunityColumn.ReferralSubstatus, 'choice', choices.substatus.label, choices.substatus.description, {
      multiSelect: false,
      choice: choices.substatus,
    }),
  ];
}

/** The seller's answer to an inbound referral, and its deadline (the referral's expirationDateTime, written by the sync). */
function decisionColumns(naming: SchemaNaming, choices: CoSellChoices): Column[] {
  return [
    column(naming, OpportunityColumn.Decision, 'choice', choices.decision.label, choices.decision.description, {
      multiSelect: false,
      choice: choices.decision,
    }),
    column(naming, OpportunityColumn.DeclineReason, 'choice', choices.declineReason.label, choices.declineReason.description, {
      multiSelect: false,
      choice: choices.declineReason,
    }),
    column(
      naming,
      OpportunityColumn.RespondBy,
      'datetime',
      labels('Respond by', '回覆期限'),
      labels(
        'When Partner Center expires the referral if it is not answered; written by the sync.',
        '若未回覆，合作夥伴中心讓推薦過期的時間；由同步寫入。',
      ),
      {},
    ),
    column(
      naming,
      OpportunityColumn.DecisionSent,
      'choice',
      labels('Decision Sent', '已送出的決定'),
      labels(
        'The Decision the sync last sent or found in Partner Center; a Decision that differs is sent again by the reconciliation.',
        '同步最後送出或在合作夥伴中心找到的決定；不同的決定會由調節再次送出。',
      ),
      { multiSelect: false, choice: choices.decision },
    ),
  ];
}

/** Hidden columns the sync keeps for itself: the ETag for If-Match, the echo fingerprint, the watermark and the write window. */
function bookkeepingColumns(naming: SchemaNaming): Column[] {
  return [
    column(
      naming,
      OpportunityColumn.PartnerCenterETag,
      'text',
      labels('Partner Center ETag', '合作夥伴中心 ETag'),
      labels(
        'ETag of the referral as the sync last read it (a PATCH answers 204 without one).',
        '同步最後讀取的推薦 ETag（PATCH 回應 204，不含 ETag）。',
      ),
      { format: 'text', maxLength: 200 },
    ),
    column(
      naming,
      OpportunityColumn.LastSyncedHash,
      'memo',
      labels('Last Synced Fingerprint', '最後同步指紋'),
      labels(
        "The shared fields as of the last sync; equal on the next change means it is the sync's own write (an echo).",
        '最後同步時共用欄位的指紋；下次變更時相同即為同步自身寫入的回聲。',
      ),
      { maxLength: 20000 },
    ),
    column(
      naming,
      OpportunityColumn.LastSyncedOn,
      'datetime',
      labels('Last Synced On', '最後同步時間'),
      labels('When the sync last wrote this opportunity.', '同步最後寫入此商機的時間。'),
      {},
    ),
    column(
      naming,
      OpportunityColumn.LastPartnerCenterWrite,
      'text',
      labels('Last Write to Partner Center', '最後寫入合作夥伴中心'),
      labels(
        "When the sync last wrote the referral (ISO 8601 interval start/end); Partner Center's events inside it are the sync's own.",
        '同步最後寫入推薦的時間（ISO 8601 區間 開始/結束）；其間合作夥伴中心的事件即為同步自身的寫入。',
      ),
      { format: 'text', maxLength: 100 },
    ),
    column(
      naming,
      OpportunityColumn.PartnerCenterChangedOn,
      'text',
      labels('Partner Center Changed On', '合作夥伴中心變更時間'),
      labels(
        "The referral's last change (updatedDateTime) as the sync last read it; Partner Center's events up to it are known.",
        '同步最後讀取之推薦的最後變更時間（updatedDateTime）；此前合作夥伴中心的事件皆已知。',
      ),
      { format: 'text', maxLength: 100 },
    ),
    column(
      naming,
      OpportunityColumn.SolutionsSent,
      'memo',
      labels('Solutions Sent', '已送出的解決方案'),
      labels(
        'The Partner Center solutions last sent to the referral; the reconciliation resends the list when the rows differ.',
        '最後送至推薦的合作夥伴中心解決方案；列不同時，調節會重新送出清單。',
      ),
      { maxLength: 20000 },
    ),
    column(
      naming,
      OpportunityColumn.SolutionsUnsent,
      'boolean',
      labels('Solutions Unsent', '解決方案未送出'),
      labels(
        'Yes when the last send of the solutions failed; the hourly reconciliation sends them again.',
        '上次送出解決方案失敗時為「是」；每小時的調節會再次送出。',
      ),
      { defaultValue: false, trueLabel: YES, falseLabel: NO },
    ),
  ];
}

const SOLUTIONS_PLURAL = labels('Partner Center Solutions', '合作夥伴中心解決方案');

function solutionTable(naming: SchemaNaming): CustomTable {
  const tableSchema = naming.schema(SolutionTable.Table);
  const tableLogical = naming.logical(SolutionTable.Table);
  const shownColumns = [SolutionTable.Name, SolutionTable.SolutionIdentifier, SolutionTable.Opportunity].map((stem) =>
    naming.logical(stem),
  );
  return {
    kind: 'custom',
    schemaName: tableSchema,
    logicalName: tableLogical,
    entitySetName: `${tableLogical}s`,
    label: labels('Partner Center Solution', '合作夥伴中心解決方案'),
    collectionLabel: SOLUTIONS_PLURAL,
    description: labels(
      'A Partner Center solution offered on a co-sell opportunity (a co-sell referral needs at least one).',
      '共同銷售商機所提供的合作夥伴中心解決方案（共同銷售推薦至少需要一個）。',
    ),
    primaryName: column(
      naming,
      SolutionTable.Name,
      'text',
      labels('Solution Name', '解決方案名稱'),
      NO_DESCRIPTION,
      { format: 'text', maxLength: 200 },
      'required',
    ),
    columns: solutionTableColumns(naming),
    keys: [
      {
        schemaName: naming.schema(SolutionTable.Key),
        logicalName: naming.logical(SolutionTable.Key),
        label: labels('Opportunity and solution key', '商機與解決方案索引鍵'),
        columns: [naming.logical(SolutionTable.Opportunity), naming.logical(SolutionTable.SolutionIdentifier)],
      },
    ],
    views: standardViews(tableLogical, SOLUTIONS_PLURAL, shownColumns),
    form: {
      id: componentId('systemform', `${tableLogical}:main`),
      label: labels('Information', '資訊'),
      fields: [...shownColumns, 'ownerid'],
    },
  };
}

function solutionTableColumns(naming: SchemaNaming): Column[] {
  return [
    column(
      naming,
      SolutionTable.SolutionIdentifier,
      'text',
      labels('Solution Identifier', '解決方案識別碼'),
      labels('Id of the solution in Partner Center.', '此解決方案在合作夥伴中心的識別碼。'),
      { format: 'text', maxLength: 100 },
      'required',
    ),
    column(
      naming,
      SolutionTable.Opportunity,
      'lookup',
      labels('Opportunity', '商機'),
      labels('The opportunity this solution is offered on.', '提供此解決方案的商機。'),
      { targetEntity: OPPORTUNITY.logicalName },
      'required',
    ),
  ];
}

function solutionRelationship(naming: SchemaNaming): Relationship {
  return {
    schemaName: naming.schema(SolutionTable.Relationship),
    referencedEntity: OPPORTUNITY.schemaName,
    referencingEntity: naming.schema(SolutionTable.Table),
    referencingAttribute: naming.schema(SolutionTable.Opportunity),
    cascade: 'parental',
    description: labels('Solutions offered on the opportunity.', '商機所提供的解決方案。'),
  };
}

function environmentVariables(naming: SchemaNaming): EnvironmentVariable[] {
  return [
    {
      schemaName: naming.schema(EnvironmentVariableName.Checkmark),
      type: 'Boolean',
      defaultValue: true,
      label: labels('Checkmark', '勾選標記'),
      description: labels(
        'Yes to mark the opportunity name ✔ when a sync succeeds and ✘ when it fails.',
        '選「是」在同步成功時於商機名稱標上 ✔，失敗時標上 ✘。',
      ),
    },
    {
      schemaName: naming.schema(EnvironmentVariableName.SyncOnlyCoSell),
      type: 'Boolean',
      defaultValue: true,
      label: labels('Sync only co-sell opportunities', '僅同步共同銷售商機'),
      description: labels(
        'Yes to sync only co-sell referrals; No also brings other referrals in as leads.',
        '選「是」僅同步共同銷售推薦；選「否」時其他推薦會以潛在客戶匯入。',
      ),
    },
    {
      schemaName: naming.schema(EnvironmentVariableName.DealValueField),
      type: 'String',
      defaultValue: 'estimatedvalue',
      label: labels('Deal value field', '交易金額欄位'),
      description: labels('Logical name of the opportunity column holding the deal value.', '存放交易金額的商機欄位邏輯名稱。'),
    },
    {
      schemaName: naming.schema(EnvironmentVariableName.CustomerCountryCodeField),
      type: 'String',
      defaultValue: 'address1_country',
      label: labels('Customer country code field', '客戶國家代碼欄位'),
      description: labels(
        'Logical name of the account column holding the ISO 3166 two-letter country code.',
        '存放 ISO 3166 兩碼國家代碼的帳戶欄位邏輯名稱。',
      ),
    },
  ];
}

function connectionReferences(naming: SchemaNaming, solutionDisplayName: string): ConnectionReference[] {
  return [
    {
      logicalName: naming.schema(ConnectionReferenceName.PartnerCenterReferrals),
      apiName: ConnectorApi.PartnerCenterReferrals,
      displayName: `${solutionDisplayName} | Partner Center Referrals`,
      description: 'Reads, creates and updates Partner Center referrals.',
    },
    {
      logicalName: naming.schema(ConnectionReferenceName.PartnerCenterEvents),
      apiName: ConnectorApi.PartnerCenterEvents,
      displayName: `${solutionDisplayName} | Partner Center Events`,
      description: 'Registers the Partner Center webhook for referral events.',
    },
    {
      logicalName: naming.schema(ConnectionReferenceName.Dataverse),
      apiName: ConnectorApi.Dataverse,
      displayName: `${solutionDisplayName} | Dataverse`,
      description: 'Reads and writes opportunities, accounts, contacts and solutions.',
    },
  ];
}

/** The opportunity columns of the Partner Center section, in form order, and whether the seller may edit them. */
const SECTION_FIELDS: ReadonlyArray<readonly [stem: string, readOnly: boolean]> = [
  [OpportunityColumn.SyncWithPartnerCenter, false],
  [OpportunityColumn.ReferralIdentifier, true],
  [OpportunityColumn.ReferralLink, true],
  [OpportunityColumn.HowCanMicrosoftHelp, false],
  [OpportunityColumn.ReferralVisibility, false],
  [OpportunityColumn.Products, false],
  [OpportunityColumn.ReferralStatus, true],
  [OpportunityColumn.ReferralSubstatus, true],
  [OpportunityColumn.MicrosoftCrmIdentifier, true],
  [OpportunityColumn.RespondBy, true],
  [OpportunityColumn.Decision, false],
  [OpportunityColumn.DeclineReason, false],
  [OpportunityColumn.Audit, true],
];

function opportunityForm(
  config: PacConfig,
  naming: SchemaNaming,
  solutions: CustomTable,
  relationship: Relationship,
  controls: readonly CodeComponent[],
): OpportunityForm {
  const sectionControl = partnerCenterSectionControl(naming, controls);
  return {
    entity: OPPORTUNITY.logicalName,
    placement: formPlacement(config, naming),
    section: {
      name: naming.logical(PARTNER_CENTER_SECTION),
      label: PARTNER_CENTER_LABEL,
      fields: SECTION_FIELDS.map(([stem, readOnly]) => ({ column: naming.logical(stem), readOnly })),
      subgrid: {
        name: `${solutions.logicalName}_grid`,
        label: SOLUTIONS_PLURAL,
        targetEntity: solutions.logicalName,
        relationship: relationship.schemaName,
        viewId: solutions.views.find((view) => view.queryType === ViewKind.Associated)!.id,
      },
      ...(sectionControl ? { control: sectionControl } : {}),
    },
  };
}

/** The PCF control on the section, when the build includes it. */
function partnerCenterSectionControl(naming: SchemaNaming, controls: readonly CodeComponent[]): SectionControl | undefined {
  const controlName = partnerCenterControlName(naming.prefix);
  if (!controls.some((control) => control.name === controlName)) return undefined;
  return {
    control: controlName,
    anchor: naming.logical(OpportunityColumn.SyncWithPartnerCenter),
    bindings: [
      ...SECTION_CONTROL_COLUMNS.map((stem) => ({ property: stem, column: naming.logical(stem) })),
      ...Object.entries(SectionLookupProperty).map(([property, column]) => ({ property, column })),
    ],
  };
}

/**
 * The system views Dataverse exports for every custom table (observed in AIB): active and inactive
 * public views, advanced find, associated (used by subgrids), lookup and quick find.
 */
function standardViews(table: string, plural: ReturnType<typeof labels>, columns: readonly string[]): View[] {
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

function formPlacement(config: PacConfig, naming: SchemaNaming): FormPlacement {
  const form = config.form;
  if (form.mode === 'existingForm') {
    const formId = stripBraces(form.formId);
    const salesHub = formId === SALES_HUB_OPPORTUNITY_FORM.id;
    return {
      mode: 'existingForm',
      formId,
      target:
        form.tabId === undefined
          ? { kind: 'newTab', tabName: naming.logical(`${PARTNER_CENTER_SECTION}Tab`), label: PARTNER_CENTER_LABEL }
          : {
              kind: 'existingTab',
              tabId: stripBraces(form.tabId),
              ...(form.tabName !== undefined ? { tabName: form.tabName } : {}),
              columnIndex: form.columnIndex ?? 0,
              columnWidth: form.columnWidth ?? '100%',
            },
      name: form.formName ?? SALES_HUB_OPPORTUNITY_FORM.name,
      ...(salesHub && form.formName === undefined ? { description: SALES_HUB_OPPORTUNITY_FORM.description } : {}),
      ...(salesHub ? { introducedVersion: SALES_HUB_OPPORTUNITY_FORM.introducedVersion } : {}),
    };
  }
  return {
    mode: 'newMainForm',
    formId: componentId('systemform', `${naming.prefix}:opportunity:main:${PARTNER_CENTER_SECTION}`),
    name: form.formName
      ? labels(form.formName, form.formName)
      : labels('Opportunity – Microsoft Partner Center', '商機 – Microsoft 合作夥伴中心'),
  };
}
