/**
 * The Referral resource as the emulator keeps it: enums, the status/substatus transition table, request
 * validation and JSON Patch (replace/add only). See CONTRACT.md for the sources.
 */
import { display } from '../display.js';
import { referralField } from '../../contracts/referral-fields.js';

export type JsonObject = Record<string, unknown>;

const ReferralStatus = ['None', 'New', 'Active', 'Closed'] as const;
const ReferralSubstatus = ['None', 'Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired'] as const;
const ReferralType = ['Independent', 'Shared'] as const;
const ReferralQualification = ['None', 'Direct', 'MarketingQualified', 'SalesQualified'] as const;
/**
 * The attribute values of `details.requirements.additionalRequirements.attributes[].id` that public sources
 * name: the connector swagger's assistanceRequestCode enum (the help codes) and the REST create example's
 * `HaveNotDecided`. That the service refuses any other value is our inference (CONTRACT.md).
 */
const ReferralAttributeId = [
  'Unknown',
  'GeneralOrOther',
  'CustomerTechnicalArchitecture',
  'ProofOfConceptOrDemo',
  'QuotesOrLicensing',
  'PostSalesCustomerSuccess',
  'WorkloadSpecificValueProposition',
  'HaveNotDecided',
] as const;

type Status = (typeof ReferralStatus)[number];
type Substatus = (typeof ReferralSubstatus)[number];

/** "Status & Substatus transition states" (create-a-referral / update-a-referral / referral-resources). */
const STATUS_TRANSITIONS: Record<string, { to: readonly Status[]; substatus: readonly Substatus[] }> = {
  New: { to: ['New', 'Active', 'Closed'], substatus: ['Pending', 'Received'] },
  Active: { to: ['Active', 'Closed'], substatus: ['Accepted'] },
  Closed: { to: ['Closed'], substatus: ['Won', 'Lost', 'Declined', 'Expired'] },
};

/** Terminal sub-statuses: no further update (manage-co-sell-opportunities: Won, Lost, Declined, Expired). */
const TERMINAL_SUBSTATUSES: readonly string[] = ['Won', 'Lost', 'Declined', 'Expired'];

/** Properties the server owns: a client cannot set them through PUT or PATCH. */
export const READ_ONLY_PROPERTIES = [
  'id',
  'engagementId',
  'organizationId',
  'organizationName',
  'createdDateTime',
  'updatedDateTime',
  'acceptedDateTime',
  'expirationDateTime',
  'direction',
  'eTag',
  'links',
  'attributes',
] as const;

/** A request the API refuses: becomes `{ error: { code, message, target } }` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export const clone = <T>(value: T): T => structuredClone(value);

/** Reads `a/b/c` (OData path) or a list of keys from a JSON value. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function checkEnum(value: unknown, allowed: readonly string[], target: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ApiError(400, 'invalidRequest', `${target} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`, target);
  }
}

const invalid = (message: string, target: string): ApiError => new ApiError(400, 'invalidRequest', message, target);
const present = (value: unknown): boolean => value !== undefined && value !== null;

/** Checks the shape of a referral body (create, PUT, or the result of a PATCH). */
export function validateReferralBody(body: unknown, { partial = false } = {}): asserts body is JsonObject {
  if (!isObject(body)) throw invalid('The request body must be a Referral object', 'referral');
  if (!partial) {
    for (const required of ['type', 'customerProfile', 'consent', 'details'] as const) {
      if (!present(body[required])) throw invalid(`${required} is required`, required);
    }
  }
  checkEnum(body.type, ReferralType, 'type');
  checkEnum(body.status, ReferralStatus, 'status');
  checkEnum(body.substatus, ReferralSubstatus, 'substatus');
  checkEnum(body.qualification, ReferralQualification, 'qualification');
  for (const objectProperty of ['customerProfile', 'consent', 'details'] as const) {
    if (present(body[objectProperty]) && !isObject(body[objectProperty]))
      throw invalid(`${objectProperty} must be an object`, objectProperty);
  }
  if (isObject(body.customerProfile)) checkCustomerProfile(body.customerProfile, partial);
  if (isObject(body.details)) checkDetails(body.details);
  for (const arrayProperty of ['team', 'target'] as const) {
    if (present(body[arrayProperty]) && !Array.isArray(body[arrayProperty]))
      throw invalid(`${arrayProperty} must be an array`, arrayProperty);
  }
}

