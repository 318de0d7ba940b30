import type { IInputs, IOutputs } from '../generated/ManifestTypes';
import { Property, prefixOf, type Language, type PropertyName } from '../names';
import { optionsOf, type OptionInfo } from './status';
import { languageOf, localeOf } from './strings';

/** What the user may do with one bound column (field-level security, read-only form, hidden field). */
export interface FieldAccess {
  readonly readable: boolean;
  readonly editable: boolean;
}

/** The form values the section shows, read from the PCF context: plain data, no platform types. */
export interface FormState {
  readonly prefix: string;
  readonly language: Language;
  readonly locale: string;
  /** The user's time-zone offset in minutes (for audit times). */
  readonly offsetMinutes: number;
  /** Undefined for a new, unsaved opportunity. */
  readonly opportunityId: string | null;
  /** The whole control is read-only (inactive record, no write privilege, form disabled). */
  readonly disabled: boolean;
  readonly sync: boolean;
  readonly referralId: string | null;
  readonly referralLink: string | null;
  readonly help: readonly number[];
  readonly helpOptions: readonly OptionInfo[];
  readonly visibility: boolean;
  readonly status: number | null;
  readonly statusOptions: readonly OptionInfo[];
  readonly substatus: number | null;
  readonly substatusOptions: readonly OptionInfo[];
  readonly microsoftCrmId: string | null;
  readonly audit: string | null;
  /** The inbound referral's deadline (Partner Center's expirationDateTime), when the sync wrote one. */
  readonly respondBy: Date | null;
  readonly decision: number | null;
  readonly decisionOptions: readonly OptionInfo[];
  readonly declineReason: number | null;
  readonly declineReasonOptions: readonly OptionInfo[];
  readonly accountId: string | null;
  readonly contactId: string | null;
  readonly access: Readonly<Record<PropertyName, FieldAccess>>;
}

/** The edits the section hands back to the form (only what the user changed). */
export interface FormChanges {
  readonly sync?: boolean;
  readonly help?: readonly number[];
  readonly visibility?: boolean;
  /** The seller's answer to an inbound referral (the decision flow sends it), with the reason of a decline. */
  readonly decision?: number;
  readonly declineReason?: number;
}

/** The parts of the PCF context the section reads (a structural subset, so tests and the harness can fake it). */
export interface SectionContext {
  readonly parameters: Partial<IInputs>;
  readonly mode: {
    readonly isControlDisabled: boolean;
    readonly isVisible?: boolean;
    readonly contextInfo?: { readonly entityId?: string };
  };
  readonly userSettings?: { readonly languageId?: number; getTimeZoneOffsetMinutes?(date?: Date): number };
}

type Parameter = {
  raw?: unknown;
  security?: { readable?: boolean; editable?: boolean };
  attributes?: { LogicalName?: string; Options?: unknown };
};

