import { BASE_LANGUAGE } from '../../solution/labels.js';
import type { Column, SolutionModel, Table } from '../../solution/model.js';

/**
 * The tables the emulator knows: built-in definitions of the Microsoft tables the flows touch
 * (opportunity, account, contact, lead, transactioncurrency) merged with the solution model (our
 * columns on opportunity, our custom tables, their keys, choices and relationships). Anything not
 * listed here is unknown to the emulator, exactly as a column missing from the package would be
 * unknown to Dataverse.
 */

export type AttributeType =
  | 'uniqueidentifier'
  | 'string'
  | 'memo'
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'double'
  | 'money'
  | 'boolean'
  | 'datetime'
  | 'dateonly'
  | 'picklist'
  | 'multiselect'
  | 'state'
  | 'status'
  | 'lookup';

export interface AttributeDef {
  readonly logicalName: string;
  readonly type: AttributeType;
  readonly displayName: string;
  readonly maxLength?: number;
  /** Choice, state and status options: value → label. */
  readonly options?: ReadonlyMap<number, string>;
  /** Status reason → the state it belongs to. */
  readonly statusState?: ReadonlyMap<number, number>;
  /** Default on create (booleans, choices with a default). */
  readonly defaultValue?: boolean | number;
  /** Labels of false and true. */
  readonly booleanLabels?: readonly [string, string];
  /** Lookups: navigation property → target table logical name (two entries for a customer lookup). */
  readonly navigation?: ReadonlyMap<string, string>;
  /** Decimal places kept (money, decimal). */
  readonly precision?: number;
  /** Not valid for create or update: values sent for it are ignored (createdon, versionnumber, fullname). */
  readonly readOnly?: boolean;
}

export interface StateDef {
  readonly value: number;
  readonly invariantName: string;
  readonly defaultStatus: number;
}

export interface KeyDef {
  readonly logicalName: string;
  readonly displayName: string;
  readonly columns: readonly string[];
}

export interface EntityDef {
  readonly logicalName: string;
  /** `Opportunity`: names the state enum in messages (`OpportunityState.Open`). */
  readonly schemaName: string;
  readonly entitySetName: string;
  readonly primaryIdAttribute: string;
  readonly primaryNameAttribute: string;
  readonly attributes: ReadonlyMap<string, AttributeDef>;
  /** Single-valued navigation property → its lookup attribute and target table. */
  readonly navigation: ReadonlyMap<string, { readonly attribute: string; readonly target: string }>;
  readonly keys: readonly KeyDef[];
  readonly states: readonly StateDef[];
}

/** What deleting a parent row does to the rows that point at it. */
export interface CascadeDef {
  readonly parent: string;
  readonly child: string;
  readonly attribute: string;
  readonly onDelete: 'Cascade' | 'RemoveLink';
  /** The relationship's schema name (the parent's collection-valued navigation property), when the model defines it. */
  readonly relationship?: string;
}

export interface Metadata {
  readonly entities: ReadonlyMap<string, EntityDef>;
  readonly bySet: ReadonlyMap<string, EntityDef>;
  readonly cascades: readonly CascadeDef[];
}

/** ISO code → fixed id of the currencies every emulated org starts with (USD is the base currency). */
export const SEEDED_CURRENCIES = {
  USD: { id: 'a1b2c3d4-0001-4000-8000-000000000840', name: 'US Dollar', symbol: '$', rate: 1 },
  EUR: { id: 'a1b2c3d4-0001-4000-8000-000000000978', name: 'Euro', symbol: '€', rate: 0.92 },
  TWD: { id: 'a1b2c3d4-0001-4000-8000-000000000901', name: 'New Taiwan Dollar', symbol: 'NT$', rate: 32.1 },
} as const;

// ---------------------------------------------------------------------------------------------
// Built-in tables. Column names, types and lengths follow Microsoft's table/entity reference pages
// (see CONTRACT.md); only the columns a co-sell flow or scenario plausibly touches are listed.
// ---------------------------------------------------------------------------------------------

