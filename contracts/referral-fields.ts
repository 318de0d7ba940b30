/**
 * The single-valued properties of a Partner Center referral (the Referral resource of the Referrals API,
 * ../shared/docs/partner-center.md §2.2, whose enums the emulator's sim/partner-center/referral-model.ts
 * enforces), as JSON pointers. The connector's contract (connectors/partnercenterref.json) passes the
 * referral as one untyped object, so this list is where a mapping learns which paths exist, their type and,
 * for an enum, every value Partner Center can send. Lists (team, solutions, tags) are not here: one column
 * cannot hold them.
 */

export type ReferralFieldType = 'text' | 'number' | 'date' | 'enum' | 'boolean';

export interface ReferralField {
  /** JSON pointer into the referral, as a JSON Patch `path` names it (`/details/notes`). */
  readonly path: string;
  readonly type: ReferralFieldType;
  /**
   * For an enum: every value the service documents, so a value map must cover them all. Status and substatus
   * leave out "None", which stands for no value (mapped to an empty column); a qualification of None is a real one.
   */
  readonly values?: readonly string[];
  /** Set by the service: a PATCH of it is refused (the emulator's READ_ONLY_PROPERTIES). */
  readonly readOnly?: boolean;
}

/** Customer size values (Referral resource, 2019 doc: "Customer size"). */
const CUSTOMER_SIZES = [
  '1to50employees',
  '51to500employees',
  'Morethan500employees',
  '1to9employees',
  '10to50employees',
  '51to250employees',
  '251to1000employees',
  '1001to5000employees',
  '5001to10000employees',
  '10001to20000employees',
  'Morethan20000employees',
] as const;

const text = (path: string, readOnly = false): ReferralField => ({ path, type: 'text', ...(readOnly ? { readOnly } : {}) });
const enumeration = (path: string, values: readonly string[]): ReferralField => ({ path, type: 'enum', values });

export const REFERRAL_FIELDS: readonly ReferralField[] = [
  text('/id', true),
  text('/engagementId', true),
  text('/name'),
  text('/externalReferenceId'),
  text('/statusReason'),
  enumeration('/status', ['New', 'Active', 'Closed']),
  enumeration('/substatus', ['Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired']),
  enumeration('/type', ['Independent', 'Shared']),
  enumeration('/qualification', ['None', 'Direct', 'MarketingQualified', 'SalesQualified']),
  { path: '/createdDateTime', type: 'date', readOnly: true },
  { path: '/updatedDateTime', type: 'date', readOnly: true },
  { path: '/expirationDateTime', type: 'date', readOnly: true },
  text('/customerProfile/name'),
  enumeration('/customerProfile/size', CUSTOMER_SIZES),
  text('/customerProfile/ids/duns'),
  text('/customerProfile/address/addressLine1'),
  text('/customerProfile/address/addressLine2'),
  text('/customerProfile/address/city'),
  text('/customerProfile/address/state'),
  text('/customerProfile/address/postalCode'),
  text('/customerProfile/address/country'),
  text('/customerProfile/address/region'),
  { path: '/consent/consentToContact', type: 'boolean' },
  { path: '/consent/consentToShareReferralWithMicrosoftSellers', type: 'boolean' },
  text('/inviteContext/notes'),
  text('/details/notes'),
  { path: '/details/dealValue', type: 'number' },
  text('/details/currency'),
  { path: '/details/closingDateTime', type: 'date' },
];

export const referralField = (path: string): ReferralField | undefined => REFERRAL_FIELDS.find((field) => field.path === path);
