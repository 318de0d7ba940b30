import { ChoiceName, EnvironmentVariableName, OpportunityColumn } from '../solution/cosell.js';
import type { GlobalChoice, SolutionModel } from '../solution/model.js';
import { call, Expr, type Arg } from './wdl/expr.js';

/**
 * The one field mapping between a Partner Center referral and Dynamics 365: referral ↔ opportunity,
 * customer profile ↔ account, customer team member ↔ contact, with the value maps. Every flow builds
 * its expressions from these tables, so adding a row here changes every flow that moves that data.
 */

type Direction = 'both' | 'toDynamics' | 'toPartnerCenter';
/** `choices`: a multi-select column (option values, comma-separated) ↔ a list of `{id: <code>, type}` attributes. */
type FieldType = 'text' | 'number' | 'date' | 'choice' | 'choices' | 'boolean';
/** The choices whose options are Partner Center enum values (PARTNER_CENTER_ENUMS). */
type MappedChoice = 'ReferralStatus' | 'ReferralSubstatus' | 'HowCanMicrosoftHelp';

/**
 * Where a value lives on the Dynamics side: a standard column, one of the solution's own opportunity
 * columns (resolved with the publisher prefix), or a column named by an environment variable.
 */
type ColumnRef =
  | { readonly column: string }
  | { readonly own: keyof typeof OpportunityColumn }
  | { readonly environmentVariable: keyof typeof EnvironmentVariableName };

export interface FieldMap {
  readonly key: string;
  /** Path inside the referral JSON (or the customer profile / team member for account and contact maps). */
  readonly path: readonly string[];
  readonly target: ColumnRef;
  readonly direction: Direction;
  readonly type: FieldType;
  /** For choices: the global choice whose option keys equal the Partner Center enum values. */
  readonly choice?: MappedChoice;
  /** For text: the Dynamics column's MaxLength; longer Partner Center text is cut to it on the way in. */
  readonly maxLength?: number;
  /** For a choice of the partner's (pac.config.json "mappings"): Partner Center value → option value. */
  readonly valueMap?: Readonly<Record<string, number>>;
}

/**
 * MaxLength of the standard columns the opportunity map writes (Learn, "Opportunity table/entity reference":
 * name 300, description 2000). Partner Center publishes no limits for a referral's name or notes.
 */
const OPPORTUNITY_LENGTHS = { name: 300, description: 2000 } as const;

const column = (name: string): ColumnRef => ({ column: name });

/** Referral ↔ opportunity. Our own columns are named by stem and resolved with the publisher prefix. */
export const OPPORTUNITY_MAP: readonly FieldMap[] = [
  { key: 'name', path: ['name'], target: column('name'), direction: 'both', type: 'text', maxLength: OPPORTUNITY_LENGTHS.name },
  {
    key: 'dealValue',
    path: ['details', 'dealValue'],
    target: { environmentVariable: 'DealValueField' },
    direction: 'both',
    type: 'number',
  },
  { key: 'closingDate', path: ['details', 'closingDateTime'], target: column('estimatedclosedate'), direction: 'both', type: 'date' },
  {
    key: 'notes',
    path: ['details', 'notes'],
    target: column('description'),
    direction: 'both',
    type: 'text',
    maxLength: OPPORTUNITY_LENGTHS.description,
  },
  { key: 'referralId', path: ['id'], target: { own: 'ReferralIdentifier' }, direction: 'toDynamics', type: 'text' },
  { key: 'status', path: ['status'], target: { own: 'ReferralStatus' }, direction: 'toDynamics', type: 'choice', choice: 'ReferralStatus' },
  {
    key: 'substatus',
    path: ['substatus'],
    target: { own: 'ReferralSubstatus' },
    direction: 'toDynamics',
    type: 'choice',
    choice: 'ReferralSubstatus',
  },
  { key: 'eTag', path: ['eTag'], target: { own: 'PartnerCenterETag' }, direction: 'toDynamics', type: 'text' },
  // Last of the shared fields, so the fingerprints written before it was added keep their positions.
  {
    key: 'help',
    path: ['details', 'requirements', 'additionalRequirements', 'attributes'],
    target: { own: 'HowCanMicrosoftHelp' },
    direction: 'both',
    type: 'choices',
    choice: 'HowCanMicrosoftHelp',
  },
  // The deadline of an inbound referral (RES: "The date the referral expires"), shown with the seller's Accept/Decline.
  // Partner Center's UTC date-time string as is ('date' would cut it to a day, which a date-and-time column refuses).
  { key: 'respondBy', path: ['expirationDateTime'], target: { own: 'RespondBy' }, direction: 'toDynamics', type: 'text' },
  // The referral's last change as read (RES: updatedDateTime): Partner Center's events up to it are known (no re-read).
  { key: 'changedOn', path: ['updatedDateTime'], target: { own: 'PartnerCenterChangedOn' }, direction: 'toDynamics', type: 'text' },
];

