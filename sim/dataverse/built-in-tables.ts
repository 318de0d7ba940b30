/**
 * The Microsoft tables the flows touch (opportunity, account, contact, lead, transactioncurrency), as the
 * emulator knows them before the solution model is merged in. Column names, types and lengths follow
 * Microsoft's table/entity reference pages (see CONTRACT.md); only the columns a co-sell flow or scenario
 * plausibly touches are listed.
 */
import type { AttributeDef } from './metadata.js';

type Def = AttributeDef;

interface StateSpec {
  states: ReadonlyArray<[value: number, invariant: string, defaultStatus: number]>;
  statuses: ReadonlyArray<[value: number, label: string, state: number]>;
}

export interface TableSpec {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryNameAttribute: string;
  attributes: Def[];
  states: StateSpec;
  /** States only a message sets (not an update): state → message name. */
  closingMessages?: Readonly<Record<number, string>>;
}

const text = (logicalName: string, displayName: string, maxLength: number): Def => ({
  logicalName,
  type: 'string',
  displayName,
  maxLength,
});
const memo = (logicalName: string, displayName: string, maxLength = 2000): Def => ({ logicalName, type: 'memo', displayName, maxLength });
const MONEY_LIMIT = 1_000_000_000_000;
/** Money columns: precision 2 and the MinValue/MaxValue of the table reference (±1,000,000,000,000 unless given). */
const money = (logicalName: string, displayName: string, range: readonly [number, number] = [-MONEY_LIMIT, MONEY_LIMIT]): Def => ({
  logicalName,
  type: 'money',
  displayName,
  precision: 2,
  range,
});

const integer = (logicalName: string, displayName: string, range?: readonly [number, number]): Def => ({
  logicalName,
  type: 'integer',
  displayName,
  ...(range ? { range } : {}),
});
const dateOnly = (logicalName: string, displayName: string): Def => ({ logicalName, type: 'dateonly', displayName });
const lookup = (logicalName: string, displayName: string, navigation: Record<string, string>): Def => ({
  logicalName,
  type: 'lookup',
  displayName,
  navigation: new Map(Object.entries(navigation)),
});
const single = (logicalName: string, displayName: string, target: string): Def =>
  lookup(logicalName, displayName, { [logicalName]: target });
const customer = (logicalName: string, displayName: string): Def =>
  lookup(logicalName, displayName, { [`${logicalName}_account`]: 'account', [`${logicalName}_contact`]: 'contact' });
const currency = (): Def => single('transactioncurrencyid', 'Currency', 'transactioncurrency');

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

export const ACTIVE_INACTIVE: StateSpec = {
  states: [
    [0, 'Active', 1],
    [1, 'Inactive', 2],
  ],
  statuses: [
    [1, 'Active', 0],
    [2, 'Inactive', 1],
  ],
};

/** State, status reason and the columns every table has (created on, modified on, version number). */
export function system(spec: StateSpec, stateLabels: Record<number, string>): Def[] {
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

export function builtInTables(): TableSpec[] {
  return [opportunity(), account(), contact(), lead(), transactionCurrency()];
}

function opportunity(): TableSpec {
  const states: StateSpec = {
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
  return {
    logicalName: 'opportunity',
    schemaName: 'Opportunity',
    entitySetName: 'opportunities',
    primaryNameAttribute: 'name',
    states,
    closingMessages: { 1: 'WinOpportunity', 2: 'LoseOpportunity' },
    attributes: [
      { logicalName: 'opportunityid', type: 'uniqueidentifier', displayName: 'Opportunity' },
      text('name', 'Topic', 300),
      memo('description', 'Description'),
      money('estimatedvalue', 'Est. Revenue'),
      dateOnly('estimatedclosedate', 'Est. Close Date'),
      money('actualvalue', 'Actual Revenue'),
      dateOnly('actualclosedate', 'Actual Close Date'),
      integer('closeprobability', 'Probability', [0, 100]),
      money('budgetamount', 'Budget Amount', [0, MONEY_LIMIT]),
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
      ...system(states, { 0: 'Open', 1: 'Won', 2: 'Lost' }),
    ],
  };
}

function account(): TableSpec {
  return {
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
  };
}

function contact(): TableSpec {
  return {
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
  };
}

function lead(): TableSpec {
  const states: StateSpec = {
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
  return {
    logicalName: 'lead',
    schemaName: 'Lead',
    entitySetName: 'leads',
    primaryNameAttribute: 'fullname',
    states,
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
      ...system(states, { 0: 'Open', 1: 'Qualified', 2: 'Disqualified' }),
    ],
  };
}

function transactionCurrency(): TableSpec {
  return {
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
  };
}