type Def = AttributeDef;
const text = (logicalName: string, displayName: string, maxLength: number): Def => ({
  logicalName,
  type: 'string',
  displayName,
  maxLength,
});
const memo = (logicalName: string, displayName: string, maxLength = 2000): Def => ({ logicalName, type: 'memo', displayName, maxLength });
const money = (logicalName: string, displayName: string): Def => ({ logicalName, type: 'money', displayName, precision: 2 });
const integer = (logicalName: string, displayName: string): Def => ({ logicalName, type: 'integer', displayName });
const dateOnly = (logicalName: string, displayName: string): Def => ({ logicalName, type: 'dateonly', displayName });
const lookup = (logicalName: string, displayName: string, navigation: Record<string, string>): Def => ({
  logicalName,
  type: 'lookup',
  displayName,
  navigation: new Map(Object.entries(navigation)),
});
const single = (logicalName: string, displayName: string, target: string): Def =>
  lookup(logicalName, displayName, { [logicalName]: target });

function address(n: 1 | 2): Def[] {
  const p = `address${n}_`;
  return [
    text(`${p}name`, `Address ${n}: Name`, 200),
    text(`${p}line1`, 'Street 1', 250),
    text(`${p}line2`, 'Street 2', 250),
    text(`${p}line3`, 'Street 3', 250),
    text(`${p}city`, 'City', 80),
    text(`${p}county`, `Address ${n}: County`, 50),
    text(`${p}stateorprovince`, 'State/Province', 50),
    text(`${p}postalcode`, 'ZIP/Postal Code', 20),
    text(`${p}country`, 'Country/Region', 80),
    text(`${p}telephone1`, `Address ${n}: Telephone 1`, 50),
  ];
}

interface StateSpec {
  states: ReadonlyArray<[value: number, invariant: string, defaultStatus: number]>;
  statuses: ReadonlyArray<[value: number, label: string, state: number]>;
}

const ACTIVE_INACTIVE: StateSpec = {
  states: [
    [0, 'Active', 1],
    [1, 'Inactive', 2],
  ],
  statuses: [
    [1, 'Active', 0],
    [2, 'Inactive', 1],
  ],
};

function system(spec: StateSpec, stateLabels: Record<number, string>): Def[] {
  return [
    {
      logicalName: 'statecode',
      type: 'state',
      displayName: 'Status',
      options: new Map(spec.states.map(([value]) => [value, stateLabels[value] ?? String(value)])),
    },
    {
      logicalName: 'statuscode',
      type: 'status',
      displayName: 'Status Reason',
      options: new Map(spec.statuses.map(([value, label]) => [value, label])),
      statusState: new Map(spec.statuses.map(([value, , state]) => [value, state])),
    },
    { logicalName: 'createdon', type: 'datetime', displayName: 'Created On', readOnly: true },
    { logicalName: 'modifiedon', type: 'datetime', displayName: 'Modified On', readOnly: true },
    { logicalName: 'versionnumber', type: 'bigint', displayName: 'Version Number', readOnly: true },
  ];
}

const currency = (): Def => single('transactioncurrencyid', 'Currency', 'transactioncurrency');

interface TableSpec {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryNameAttribute: string;
  attributes: Def[];
  states: StateSpec;
}