/** A name and a 2-letter country (unless partial), an address object, a team array. */
function checkCustomerProfile(profile: JsonObject, partial: boolean): void {
  if (!partial && (typeof profile.name !== 'string' || profile.name.trim() === '')) {
    throw invalid('customerProfile.name is required', 'customerProfile.name');
  }
  const address = profile.address;
  if (present(address) && !isObject(address)) throw invalid('customerProfile.address must be an object', 'customerProfile.address');
  const country = isObject(address) ? address.country : undefined;
  if (!partial && (typeof country !== 'string' || country === '')) {
    throw invalid('customerProfile.address.country is required', 'customerProfile.address.country');
  }
  if (present(country) && (typeof country !== 'string' || !/^[A-Za-z]{2}$/.test(country))) {
    throw invalid(
      `customerProfile.address.country must be a 2-letter ISO country code; got ${JSON.stringify(country)}`,
      'customerProfile.address.country',
    );
  }
  if (present(profile.team) && !Array.isArray(profile.team)) throw invalid('customerProfile.team must be an array', 'customerProfile.team');
  // The documented customer sizes (contracts/referral-fields.ts); refusing others is our inference, as for the attribute ids.
  checkEnum(profile.size, referralField('/customerProfile/size')?.values ?? [], 'customerProfile.size');
}

/** A numeric deal value (a numeric string is converted in place), an ISO 4217 currency, a UTC closing date-time. */
function checkDetails(details: JsonObject): void {
  const dealValue = details.dealValue;
  if (present(dealValue) && typeof dealValue !== 'number') {
    if (typeof dealValue !== 'string' || dealValue.trim() === '' || !Number.isFinite(Number(dealValue))) {
      throw invalid(`details.dealValue must be a number; got ${JSON.stringify(dealValue)}`, 'details.dealValue');
    }
    details.dealValue = Number(dealValue);
  }
  const currency = details.currency;
  if (present(currency) && (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency))) {
    throw invalid(`details.currency must be an ISO 4217 code; got ${JSON.stringify(currency)}`, 'details.currency');
  }
  const closing = details.closingDateTime;
  if (present(closing) && (typeof closing !== 'string' || Number.isNaN(parseDateTime(closing)))) {
    throw invalid(`details.closingDateTime must be a UTC date-time; got ${JSON.stringify(closing)}`, 'details.closingDateTime');
  }
  checkAttributes(details.requirements);
}

/** `requirements.additionalRequirements.attributes`: an array of `{id, type}` whose ids are known values. */
function checkAttributes(requirements: unknown): void {
  const additional = isObject(requirements) ? requirements.additionalRequirements : undefined;
  const attributes = isObject(additional) ? additional.attributes : undefined;
  if (!present(attributes)) return;
  const target = 'details.requirements.additionalRequirements.attributes';
  if (!Array.isArray(attributes)) throw invalid(`${target} must be an array`, target);
  attributes.forEach((attribute, index) => {
    if (!isObject(attribute) || typeof attribute.id !== 'string' || typeof attribute.type !== 'string') {
      throw invalid(`${target}[${index}] must be an object with string id and type`, `${target}[${index}]`);
    }
    checkEnum(attribute.id, ReferralAttributeId, `${target}[${index}].id`);
  });
}

/** Checks a status/substatus change against the transition table and terminal states. */
export function checkTransition(before: { status: unknown; substatus: unknown }, after: { status: unknown; substatus: unknown }): void {
  const from = display(before.status ?? 'None');
  const fromSub = display(before.substatus ?? 'None');
  const to = display(after.status ?? 'None');
  const toSub = display(after.substatus ?? 'None');
  if (TERMINAL_SUBSTATUSES.includes(fromSub)) {
    throw new ApiError(
      400,
      'invalidRequest',
      `The referral is ${from}/${fromSub}, a terminal state: it allows no further update`,
      'status',
    );
  }
  if (from === to && fromSub === toSub) return;
  const rule = STATUS_TRANSITIONS[from];
  if (rule && !rule.to.includes(to as Status)) {
    throw new ApiError(400, 'invalidRequest', `Status cannot change from ${from} to ${to} (allowed: ${rule.to.join(', ')})`, 'status');
  }
  checkStatusPair(to, toSub);
}