/** Customer profile ↔ account (the account is matched by name + postal code). */
export const ACCOUNT_MAP: readonly FieldMap[] = [
  { key: 'companyName', path: ['name'], target: column('name'), direction: 'both', type: 'text' },
  { key: 'addressLine1', path: ['address', 'addressLine1'], target: column('address1_line1'), direction: 'both', type: 'text' },
  { key: 'addressLine2', path: ['address', 'addressLine2'], target: column('address1_line2'), direction: 'both', type: 'text' },
  { key: 'city', path: ['address', 'city'], target: column('address1_city'), direction: 'both', type: 'text' },
  { key: 'state', path: ['address', 'state'], target: column('address1_stateorprovince'), direction: 'both', type: 'text' },
  { key: 'postalCode', path: ['address', 'postalCode'], target: column('address1_postalcode'), direction: 'both', type: 'text' },
  {
    key: 'country',
    path: ['address', 'country'],
    target: { environmentVariable: 'CustomerCountryCodeField' },
    direction: 'both',
    type: 'text',
  },
];

/** Customer team member ↔ contact (the contact is matched by email). */
export const CONTACT_MAP: readonly FieldMap[] = [
  { key: 'firstName', path: ['firstName'], target: column('firstname'), direction: 'both', type: 'text' },
  { key: 'lastName', path: ['lastName'], target: column('lastname'), direction: 'both', type: 'text' },
  { key: 'email', path: ['email'], target: column('emailaddress1'), direction: 'both', type: 'text' },
  { key: 'phone', path: ['phoneNumber'], target: column('telephone1'), direction: 'both', type: 'text' },
];

/** Partner Center enum values the value maps must cover (partner-center §2.2; None means "no value"). */
export const PARTNER_CENTER_ENUMS: Readonly<Record<MappedChoice, readonly string[]>> = {
  ReferralStatus: ['New', 'Active', 'Closed'],
  ReferralSubstatus: ['Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired'],
  // The connector swagger's assistanceRequestCode enum without its "Unknown" (contracts/connectors/partnercenterref.json).
  HowCanMicrosoftHelp: [
    'GeneralOrOther',
    'CustomerTechnicalArchitecture',
    'ProofOfConceptOrDemo',
    'QuotesOrLicensing',
    'PostSalesCustomerSuccess',
    'WorkloadSpecificValueProposition',
  ],
};

/** Opportunity state ↔ referral status/substatus for closing deals (opportunity statecode: 0 Open, 1 Won, 2 Lost). */
export const OPPORTUNITY_STATE = { Open: 0, Won: 1, Lost: 2 } as const;
export const CLOSED_STATUS = { status: 'Closed', won: 'Won', lost: 'Lost' } as const;
/** Terminal referral sub-statuses: Partner Center allows no further update (partner-center §1.8). */
export const TERMINAL_SUBSTATUSES = ['Won', 'Lost', 'Declined', 'Expired'] as const;

/** How the help options travel in the referral (UNVERIFIED attribute type; the API documents only the attributes list). */
export const HELP_ATTRIBUTE_TYPE = 'HelpType';

/** The referral link shown on the opportunity (inferred from the Partner Center dashboard URL shape). */
export const REFERRAL_LINK_PREFIX = 'https://partner.microsoft.com/dashboard/referrals/v2/leads/';

/** Resolves a mapping's target to a column logical name (fixed) or an expression (from an env var parameter). */
export function resolveColumn(
  target: ColumnRef,
  prefix: string,
  environmentVariable: (name: keyof typeof EnvironmentVariableName) => Expr,
): string | Expr {
  return 'environmentVariable' in target ? environmentVariable(target.environmentVariable) : fixedColumn(target, prefix);
}

/** The logical name of a target that names its column itself (not through an environment variable). */
export const fixedColumn = (target: Exclude<ColumnRef, { environmentVariable: unknown }>, prefix: string): string =>
  'own' in target ? ownColumn(prefix, target.own) : target.column;

/** Logical name of one of the solution's own opportunity columns. */
export const ownColumn = (prefix: string, stem: keyof typeof OpportunityColumn): string =>
  `${prefix}_${OpportunityColumn[stem]}`.toLowerCase();

/** `source?['a']?['b']` for a mapping path. */
export const valueAt = (source: Expr, path: readonly string[]): Expr => source.get(...path);

export const inbound = (map: readonly FieldMap[]): FieldMap[] => map.filter((field) => field.direction !== 'toPartnerCenter');
export const outbound = (map: readonly FieldMap[]): FieldMap[] => map.filter((field) => field.direction !== 'toDynamics');

export function choiceOf(model: SolutionModel, name: keyof typeof ChoiceName): GlobalChoice {
  const schemaName = `${model.publisher.prefix}_${ChoiceName[name]}`.toLowerCase();
  const choice = model.choices.find((candidate) => candidate.schemaName === schemaName);
  if (!choice) throw new Error(`mapping uses choice ${schemaName}, which the model does not define`);
  return choice;
}