const EMPTY_GUID = /^\{?0{8}-0{4}-0{4}-0{4}-0{12}\}?$/;
const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** A Dataverse id without braces, lower-case; null for anything that is not a real GUID. */
export function normalizeId(value: unknown): string | null {
  if (typeof value !== 'string' || !GUID.test(value.trim()) || EMPTY_GUID.test(value.trim())) return null;
  return value
    .trim()
    .replace(/^\{|\}$/g, '')
    .toLowerCase();
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const whole = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const numbers = (value: unknown): number[] =>
  Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number' && Number.isFinite(item)) : [];
const date = (value: unknown): Date | null => {
  const parsed = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  return parsed && Number.isFinite(parsed.getTime()) ? parsed : null;
};
const lookupId = (value: unknown): string | null =>
  Array.isArray(value) && value.length > 0 ? normalizeId((value[0] as { id?: unknown } | undefined)?.id) : null;

function formOptions(parameter: Parameter | undefined): Array<{ Value: number; Label: string }> | undefined {
  const options = parameter?.attributes?.Options;
  return Array.isArray(options) ? (options as Array<{ Value: number; Label: string }>) : undefined;
}

/** Reads the bound columns into a `FormState`; a missing or malformed value is read as empty, never thrown. */
export function readForm(context: SectionContext): FormState {
  const parameters = context.parameters as Partial<Record<PropertyName, Parameter>>;
  const raw = (name: PropertyName): unknown => parameters[name]?.raw;
  const access = Object.fromEntries(
    (Object.keys(Property) as PropertyName[]).map((name) => {
      const security = parameters[name]?.security;
      return [name, { readable: security?.readable !== false, editable: security?.editable !== false }];
    }),
  ) as Record<PropertyName, FieldAccess>;
  const language = languageOf(context.userSettings?.languageId);
  const status = whole(raw('ReferralStatus'));
  const substatus = whole(raw('ReferralSubstatus'));
  const help = numbers(raw('HowCanMicrosoftHelp'));
  // Without the form's options (a test harness), the model's labels need the option-value prefix: any value tells it.
  const decision = whole(raw('Decision'));
  const declineReason = whole(raw('DeclineReason'));
  const known = [status, substatus, decision, declineReason, ...help].find((value): value is number => value !== null);
  const valuePrefix = known === undefined ? undefined : Math.floor(known / 10000);
  let offsetMinutes = 0;
  try {
    offsetMinutes = context.userSettings?.getTimeZoneOffsetMinutes?.(new Date()) ?? 0;
  } catch {
    offsetMinutes = 0;
  }
  return {
    prefix: prefixOf(parameters.SyncWithPartnerCenter?.attributes?.LogicalName ?? parameters.Audit?.attributes?.LogicalName),
    language,
    locale: localeOf(language),
    offsetMinutes: Number.isFinite(offsetMinutes) ? offsetMinutes : 0,
    opportunityId: normalizeId(context.mode.contextInfo?.entityId),
    disabled: context.mode.isControlDisabled === true,
    sync: raw('SyncWithPartnerCenter') === true,
    referralId: text(raw('ReferralIdentifier')),
    referralLink: text(raw('ReferralLink')),
    help,
    helpOptions: optionsOf('HowCanMicrosoftHelp', formOptions(parameters.HowCanMicrosoftHelp), language, valuePrefix),
    visibility: raw('ReferralVisibility') === true,
    status,
    statusOptions: optionsOf('ReferralStatus', formOptions(parameters.ReferralStatus), language, valuePrefix),
    substatus,
    substatusOptions: optionsOf('ReferralSubstatus', formOptions(parameters.ReferralSubstatus), language, valuePrefix),
    microsoftCrmId: text(raw('MicrosoftCrmIdentifier')),
    audit: typeof raw('Audit') === 'string' ? (raw('Audit') as string) : null,
    respondBy: date(raw('RespondBy')),
    decision,
    decisionOptions: optionsOf('ReferralDecision', formOptions(parameters.Decision), language, valuePrefix),
    declineReason,
    declineReasonOptions: optionsOf('DeclineReason', formOptions(parameters.DeclineReason), language, valuePrefix),
    accountId: lookupId(raw('CustomerAccount')),
    contactId: lookupId(raw('CustomerContact')),
    access,
  };
}

/** A help choice ticked or cleared: the new selection, in the options' order, without duplicates. */
export function toggleHelp(selected: readonly number[], options: readonly OptionInfo[], value: number, checked: boolean): number[] {
  const set = new Set(selected.filter((item) => item !== value));
  if (checked) set.add(value);
  const order = options.map((option) => option.value);
  const rank = (item: number): number => (order.includes(item) ? order.indexOf(item) : order.length + item);
  return [...set].sort((a, b) => rank(a) - rank(b));
}

/** The outputs for `getOutputs`: only the columns the user changed. */
export function toOutputs(changes: FormChanges): IOutputs {
  const outputs: IOutputs = {};
  if (changes.sync !== undefined) outputs.SyncWithPartnerCenter = changes.sync;
  if (changes.help !== undefined) outputs.HowCanMicrosoftHelp = [...changes.help];
  if (changes.visibility !== undefined) outputs.ReferralVisibility = changes.visibility;
  if (changes.declineReason !== undefined) outputs.DeclineReason = changes.declineReason;
  if (changes.decision !== undefined) outputs.Decision = changes.decision;
  return outputs;
}