function builtInTables(): TableSpec[] {
  const opportunityStates: StateSpec = {
    states: [
      [0, 'Open', 1],
      [1, 'Won', 3],
      [2, 'Lost', 4],
    ],
    statuses: [
      [1, 'In Progress', 0],
      [2, 'On Hold', 0],
      [3, 'Won', 1],
      [4, 'Canceled', 2],
      [5, 'Out-Sold', 2],
    ],
  };
  const leadStates: StateSpec = {
    states: [
      [0, 'Open', 1],
      [1, 'Qualified', 3],
      [2, 'Disqualified', 4],
    ],
    statuses: [
      [1, 'New', 0],
      [2, 'Contacted', 0],
      [3, 'Qualified', 1],
      [4, 'Lost', 2],
      [5, 'Cannot Contact', 2],
      [6, 'No Longer Interested', 2],
      [7, 'Canceled', 2],
    ],
  };
  const customer = (logicalName: string, displayName: string): Def =>
    lookup(logicalName, displayName, { [`${logicalName}_account`]: 'account', [`${logicalName}_contact`]: 'contact' });
  return [
    {
      logicalName: 'opportunity',
      schemaName: 'Opportunity',
      entitySetName: 'opportunities',
      primaryNameAttribute: 'name',
      states: opportunityStates,
      attributes: [
        { logicalName: 'opportunityid', type: 'uniqueidentifier', displayName: 'Opportunity' },
        text('name', 'Topic', 300),
        memo('description', 'Description'),
        money('estimatedvalue', 'Est. Revenue'),
        dateOnly('estimatedclosedate', 'Est. Close Date'),
        money('actualvalue', 'Actual Revenue'),
        dateOnly('actualclosedate', 'Actual Close Date'),
        integer('closeprobability', 'Probability'),
        money('budgetamount', 'Budget Amount'),
        text('stepname', 'Pipeline Phase', 200),
        memo('currentsituation', 'Current Situation'),
        memo('customerneed', 'Customer Need'),
        memo('proposedsolution', 'Proposed Solution'),
        single('parentaccountid', 'Account', 'account'),
        single('parentcontactid', 'Contact', 'contact'),
        customer('customerid', 'Potential Customer'),
        single('originatingleadid', 'Originating Lead', 'lead'),
        currency(),
        { logicalName: 'exchangerate', type: 'decimal', displayName: 'Exchange Rate', precision: 10, readOnly: true },
        ...system(opportunityStates, { 0: 'Open', 1: 'Won', 2: 'Lost' }),
      ],
    },
    {
      logicalName: 'account',
      schemaName: 'Account',
      entitySetName: 'accounts',
      primaryNameAttribute: 'name',
      states: ACTIVE_INACTIVE,
      attributes: [
        { logicalName: 'accountid', type: 'uniqueidentifier', displayName: 'Account' },
        text('name', 'Account Name', 160),
        text('accountnumber', 'Account Number', 20),
        text('telephone1', 'Main Phone', 50),
        text('emailaddress1', 'Email', 100),
        text('websiteurl', 'Website', 200),
        memo('description', 'Description'),
        money('revenue', 'Annual Revenue'),
        integer('numberofemployees', 'Number of Employees'),
        single('primarycontactid', 'Primary Contact', 'contact'),
        single('parentaccountid', 'Parent Account', 'account'),
        currency(),
        ...address(1),
        ...address(2),
        ...system(ACTIVE_INACTIVE, { 0: 'Active', 1: 'Inactive' }),
      ],
    },
    {
      logicalName: 'contact',
      schemaName: 'Contact',
      entitySetName: 'contacts',
      primaryNameAttribute: 'fullname',
      states: ACTIVE_INACTIVE,
      attributes: [
        { logicalName: 'contactid', type: 'uniqueidentifier', displayName: 'Contact' },
        text('firstname', 'First Name', 50),
        text('middlename', 'Middle Name', 50),
        text('lastname', 'Last Name', 50),
        { ...text('fullname', 'Full Name', 160), readOnly: true },
        text('emailaddress1', 'Email', 100),
        text('emailaddress2', 'Email Address 2', 100),
        text('telephone1', 'Business Phone', 50),
        text('mobilephone', 'Mobile Phone', 50),
        text('jobtitle', 'Job Title', 100),
        memo('description', 'Description'),
        customer('parentcustomerid', 'Company Name'),
        currency(),
        ...address(1),
        ...address(2),
        ...system(ACTIVE_INACTIVE, { 0: 'Active', 1: 'Inactive' }),
      ],
    },
    {
      logicalName: 'lead',
      schemaName: 'Lead',
      entitySetName: 'leads',
      primaryNameAttribute: 'fullname',
      states: leadStates,
      attributes: [
        { logicalName: 'leadid', type: 'uniqueidentifier', displayName: 'Lead' },
        text('subject', 'Topic', 300),
        text('firstname', 'First Name', 50),
        text('middlename', 'Middle Name', 50),
        text('lastname', 'Last Name', 50),
        { ...text('fullname', 'Name', 160), readOnly: true },
        text('companyname', 'Company Name', 100),
        text('emailaddress1', 'Email', 100),
        text('telephone1', 'Business Phone', 50),
        text('mobilephone', 'Mobile Phone', 50),
        text('jobtitle', 'Job Title', 100),
        text('websiteurl', 'Website', 200),
        memo('description', 'Description'),
        { logicalName: 'estimatedvalue', type: 'double', displayName: 'Est. Value' },
        money('estimatedamount', 'Est. Value'),
        dateOnly('estimatedclosedate', 'Est. Close Date'),
        money('revenue', 'Annual Revenue'),
        integer('numberofemployees', 'No. of Employees'),
        single('parentaccountid', 'Parent Account for lead', 'account'),
        single('parentcontactid', 'Parent Contact for lead', 'contact'),
        customer('customerid', 'Customer'),
        single('qualifyingopportunityid', 'Qualifying Opportunity', 'opportunity'),
        currency(),
        ...address(1),
        ...address(2),
        ...system(leadStates, { 0: 'Open', 1: 'Qualified', 2: 'Disqualified' }),
      ],
    },
    {
      logicalName: 'transactioncurrency',
      schemaName: 'TransactionCurrency',
      entitySetName: 'transactioncurrencies',
      primaryNameAttribute: 'currencyname',
      states: ACTIVE_INACTIVE,
      attributes: [
        { logicalName: 'transactioncurrencyid', type: 'uniqueidentifier', displayName: 'Currency' },
        text('isocurrencycode', 'Currency Code', 5),
        text('currencyname', 'Currency Name', 100),
        text('currencysymbol', 'Currency Symbol', 10),
        { logicalName: 'exchangerate', type: 'decimal', displayName: 'Exchange Rate', precision: 10 },
        integer('currencyprecision', 'Currency Precision'),
        ...system(ACTIVE_INACTIVE, { 0: 'Active', 1: 'Inactive' }),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The solution model's part.
// ---------------------------------------------------------------------------------------------

const label = (labels: Readonly<Record<number, string>>): string => labels[BASE_LANGUAGE] ?? Object.values(labels)[0] ?? '';

function modelColumn(column: Column, navigationName: (column: Column) => string): Def {
  const base = { logicalName: column.logicalName, displayName: label(column.label) };
  switch (column.kind) {
    case 'boolean':
      return {
        ...base,
        type: 'boolean',
        defaultValue: column.defaultValue,
        booleanLabels: [label(column.falseLabel), label(column.trueLabel)],
      };
    case 'text':
      return { ...base, type: 'string', maxLength: column.maxLength };
    case 'memo':
      return { ...base, type: 'memo', maxLength: column.maxLength };
    case 'choice':
      return {
        ...base,
        type: column.multiSelect ? 'multiselect' : 'picklist',
        options: new Map(column.choice.options.map((option) => [option.value, label(option.label)])),
        ...(column.defaultValue !== undefined && !column.multiSelect ? { defaultValue: column.defaultValue } : {}),
      };
    case 'datetime':
      return { ...base, type: 'datetime' };
    case 'lookup':
      return { ...base, type: 'lookup', navigation: new Map([[navigationName(column), column.targetEntity.toLowerCase()]]) };
  }
}

export function buildMetadata(model: SolutionModel): Metadata {
  const specs = new Map(builtInTables().map((spec) => [spec.logicalName, spec]));
  const keysOf = new Map<string, KeyDef[]>();
  const schemaToLogical = new Map<string, string>();
  for (const spec of specs.values()) schemaToLogical.set(spec.schemaName, spec.logicalName);
  for (const table of model.tables) schemaToLogical.set(table.schemaName, table.logicalName);

  /** The referencing role's navigation property is the lookup's schema name (as the package writes it). */
  const navigationFor =
    (table: Table) =>
    (column: Column): string => {
      const relationship = model.relationships.find(
        (r) =>
          schemaToLogical.get(r.referencingEntity) === table.logicalName && r.referencingAttribute.toLowerCase() === column.logicalName,
      );
      return relationship?.referencingAttribute ?? column.schemaName;
    };

  for (const table of model.tables) {
    const columns = table.columns.map((column) => modelColumn(column, navigationFor(table)));
    keysOf.set(
      table.logicalName,
      table.keys.map((key) => ({
        logicalName: key.logicalName,
        displayName: label(key.label),
        columns: [...key.columns],
      })),
    );
    if (table.kind === 'extended') {
      const spec = specs.get(table.logicalName);
      if (!spec)
        throw new Error(`The Dataverse emulator has no built-in definition of the table ${table.logicalName} the solution extends`);
      const own = new Set(columns.map((c) => c.logicalName));
      spec.attributes = [...spec.attributes.filter((a) => !own.has(a.logicalName)), ...columns];
    } else {
      specs.set(table.logicalName, {
        logicalName: table.logicalName,
        schemaName: table.schemaName,
        entitySetName: table.entitySetName,
        primaryNameAttribute: table.primaryName.logicalName,
        states: ACTIVE_INACTIVE,
        attributes: [
          { logicalName: `${table.logicalName}id`, type: 'uniqueidentifier', displayName: label(table.label) },
          modelColumn(table.primaryName, navigationFor(table)),
          ...columns,
          ...system(ACTIVE_INACTIVE, { 0: 'Active', 1: 'Inactive' }),
        ],
      });
    }
  }

  const entities = new Map<string, EntityDef>();
  for (const spec of specs.values()) {
    const attributes = new Map(spec.attributes.map((a) => [a.logicalName, a]));
    const navigation = new Map<string, { attribute: string; target: string }>();
    for (const attribute of attributes.values()) {
      for (const [name, target] of attribute.navigation ?? []) navigation.set(name, { attribute: attribute.logicalName, target });
    }
    const primaryIdAttribute = spec.attributes.find((a) => a.type === 'uniqueidentifier')!.logicalName;
    entities.set(spec.logicalName, {
      logicalName: spec.logicalName,
      schemaName: spec.schemaName,
      entitySetName: spec.entitySetName,
      primaryIdAttribute,
      primaryNameAttribute: spec.primaryNameAttribute,
      attributes,
      navigation,
      keys: keysOf.get(spec.logicalName) ?? [],
      states: spec.states.states.map(([value, invariantName, defaultStatus]) => ({ value, invariantName, defaultStatus })),
    });
  }

  // Lookup targets must exist; every lookup gets a delete behaviour (the model's relationships say which).
  const cascades: CascadeDef[] = [];
  for (const entity of entities.values()) {
    for (const attribute of entity.attributes.values()) {
      for (const target of new Set(attribute.navigation?.values() ?? [])) {
        if (!entities.has(target))
          throw new Error(
            `The lookup ${entity.logicalName}.${attribute.logicalName} targets ${target}, a table the Dataverse emulator does not know`,
          );
        const relationship = model.relationships.find(
          (r) =>
            schemaToLogical.get(r.referencingEntity) === entity.logicalName &&
            r.referencingAttribute.toLowerCase() === attribute.logicalName,
        );
        cascades.push({
          parent: target,
          child: entity.logicalName,
          attribute: attribute.logicalName,
          onDelete: relationship?.cascade === 'parental' ? 'Cascade' : 'RemoveLink',
          ...(relationship ? { relationship: relationship.schemaName } : {}),
        });
      }
    }
  }
  return { entities, bySet: new Map([...entities.values()].map((e) => [e.entitySetName, e])), cascades };
}

/** `OpportunityState.Open`, as Dataverse names a state in messages. */
export function stateName(entity: EntityDef, state: number): string {
  const def = entity.states.find((s) => s.value === state);
  return `${entity.schemaName}State.${def?.invariantName ?? state}`;
}

/** The display name of a column, for messages. */
export const displayName = (entity: EntityDef, attribute: string): string => entity.attributes.get(attribute)?.displayName ?? attribute;

/** The EDM type a column has in the Web API. */
export function edmType(attribute: AttributeDef): string {
  switch (attribute.type) {
    case 'string':
    case 'memo':
    case 'multiselect':
      return 'Edm.String';
    case 'integer':
    case 'picklist':
    case 'state':
    case 'status':
      return 'Edm.Int32';
    case 'bigint':
      return 'Edm.Int64';
    case 'decimal':
    case 'money':
      return 'Edm.Decimal';
    case 'double':
      return 'Edm.Double';
    case 'boolean':
      return 'Edm.Boolean';
    case 'datetime':
      return 'Edm.DateTimeOffset';
    case 'dateonly':
      return 'Edm.Date';
    case 'uniqueidentifier':
    case 'lookup':
      return 'Edm.Guid';
  }
}