/**
 * A value map as one expression: the Partner Center enum value → the option value,
 * built as a nested if() chain so an unknown value maps to null instead of failing the flow.
 */
export function mapChoiceToOption(choice: GlobalChoice, value: Arg): Expr {
  return choice.options.reduceRight<Expr>(
    (otherwise, option) => call('if', call('equals', value, option.key), option.value, otherwise),
    new Expr('null'),
  );
}

/**
 * A multi-select column's value ("104370000,104370003": Dataverse returns option values, comma-separated)
 * rewritten option by option. The option values all have the same number of digits, so none is part of another.
 */
const rewriteOptions = (choice: GlobalChoice, values: Arg, replacement: (option: { key: string; value: number }) => string): Expr =>
  choice.options.reduce<Expr>(
    (text, option) => call('replace', text, String(option.value), replacement(option)),
    call('string', call('coalesce', values, '')),
  );

/** The Partner Center codes of a multi-select value, comma-separated ("GeneralOrOther,QuotesOrLicensing"). */
export const optionCodes = (choice: GlobalChoice, values: Arg): Expr => rewriteOptions(choice, values, (option) => option.key);

/** The referral's help attributes for a multi-select value: `[{"id": "<code>", "type": "HelpType"}, …]`. */
export const helpAttributes = (choice: GlobalChoice, values: Arg): Expr =>
  call(
    'json',
    call(
      'concat',
      '[',
      rewriteOptions(choice, values, (option) => JSON.stringify({ id: option.key, type: HELP_ATTRIBUTE_TYPE })),
      ']',
    ),
  );

/**
 * The codes of a referral's help attributes, comma-separated, keeping only the codes the choice has (WDL has
 * no map function: the list goes through xml() and an XPath, as Microsoft's own flows do).
 */
export function referralHelpCodes(choice: GlobalChoice, attributes: Arg): Expr {
  const known = choice.options.map((option) => `id='${option.key}'`).join(' or ');
  const document = call(
    'xml',
    call('json', call('concat', '{"r":{"a":', call('string', call('coalesce', attributes, call('json', '[]'))), '}}')),
  );
  return call('join', call('xpath', document, `/r/a[type='${HELP_ATTRIBUTE_TYPE}' and (${known})]/id/text()`), ',');
}

/** A comma list of codes back to the multi-select value (null when empty). Codes are whole words, none part of another. */
export const optionValuesOf = (choice: GlobalChoice, codes: Arg): Expr =>
  call(
    'if',
    call('empty', codes),
    null,
    choice.options.reduce<Expr>((text, option) => call('replace', text, option.key, String(option.value)), call('string', codes)),
  );

/** An OData string literal from an expression: quotes doubled, so names like O'Brien cannot break a $filter. */
export const odataString = (value: Arg): Expr => call('concat', "'", call('replace', call('string', value), "'", "''"), "'");

/**
 * An OData literal for a comparison with a text column that may be empty: `null` when the value is empty, since
 * Dataverse stores an empty string as null and `eq ''` then never matches.
 */
export const odataStringOrNull = (value: Arg): Expr => call('if', call('empty', value), 'null', odataString(value));

/**
 * The referral ↔ opportunity map of a model: OPPORTUNITY_MAP, then the partner's rows (pac.config.json "mappings",
 * validated with the config), after the built-in ones so the fingerprints written before keep their positions.
 */
export function opportunityMap(model: SolutionModel): FieldMap[] {
  const columns = new Map((model.partnerMappings?.columns ?? []).map((column) => [column.logicalName, column]));
  const partnerRows = (model.partnerMappings?.rows ?? []).map((row): FieldMap => {
    const column = columns.get(row.column)!;
    return {
      key: `partner_${row.column}`,
      path: row.referralPath.split('/').slice(1),
      target: { column: row.column },
      direction: row.direction,
      type: column.type,
      ...(column.type === 'text' ? { maxLength: column.maxLength } : {}),
      ...(row.valueMap ? { valueMap: row.valueMap } : {}),
    };
  });
  return [...OPPORTUNITY_MAP, ...partnerRows];
}

/** A value map as one expression (Partner Center value → option value, else null), `mapChoiceToOption` for a plain map. */
export const mapValue = (valueMap: Readonly<Record<string, number>>, value: Arg): Expr =>
  Object.entries(valueMap).reduceRight<Expr>(
    (otherwise, [key, option]) => call('if', call('equals', value, key), option, otherwise),
    new Expr('null'),
  );

/** The reverse of a value map (option value → Partner Center value, else null), for the way out. */
export const unmapValue = (valueMap: Readonly<Record<string, number>>, option: Arg): Expr =>
  Object.entries(valueMap).reduceRight<Expr>(
    (otherwise, [key, value]) => call('if', call('equals', option, value), key, otherwise),
    new Expr('null'),
  );