/** A status and its substatus must be a pair from the table. */
export function checkStatusPair(status: string, substatus: string): void {
  const target = STATUS_TRANSITIONS[status];
  if (!target) throw new ApiError(400, 'invalidRequest', `Status ${status} cannot be set`, 'status');
  if (!target.substatus.includes(substatus as Substatus)) {
    throw new ApiError(
      400,
      'invalidRequest',
      `Substatus ${substatus} is not allowed with status ${status} (allowed: ${target.substatus.join(', ')})`,
      'substatus',
    );
  }
}

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

function decodePointer(path: string): string[] {
  if (path === '' || !path.startsWith('/'))
    throw new ApiError(400, 'invalidRequest', `Invalid JSON Pointer ${JSON.stringify(path)}`, 'path');
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Applies a JSON Patch (RFC 6902) with the API's restriction: only `replace` and `add`. Like the API's
 * typed model, a `replace` of a member that is absent sets it, and missing intermediate objects are created.
 */
export function applyJsonPatch(document: JsonObject, operations: unknown): JsonObject {
  if (!Array.isArray(operations)) throw new ApiError(400, 'invalidRequest', 'The request body must be a JSON Patch array', 'patch');
  const result = clone(document);
  for (const [index, raw] of operations.entries()) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new ApiError(400, 'invalidRequest', `Patch operation ${index} must have op and path`, `patch[${index}]`);
    }
    const op = raw.op.toLowerCase();
    if (op !== 'replace' && op !== 'add') {
      throw new ApiError(
        400,
        'invalidRequest',
        `Patch operation ${index}: only "replace" and "add" are supported, not ${JSON.stringify(raw.op)}`,
        `patch[${index}]`,
      );
    }
    if (!('value' in raw)) throw new ApiError(400, 'invalidRequest', `Patch operation ${index} needs a value`, `patch[${index}]`);
    const tokens = decodePointer(raw.path);
    const head = tokens[0] as string;
    if ((READ_ONLY_PROPERTIES as readonly string[]).includes(head)) {
      throw new ApiError(400, 'invalidRequest', `${raw.path} is read-only`, raw.path);
    }
    let parent: unknown = result;
    for (const token of tokens.slice(0, -1)) {
      if (Array.isArray(parent)) {
        const i = Number(token);
        if (!Number.isInteger(i) || i < 0 || i >= parent.length)
          throw new ApiError(400, 'invalidRequest', `${raw.path}: no element ${token}`, raw.path);
        parent = parent[i];
      } else if (isObject(parent)) {
        if (parent[token] === undefined || parent[token] === null) parent[token] = {};
        parent = parent[token];
      } else {
        throw new ApiError(400, 'invalidRequest', `${raw.path}: the target location does not exist`, raw.path);
      }
    }
    const last = tokens[tokens.length - 1] as string;
    const value = clone(raw.value);
    if (Array.isArray(parent)) {
      if (last === '-' && op === 'add') {
        parent.push(value);
        continue;
      }
      const i = Number(last);
      const max = op === 'add' ? parent.length : parent.length - 1;
      if (!Number.isInteger(i) || i < 0 || i > max) throw new ApiError(400, 'invalidRequest', `${raw.path}: index out of range`, raw.path);
      if (op === 'add') parent.splice(i, 0, value);
      else parent[i] = value;
    } else if (isObject(parent)) {
      parent[last] = value;
    } else {
      throw new ApiError(400, 'invalidRequest', `${raw.path}: the target location does not exist`, raw.path);
    }
  }
  return result;
}

/** Parses an ISO 8601 date-time, tolerating .NET's 7 fractional digits. NaN when invalid. */
export function parseDateTime(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!match) return Number.NaN;
  const [, date, hm = '00:00', seconds = '00', fraction = '', zone = 'Z'] = match;
  const millis = (fraction + '000').slice(0, 3);
  return Date.parse(`${date}T${hm}:${seconds}.${millis}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`);
}

/** UTC with 7 fractional digits, as the API's examples show (`2020-10-30T21:03:00.0000000Z`). */
export const formatDateTime = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
